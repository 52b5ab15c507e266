"""POST /api/v1/bookings with best_available, wheelchair, and the seating errors:
409 single_seat_gap with a suggestion, 409 wheelchair_only, warnings under warn."""

import pytest

from marquee.booking import hold_pricing
from marquee.booking.models import Booking
from marquee.venues.models import Seat, SeatType
from tests.api.test_public_api import assert_error

pytestmark = pytest.mark.django_db

CUSTOMER = {"first_name": "Olena", "last_name": "Koval", "email": "olena@example.com"}


@pytest.fixture(autouse=True)
def _fresh_copy():
    hold_pricing.forget()


def grid(show) -> dict[tuple[int, int], int]:
    return {(s.row_number, s.seat_number): s.pk for s in show.hall.seats.all()}


def test_best_available_holds_the_best_block_and_answers_the_booking(api, show):
    body = {"showtime_id": show.pk, "best_available": {"count": 2, "type": "standard"}, "customer": CUSTOMER}
    response = api.post("/bookings", body)
    assert response.status_code == 201, response.content
    booking = response.json()
    assert len(booking["seats"]) == 2
    assert {s["row"] for s in booking["seats"]} == {2}  # the zone: the middle row of three
    assert booking["warnings"] == []
    assert booking["token"]


def test_best_available_without_a_type_and_vip_only(api, show):
    body = {"showtime_id": show.pk, "best_available": {"count": 3, "type": "vip"}, "customer": CUSTOMER}
    booking = api.post("/bookings", body).json()
    assert {s["row"] for s in booking["seats"]} == {3}  # the hall's VIP row


def test_exactly_one_of_seat_ids_and_best_available(api, show, seat_ids):
    both = {"showtime_id": show.pk, "seat_ids": seat_ids[:1], "best_available": {"count": 1}, "customer": CUSTOMER}
    error = assert_error(api.post("/bookings", both), 422, "validation_error")
    assert set(error["fields"]) == {"seat_ids", "best_available"}
    neither = {"showtime_id": show.pk, "customer": CUSTOMER}
    assert_error(api.post("/bookings", neither), 422, "validation_error")
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("asked", "field"),
    [
        ({"count": 0}, "best_available.count"),
        ({"count": 11}, "best_available.count"),
        ({"count": 2, "type": "balcony"}, "best_available.type"),
        ({"count": "two"}, "best_available.count"),
        ({"count": 2, "extra": 1}, "best_available.extra"),
    ],
)
def test_what_best_available_asks_is_checked(api, show, asked, field):
    body = {"showtime_id": show.pk, "best_available": asked, "customer": CUSTOMER}
    error = assert_error(api.post("/bookings", body), 422, "validation_error")
    assert field in error["fields"], error


def test_no_block_free_is_409_seats_unavailable_with_no_seat_ids(api, show):
    seat = grid(show)
    assert (
        api.hold(show, [seat[3, 2], seat[3, 4]], gap_rule=None).status_code == 422
    )  # the counter's override is not the public's
    held = api.hold(show, [seat[3, 2], seat[3, 4]])  # the VIP row: 1 and 3 stay free, apart
    assert held.status_code == 201, held.content
    body = {"showtime_id": show.pk, "best_available": {"count": 2, "type": "vip"}, "customer": CUSTOMER}
    error = assert_error(api.post("/bookings", body), 409, "seats_unavailable")
    assert error["seat_ids"] == []


def test_a_stranded_seat_is_409_single_seat_gap_with_a_suggestion(api, show, settings):
    settings.SINGLE_SEAT_GAPS = "refuse"
    seat = grid(show)
    error = assert_error(api.hold(show, [seat[1, 2], seat[1, 3]]), 409, "single_seat_gap")
    assert error["seat_ids"] == sorted([seat[1, 2], seat[1, 3]])
    assert len(error["suggestion"]) == 2
    assert api.hold(show, error["suggestion"]).status_code == 201


def test_under_warn_the_answer_says_single_seat_gap(api, show, settings):
    settings.SINGLE_SEAT_GAPS = "warn"
    seat = grid(show)
    response = api.hold(show, [seat[1, 2], seat[1, 3]])
    assert response.status_code == 201, response.content
    assert response.json()["warnings"] == ["single_seat_gap"]


def test_wheelchair_spaces_are_409_wheelchair_only_unless_the_customer_needs_one(api, show):
    seat = grid(show)
    Seat.objects.filter(pk=seat[1, 1]).update(seat_type=SeatType.WHEELCHAIR)
    Seat.objects.filter(pk=seat[1, 2]).update(seat_type=SeatType.COMPANION)
    error = assert_error(api.hold(show, [seat[1, 1], seat[1, 2]]), 409, "wheelchair_only")
    assert error["seat_ids"] == sorted([seat[1, 1], seat[1, 2]])
    response = api.hold(show, [seat[1, 1], seat[1, 2]], wheelchair=True)
    assert response.status_code == 201, response.content


def test_best_available_for_a_wheelchair_user_includes_the_space(api, show):
    seat = grid(show)
    Seat.objects.filter(pk=seat[1, 1]).update(seat_type=SeatType.WHEELCHAIR)
    Seat.objects.filter(pk=seat[1, 2]).update(seat_type=SeatType.COMPANION)
    body = {"showtime_id": show.pk, "best_available": {"count": 2}, "wheelchair": True, "customer": CUSTOMER}
    booking = api.post("/bookings", body).json()
    assert sorted(s["seat_id"] for s in booking["seats"]) == sorted([seat[1, 1], seat[1, 2]])


def test_the_openapi_schema_documents_best_available_and_the_errors(api):
    schema = api.get("/openapi.json").json()
    booking_in = schema["components"]["schemas"]["BookingIn"]["properties"]
    assert {"best_available", "wheelchair", "seat_ids"} <= set(booking_in)
    error_out = schema["components"]["schemas"]["ErrorOut"]["properties"]
    assert "suggestion" in error_out
    description = schema["paths"]["/api/v1/bookings"]["post"]["description"]
    assert "single_seat_gap" in description and "wheelchair_only" in description
