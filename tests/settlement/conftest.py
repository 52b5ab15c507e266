"""A film week with sales: helpers that sell seats through the real services."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User

from marquee.booking.models import Booking
from marquee.payments.counter import counter_sell
from marquee.payments.services import payment_record_box_office
from marquee.settlement.services import TermSpec, distributor_create, rental_terms_set
from marquee.staff.roles import ADMIN
from tests import factories as f
from tests.notifications.conftest import smtp_server  # noqa: F401 - the real SMTP server fixture

# A Thursday in the future: every showtime below can still be scheduled and sold.
THURSDAY = dt.date(2027, 1, 14)
WEDNESDAY = THURSDAY - dt.timedelta(days=1)


@pytest.fixture
def staff(db) -> User:
    user = User.objects.create_user(username="manager", password="pw-manager", is_staff=True)
    user.groups.add(Group.objects.get(name=ADMIN))
    return user


def distributor(name: str = "Kinomania Distribution", vat: str = "20.00", **kw):
    return distributor_create(
        name=name, email=kw.pop("email", "statements@kinomania.example"), vat_rate=Decimal(vat), **kw
    )


def terms(movie, *rows: tuple[int, str, str | None]) -> None:
    rental_terms_set(
        movie_id=movie.pk,
        terms=[TermSpec(week, Decimal(pct), Decimal(minimum) if minimum else None) for week, pct, minimum in rows],
    )


def show_at(movie, day: dt.date, hour: int, minute: int = 0, *, hall=None, price: str = "100.00"):
    return f.showtime(movie_obj=movie, hall_obj=hall or f.hall(rows=2, seats=10, price=price),
                      starts_at=f.local_dt(day, hour, minute))  # fmt: skip


def seat_ids(show, n: int, offset: int = 0) -> list[int]:
    return list(show.hall.seats.order_by("pk").values_list("pk", flat=True))[offset : offset + n]


def sell(show, n: int, *, offset: int = 0, email: str = "olena@example.com") -> Booking:
    """n seats of the showtime, held and paid in cash at the box office."""
    held = f.hold(show, seat_ids(show, n, offset), email=email)
    payment_record_box_office(reference=held.booking.reference)
    return Booking.objects.get(pk=held.booking.pk)


def comp(show, n: int, *, offset: int, staff_user: User) -> Booking:
    return counter_sell(
        showtime_id=show.pk,
        seat_ids=seat_ids(show, n, offset),
        method="comp",
        comp_reason="Press",
        staff_user=staff_user,
    )
