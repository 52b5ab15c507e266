"""Ticket types in the public API: what a showtime and its seat map offer, a hold naming a type
per seat, the reason a type is refused, and the type of each booked seat."""

from decimal import Decimal

import pytest

from marquee.booking.models import Booking
from marquee.catalog.services import movie_update
from tests import factories as f
from tests.api.test_public_api import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def types(db):
    child = f.ticket_type(
        "child", "Child", name_uk="Дитячий", multiplier=Decimal("0.6"), min_price=Decimal("60.00"), max_age_rating=12
    )
    student = f.ticket_type(
        "student",
        "Student",
        name_uk="Студентський",
        rule="amount_off",
        amount_off=Decimal("30.00"),
        door_note_en="Show student ID",
        door_note_uk="Покажіть студентський квиток",
        position=2,
    )
    return child, student


def test_a_showtime_offers_each_type_with_its_price_per_seat_type(api, show, types):
    body = api.get(f"/showtimes/{show.pk}").json()
    assert body["prices"]["standard"] == "125.00"  # kept as it was: 100 × 1.25 (evening)
    offered = {t["code"]: t for t in body["ticket_types"]}
    assert [t["code"] for t in body["ticket_types"]] == ["adult", "child", "student"]  # default first
    assert offered["adult"]["prices"]["standard"] == "125.00"
    assert offered["child"]["prices"]["standard"] == "75.00"
    assert offered["student"] == {
        "code": "student",
        "name": "Student",
        "door_note": "Show student ID",
        "prices": {kind: f"{Decimal(p) - 30:.2f}" for kind, p in body["prices"].items()},
    }


def test_the_seat_map_offers_the_same_types_in_the_visitor_s_language(api, show, types):
    body = api.client.get(f"/api/v1/showtimes/{show.pk}/seats", HTTP_ACCEPT_LANGUAGE="uk").json()
    offered = {t["code"]: t for t in body["ticket_types"]}
    assert offered["student"]["name"] == "Студентський"
    assert offered["student"]["door_note"] == "Покажіть студентський квиток"
    assert offered["child"]["prices"]["standard"] == "75.00"


def test_an_18_plus_film_offers_no_child_tickets(api, show, types):
    movie_update(movie_id=show.movie_id, age_rating=18)
    codes = [t["code"] for t in api.get(f"/showtimes/{show.pk}").json()["ticket_types"]]
    assert codes == ["adult", "student"]


def test_a_hold_names_a_type_per_seat_and_the_answer_shows_it(api, show, seat_ids, types):
    a, b, c = seat_ids[:3]
    response = api.hold(show, [a, b, c], ticket_types={str(b): "child", str(c): "student"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert [(s["ticket_type"], s["price"]) for s in body["seats"]] == [
        ({"code": "adult", "name": "Adult"}, "125.00"),
        ({"code": "child", "name": "Child"}, "75.00"),
        ({"code": "student", "name": "Student"}, "95.00"),
    ]
    assert body["total_price"] == "295.00"
    again = api.get(f"/bookings/{body['reference']}", token=body["token"]).json()
    assert [s["ticket_type"]["code"] for s in again["seats"]] == ["adult", "child", "student"]


@pytest.mark.parametrize(
    ("choice", "reason"),
    [
        ("child", "Child tickets are not sold for films rated 18+."),
        ("pensioner", "No ticket type on sale is called pensioner."),
    ],
)
def test_a_type_that_does_not_apply_answers_422_with_the_reason(api, show, seat_ids, types, choice, reason):
    movie_update(movie_id=show.movie_id, age_rating=18)
    body = assert_error(api.hold(show, seat_ids[:1], ticket_types={str(seat_ids[0]): choice}), 422, "validation_error")
    assert body["fields"] == {"ticket_types": [reason]}
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    "ticket_types",
    [{"x": "child"}, {"0": "child"}, ["child"], {"1": 5}, "child", {"1": "c" * 101}, {"99999999999999999999": "a"}],
)
def test_malformed_types_answer_422_never_500(api, show, seat_ids, types, ticket_types):
    assert_error(api.hold(show, seat_ids[:1], ticket_types=ticket_types), 422, "validation_error")


def test_a_type_for_a_seat_not_held_answers_422(api, show, seat_ids, types):
    body = assert_error(api.hold(show, seat_ids[:1], ticket_types={str(seat_ids[1]): "child"}), 422, "validation_error")
    assert body["fields"] == {"ticket_types": [f"Not seats of this booking: {seat_ids[1]}."]}


def test_a_hold_without_types_is_all_adult_as_before(api, show, seat_ids):
    body = api.hold(show, seat_ids[:2]).json()
    assert [s["ticket_type"] for s in body["seats"]] == [{"code": "adult", "name": "Adult"}] * 2
    assert [s["price"] for s in body["seats"]] == ["125.00", "125.00"]
