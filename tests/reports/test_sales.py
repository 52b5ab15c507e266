import datetime as dt
import io
from decimal import Decimal

import pytest

from marquee.core.errors import ValidationFailed
from marquee.reports import selectors as r
from marquee.reports.csv import write_occupancy_csv, write_sales_csv
from tests import factories as f

pytestmark = pytest.mark.django_db


def figures(report):
    return [(row.key, row.tickets, row.revenue) for row in report.rows]


def test_sales_by_movie(cinema):
    report = r.sales(start=cinema.day, end=cinema.day, group_by="movie")
    assert figures(report) == [("M1", 6, Decimal("600.00")), ("M2", 3, Decimal("500.00"))]
    assert [row.id for row in report.rows] == [cinema.m1.pk, cinema.m2.pk]
    assert (report.tickets, report.revenue, report.currency) == (9, Decimal("1100.00"), "UAH")


def test_sales_by_day(cinema):
    report = r.sales(start=cinema.day - dt.timedelta(days=2), end=cinema.day, group_by="day")
    assert figures(report) == [(cinema.day.isoformat(), 9, Decimal("1100.00"))]


def test_sales_by_hall(cinema):
    report = r.sales(start=cinema.day, end=cinema.day, group_by="hall")
    assert figures(report) == [("Hall A", 5, Decimal("700.00")), ("Hall B", 4, Decimal("400.00"))]


def test_sales_by_seat_type(cinema):
    report = r.sales(start=cinema.day, end=cinema.day, group_by="seat_type")
    assert figures(report) == [("standard", 7, Decimal("725.00")), ("vip", 2, Decimal("375.00"))]


def test_sales_by_tariff(cinema):
    report = r.sales(start=cinema.day, end=cinema.day, group_by="tariff")
    assert figures(report) == [("Evening", 7, Decimal("900.00")), (r.NO_TARIFF, 2, Decimal("200.00"))]


def test_sales_for_one_hall_and_empty_period(cinema):
    report = r.sales(start=cinema.day, end=cinema.day, group_by="movie", hall_id=cinema.hall_a.pk)
    assert figures(report) == [("M2", 3, Decimal("500.00")), ("M1", 2, Decimal("200.00"))]
    empty = r.sales(start=cinema.day + dt.timedelta(days=1), end=cinema.day + dt.timedelta(days=1), group_by="hall")
    assert (empty.rows, empty.tickets, empty.revenue) == ([], 0, Decimal("0.00"))


def test_prices_stay_frozen_when_tariffs_change(cinema):
    from marquee.pricing.models import Tariff
    from marquee.pricing.services import tariff_update

    tariff_update(tariff_id=Tariff.objects.get().pk, price_multiplier=Decimal("3"), name="Night")
    report = r.sales(start=cinema.day, end=cinema.day, group_by="tariff")
    assert figures(report)[0] == ("Evening", 7, Decimal("900.00"))


def test_unknown_grouping_is_refused(db):
    with pytest.raises(ValidationFailed):
        r.sales(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 2), group_by="colour")


@pytest.mark.parametrize("group_by", r.GROUP_BYS)
def test_sales_take_three_queries_however_many_seats(cinema, group_by, django_assert_num_queries):
    # tallied showtimes, the others' seats, and the seats of refunded bookings
    with django_assert_num_queries(3):
        before = r.sales(start=cinema.day, end=cinema.day, group_by=group_by)
    from marquee.payments.services import booking_pay

    for hour in (9, 11):
        show = f.showtime(hall_obj=cinema.hall_b, starts_at=f.local_dt(cinema.day, hour))
        booking_pay(reference=f.hold(show, email=f"y{hour}@example.com").booking.reference, method="demo")
    with django_assert_num_queries(3):
        after = r.sales(start=cinema.day, end=cinema.day, group_by=group_by)
    assert after.tickets == before.tickets + 4


def test_csv_downloads(cinema):
    out = io.StringIO()
    write_sales_csv(out, r.sales(start=cinema.day, end=cinema.day, group_by="hall"))
    assert out.getvalue().splitlines() == [
        # "comps" came last (the counter's free tickets), after the columns readers already use.
        "hall,tickets,revenue,currency,comps",
        "Hall A,5,700.00,UAH,0",
        "Hall B,4,400.00,UAH,0",
        "TOTAL,9,1100.00,UAH,0",
    ]
    out = io.StringIO()
    write_occupancy_csv(out, r.occupancy(start=cinema.day, end=cinema.day))
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("showtime_id,date,time,movie_id,movie")
    assert lines[3] == f"{cinema.s3.pk},{cinema.day.isoformat()},19:00,{cinema.m1.pk},M1,2,Hall B,4,4,0,1.0000"


def test_csv_cells_never_start_a_formula(cinema):
    from marquee.catalog.services import movie_update

    movie_update(movie_id=cinema.m2.pk, title="=HYPERLINK(1)")
    out = io.StringIO()
    write_sales_csv(out, r.sales(start=cinema.day, end=cinema.day, group_by="movie"))
    assert "'=HYPERLINK(1)" in out.getvalue()
