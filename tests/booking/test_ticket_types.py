"""A hold with a ticket type per seat: the price and the type are frozen on each seat, and a
type that cannot be sold is refused with the reason, holding nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marquee.booking.models import Booking, BookingSeat
from marquee.core.errors import ValidationFailed
from marquee.payments.checkout import checkout_hold
from marquee.pricing.models import TicketType
from marquee.pricing.ticket_types import ticket_type_update
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def child():
    return f.ticket_type(
        "child", "Child", name_uk="Дитячий", multiplier=Decimal("0.6"), min_price=Decimal("60.00"), max_age_rating=12
    )


@pytest.fixture
def student():
    return f.ticket_type(
        "student", "Student", rule="amount_off", amount_off=Decimal("30.00"), door_note_en="Show student ID"
    )


def _show(age_rating: int = 0, price: str = "150.00"):
    movie = f.movie(age_rating=age_rating)
    return f.showtime(
        movie_obj=movie, hall_obj=f.hall(rows=1, seats=4, price=price), starts_at=f.local_dt(dt.date(2026, 12, 20), 12)
    )


def _seats(show) -> list[int]:
    return list(show.hall.seats.order_by("pk").values_list("pk", flat=True))


def test_each_seat_is_priced_and_frozen_with_its_type(child, student):
    show = _show()
    a, b, c, d = _seats(show)
    result = f.hold(show, [a, b, c, d], ticket_types={b: "child", c: "student"})
    by_seat = {bs.seat_id: bs for bs in BookingSeat.objects.filter(booking=result.booking)}
    assert [(by_seat[s].ticket_type_code, by_seat[s].final_price) for s in (a, b, c, d)] == [
        ("adult", Decimal("150.00")),
        ("child", Decimal("90.00")),
        ("student", Decimal("120.00")),
        ("adult", Decimal("150.00")),
    ]
    assert by_seat[b].ticket_type == child
    assert by_seat[b].ticket_type_name == "Child"  # the default language's name, as tariff_name
    assert result.booking.total_price == Decimal("510.00")


def test_the_floor_holds_for_a_cheap_seat(child):
    show = _show(price="80.00")
    seat = _seats(show)[0]
    result = f.hold(show, [seat], ticket_types={seat: "child"})
    assert result.seats[0].final_price == Decimal("60.00")  # 80 × 0.6 = 48, below the floor


def test_a_booked_price_and_name_stay_when_the_type_changes_later(child):
    show = _show()
    seat = _seats(show)[0]
    result = f.hold(show, [seat], ticket_types={seat: "child"})
    ticket_type_update(ticket_type_id=child.pk, multiplier=Decimal("0.5"), name_en="Kid")
    booked = BookingSeat.objects.get(booking=result.booking)
    assert (booked.final_price, booked.ticket_type_name, booked.ticket_type_code) == (
        Decimal("90.00"),
        "Child",
        "child",
    )
    again = f.hold(_show(), None, email="next@example.com", ticket_types=None)
    assert {bs.ticket_type_code for bs in again.seats} == {"adult"}


@pytest.mark.parametrize(
    ("rating", "choice", "reason"),
    [
        (18, "child", "Child tickets are not sold for films rated 18+."),
        (0, "nobody", "No ticket type on sale is called nobody."),
        (0, "retired", "No ticket type on sale is called retired."),
    ],
)
def test_a_type_that_cannot_be_sold_is_refused_with_the_reason(child, rating, choice, reason):
    f.ticket_type("retired", "Retired", is_active=False)
    show = _show(age_rating=rating)
    seat = _seats(show)[0]
    with pytest.raises(ValidationFailed) as refused:
        f.hold(show, [seat], ticket_types={seat: choice})
    assert refused.value.fields == {"ticket_types": [reason]}
    assert not Booking.objects.exists()


def test_a_type_for_a_seat_not_held_is_refused(child):
    show = _show()
    a, b, *_ = _seats(show)
    with pytest.raises(ValidationFailed) as refused:
        f.hold(show, [a], ticket_types={b: "child"})
    assert refused.value.fields == {"ticket_types": [f"Not seats of this booking: {b}."]}
    assert not Booking.objects.exists()


def test_child_tickets_are_sold_for_films_rated_up_to_their_limit(child):
    show = _show(age_rating=12)
    seat = _seats(show)[0]
    assert f.hold(show, [seat], ticket_types={seat: "child"}).seats[0].ticket_type_code == "child"


def test_checkout_passes_the_types_to_the_hold(student):
    show = _show()
    seat = _seats(show)[0]
    result = checkout_hold(showtime_id=show.pk, seat_ids=[seat], customer=f.buyer(), ticket_types={seat: "student"})
    assert result.seats[0].ticket_type_code == "student"
    assert result.seats[0].final_price == Decimal("120.00")


def test_the_hold_reads_the_types_in_one_query(child, student):
    show = _show()
    seats = _seats(show)
    f.hold(show, seats[:1], email="warm@example.com")  # warm the process's caches
    with CaptureQueriesContext(connection) as queries:
        f.hold(show, seats[1:], ticket_types={seats[1]: "child", seats[2]: "student"})
    # PostgreSQL prices from the process's copy of the types, which the hold's function checks.
    reads = 0 if connection.vendor == "postgresql" else 1
    assert sum('"pricing_tickettype"' in q["sql"] for q in queries.captured_queries) == reads
    assert TicketType.objects.filter(is_default=True).count() == 1


@pytest.mark.parametrize("code", ["chi\x00ld", "x" * 5000, "Child", "child\n"])
def test_a_code_that_cannot_be_one_is_refused_without_asking_the_database_a_bad_question(child, code):
    show = _show()
    seat = _seats(show)[0]
    with pytest.raises(ValidationFailed) as refused:
        f.hold(show, [seat], ticket_types={seat: code})
    assert list(refused.value.fields) == ["ticket_types"]
    assert "\x00" not in refused.value.fields["ticket_types"][0]
