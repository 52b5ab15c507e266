"""Ticket types at the counter: the cashier counts the child and student tickets among the seats
chosen; the sale prices each seat by its type, and the sale's page, the 80 mm tickets and the
receipt name the types."""

from decimal import Decimal

import pytest

from marquee.booking.models import Booking, BookingSeat
from marquee.catalog.services import movie_update
from marquee.core.errors import ValidationFailed
from marquee.payments.counter import counter_sell
from tests import factories as f
from tests.backoffice.test_sell import _pdf, cashier, clock, show, till  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def seats(show, types):  # noqa: F811
    return list(show.hall.seats.order_by("pk").values_list("pk", flat=True))


@pytest.fixture
def types(db):
    f.ticket_type("child", "Child", multiplier=Decimal("0.6"), min_price=Decimal("50.00"), max_age_rating=12)
    f.ticket_type("student", "Student", rule="amount_off", amount_off=Decimal("30.00"), door_note_en="Show student ID")


def test_the_sale_form_counts_each_type_sold_for_this_film(till, show, seats):  # noqa: F811
    html = till.get(f"/staff/sell/{show.pk}/").content.decode()
    assert 'name="count_child"' in html and 'name="count_student"' in html and 'name="count_adult"' not in html
    movie_update(movie_id=show.movie_id, age_rating=18)
    html = till.get(f"/staff/sell/{show.pk}/").content.decode()
    assert 'name="count_child"' not in html and "Show student ID" in html


def test_a_family_at_the_counter_is_priced_per_type(till, show, seats):  # noqa: F811
    answer = till.post(
        f"/staff/sell/{show.pk}/",
        {"seat": seats[:4], "method": "cash", "count_child": "1", "count_student": "1"},
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    booking = Booking.objects.get()
    sold = list(BookingSeat.objects.filter(booking=booking).order_by("seat_id"))
    assert [(bs.ticket_type_code, bs.final_price) for bs in sold] == [
        ("child", Decimal("60.00")),
        ("student", Decimal("70.00")),
        ("adult", Decimal("100.00")),
        ("adult", Decimal("100.00")),
    ]
    assert booking.total_price == Decimal("330.00")
    done = till.get(answer["Location"]).content.decode()
    assert "Child" in done and "Student" in done
    ticket = _pdf(till.get(f"/staff/sell/sold/{booking.reference}/tickets-80mm.pdf")).pages[0].extract_text()
    assert "Child" in ticket
    receipt = _pdf(till.get(f"/staff/sell/sold/{booking.reference}/receipt.pdf")).pages[0].extract_text()
    assert "Child" in receipt and "Student" in receipt and "Adult" in receipt


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"count_child": "3"}, "More tickets by type than seats chosen"),
        ({"count_child": "-1"}, "Give each count as a whole number."),
        ({"count_child": "x"}, "Give each count as a whole number."),
    ],
)
def test_counts_that_do_not_fit_say_why(till, show, seats, counts, message):  # noqa: F811
    answer = till.post(f"/staff/sell/{show.pk}/", {"seat": seats[:2], "method": "cash", **counts})
    assert answer.status_code == 422
    assert message in answer.content.decode()
    assert not Booking.objects.exists()


def test_counter_sell_refuses_a_child_ticket_for_an_18_plus_film(show, seats, cashier):  # noqa: F811
    movie_update(movie_id=show.movie_id, age_rating=18)
    with pytest.raises(ValidationFailed) as refused:
        counter_sell(showtime_id=show.pk, seat_ids=seats[:1], method="cash", staff_user=cashier, ticket_types=["child"])
    assert refused.value.fields == {"ticket_types": ["Child tickets are not sold for films rated 18+."]}
