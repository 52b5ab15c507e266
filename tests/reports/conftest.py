"""A small cinema whose report figures are worked out by hand in the tests.

Hall A: row 1 five standard seats at 100.00, row 2 five VIP seats at 150.00 (capacity 10).
Hall B: one row of four standard seats at 80.00 (capacity 4).
Tariff "Evening" 18:00–23:59 ×1.25. Day D is three days ahead.

S1 Drama movie M1, hall A, D 14:00 (no tariff)
    paid    anna   A1-1, A1-2       2 × 100.00
    pending carl   A2-1             held (150.00)
    cancelled dora A1-3
S2 Comedy movie M2, hall A, D 19:00 (Evening)
    paid    anna   A2-1, A2-2, A1-1 2 × 187.50 + 125.00
S3 Drama movie M1, hall B, D 19:00 (Evening)
    paid    boris  B1-1..B1-4       4 × 100.00 (sold out)
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from marquee.catalog.models import Movie
from marquee.core.clock import local_today
from marquee.payments.services import booking_cancel, booking_pay
from marquee.scheduling.models import Showtime
from marquee.venues.models import Hall, Seat
from marquee.venues.services import RowSpec, hall_create
from tests import factories as f


@pytest.fixture(autouse=True)
def _static_root(settings):
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@dataclass
class Cinema:
    day: dt.date
    hall_a: Hall
    hall_b: Hall
    m1: Movie
    m2: Movie
    s1: Showtime
    s2: Showtime
    s3: Showtime
    references: dict[str, str]


def seat(hall: Hall, row: int, number: int) -> int:
    return Seat.objects.get(hall=hall, row_number=row, seat_number=number).pk


@pytest.fixture
def cinema(db) -> Cinema:
    day = local_today() + dt.timedelta(days=3)
    hall_a = hall_create(
        number=1,
        name="Hall A",
        rows=[
            RowSpec(row=1, seats=5, type="standard", base_price=Decimal("100.00")),
            RowSpec(row=2, seats=5, type="vip", base_price=Decimal("150.00")),
        ],
    )
    hall_b = hall_create(
        number=2, name="Hall B", rows=[RowSpec(row=1, seats=4, type="standard", base_price=Decimal("80.00"))]
    )
    f.tariff("Evening", dt.time(18), dt.time(23, 59), "1.25")
    drama, comedy = f.genre("Drama"), f.genre("Comedy")
    m1 = f.movie(title="M1", genres=[drama])
    m2 = f.movie(title="M2", genres=[comedy])
    s1 = f.showtime(movie_obj=m1, hall_obj=hall_a, starts_at=f.local_dt(day, 14))
    s2 = f.showtime(movie_obj=m2, hall_obj=hall_a, starts_at=f.local_dt(day, 19))
    s3 = f.showtime(movie_obj=m1, hall_obj=hall_b, starts_at=f.local_dt(day, 19))
    refs = {}
    b1 = f.hold(s1, [seat(hall_a, 1, 1), seat(hall_a, 1, 2)], email="anna@example.com")
    booking_pay(reference=b1.booking.reference, method="demo")
    refs["b1"] = b1.booking.reference
    refs["b2"] = f.hold(s1, [seat(hall_a, 2, 1)], email="carl@example.com").booking.reference
    b3 = f.hold(s1, [seat(hall_a, 1, 3)], email="dora@example.com")
    booking_cancel(reference=b3.booking.reference)
    refs["b3"] = b3.booking.reference
    b4 = f.hold(s2, [seat(hall_a, 2, 1), seat(hall_a, 2, 2), seat(hall_a, 1, 1)], email="anna@example.com")
    booking_pay(reference=b4.booking.reference, method="demo")
    refs["b4"] = b4.booking.reference
    b5 = f.hold(s3, [seat(hall_b, 1, n) for n in range(1, 5)], email="boris@example.com")
    booking_pay(reference=b5.booking.reference, method="demo")
    refs["b5"] = b5.booking.reference
    return Cinema(day, hall_a, hall_b, m1, m2, s1, s2, s3, refs)
