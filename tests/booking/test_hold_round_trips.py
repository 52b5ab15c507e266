"""What a hold costs the database: on PostgreSQL three round trips (BEGIN, the hold's function,
COMMIT) once the process has its copy of the pricing data; on SQLite a few statements.

Round trips are counted on the wire (tests/round_trips.py wire_round_trips, libpq's own trace).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marquee.booking import hold_pricing
from marquee.booking.models import Booking
from marquee.payments.checkout import checkout_hold
from tests import factories as f
from tests.round_trips import wire_round_trips

pytestmark = pytest.mark.django_db(transaction=True)


def _show():
    return f.showtime(hall_obj=f.hall(rows=2, seats=5, price="150.00"), starts_at=f.local_dt(dt.date(2026, 12, 20), 19))


def _seats(show) -> list[int]:
    return list(show.hall.seats.order_by("pk").values_list("pk", flat=True))


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_hold_is_three_round_trips_on_postgresql_once_the_copy_is_warm():
    show = _show()
    seats = _seats(show)
    hold_pricing.forget()  # a process that has never held: it reads the pricing data once
    cold, _sent = wire_round_trips(lambda: f.hold(show, seats[:2], email="first@example.com", client_ip="203.0.113.9"))
    warm, sent = wire_round_trips(lambda: f.hold(show, seats[2:4], email="second@example.com", client_ip="203.0.113.9"))
    assert warm == 3, "\n".join(sent)
    assert cold > warm  # the fingerprint, tariffs, ticket types, the showtime and its hall's seats
    assert Booking.objects.count() == 2


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_checkout_without_a_code_adds_no_round_trip():
    show = _show()
    seats = _seats(show)
    f.hold(show, seats[:1], email="warm@example.com")
    trips, sent = wire_round_trips(
        lambda: checkout_hold(showtime_id=show.pk, seat_ids=seats[1:3], customer=f.buyer("c@example.com"))
    )
    assert trips == 3, "\n".join(sent)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_copy_out_of_date_is_read_again_and_the_price_is_the_new_one():
    show = _show()
    seats = _seats(show)
    f.hold(show, seats[:1], email="warm@example.com")  # the copy now has the base price 150
    show.hall.seats.filter(pk=seats[1]).update(base_price=Decimal("200.00"))
    result = f.hold(show, seats[1:2], email="later@example.com")
    assert result.seats[0].final_price == Decimal("200.00")
    assert result.booking.total_price == Decimal("200.00")
    # and a warm copy again: three round trips
    trips, sent = wire_round_trips(lambda: f.hold(show, seats[2:3], email="third@example.com"))
    assert trips == 3, "\n".join(sent)


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_hold_on_sqlite_is_one_transaction_of_a_few_statements():
    show = _show()
    seats = _seats(show)
    f.hold(show, seats[:1], email="warm@example.com")
    with CaptureQueriesContext(connection) as queries:
        f.hold(show, seats[1:3], email="olena@example.com")
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) <= 15, "\n".join(statements)
