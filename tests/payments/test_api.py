"""The API's payments (api.md, "Payments"), exactly as written."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from marquee.payments.models import Payment, Refund
from marquee.staff.roles import BOX_OFFICE
from marquee.staff.services import api_key_create
from tests.api.conftest import Api
from tests.staff.conftest import Api as StaffApi
from tests.staff.conftest import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _static_root():
    Path(django_settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def staff(client):
    staff_user("bob", BOX_OFFICE)
    return StaffApi(client, api_key_create(username="bob").key)


@pytest.fixture
def held(api, show, seats):
    return api.hold(show, seats[:2]).json()


def _start(api, held, provider):
    return api.post(f"/bookings/{held['reference']}/payments", {"provider": provider}, token=held["token"])


def test_start_a_payment_201_then_the_same_one_200(api, held, bank):
    first = _start(api, held, "card")
    assert first.status_code == 201
    body = first.json()
    assert set(body) == {"id", "provider", "status", "amount", "currency", "next"}
    assert (body["provider"], body["status"], body["currency"]) == ("card", "pending", "UAH")
    assert body["next"] == {
        "type": "card_form",
        "client_secret": body["next"]["client_secret"],
        "publishable_key": "pk",
        "js_url": "/js",
    }
    again = _start(api, held, "card")
    assert again.status_code == 200 and again.json()["id"] == body["id"]


def test_demo_answers_succeeded_with_next_none(api, held):
    body = _start(api, held, "demo").json()
    assert (body["status"], body["next"]) == ("succeeded", {"type": "none"})
    assert api.get(f"/bookings/{held['reference']}", token=held["token"]).json()["status"] == "paid"


def test_start_errors(api, held, bank):
    assert _start(api, held, "nope").status_code == 422
    assert _start(api, held, "cash").status_code == 422  # the box office's
    bank.down = True
    down = _start(api, held, "card")
    assert (down.status_code, down.json()["error"]) == (503, "provider_unavailable")
    bank.down = False
    assert _start(api, held, "card").status_code == 201  # the hold stayed: try again
    api.post(f"/bookings/{held['reference']}/cancel", token=held["token"])
    assert (_start(api, held, "card").status_code, _start(api, held, "card").json()["error"]) == (409, "invalid_state")
    assert _start(api, {"reference": held["reference"], "token": "wrong"}, "card").status_code == 404


def test_the_booking_shows_its_money_and_a_cancel_its_refund(api, held):
    assert api.post(f"/bookings/{held['reference']}/pay", {"method": "demo"}, token=held["token"]).status_code == 200
    booking = api.get(f"/bookings/{held['reference']}", token=held["token"]).json()
    total = booking["total_price"]
    assert (booking["amount_paid"], booking["amount_refunded"], booking["refunds"]) == (total, "0.00", [])
    [payment] = booking["payments"]
    assert set(payment) == {"id", "provider", "status", "amount", "currency", "created_at"}
    assert (payment["provider"], payment["status"], payment["amount"]) == ("demo", "succeeded", total)
    cancelled = api.post(f"/bookings/{held['reference']}/cancel", token=held["token"]).json()
    assert cancelled["status"] == "cancelled"
    [refund] = cancelled["refunds"]
    assert set(refund) == {"id", "amount", "status", "reason", "created_at"}
    assert refund["amount"] == total and refund["status"] in ("pending", "succeeded")
    assert cancelled["amount_refunded"] == total


def test_staff_mark_paid_refund_and_cancel(api, held, staff):
    ref = held["reference"]
    paid = staff.post(f"/bookings/{ref}/mark-paid", {"method": "card_terminal"})
    assert paid.status_code == 200 and paid.json()["payments"][0]["provider"] == "card_terminal"
    assert Payment.objects.get().taken_by.username == "bob"
    too_much = staff.post(f"/bookings/{ref}/refund", {"amount": "9999.00", "reason": "x"})
    assert (too_much.status_code, too_much.json()["error"]) == (422, "validation_error")
    assert staff.post(f"/bookings/{ref}/refund", {"amount": "1.00", "reason": ""}).status_code == 422
    part = staff.post(f"/bookings/{ref}/refund", {"amount": "1.00", "reason": "Goodwill"})
    assert part.status_code == 200 and part.json()["status"] == "paid" and part.json()["amount_refunded"] == "1.00"
    cancelled = staff.post(f"/bookings/{ref}/cancel", {"refund": "none", "reason": "Policy"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert Refund.objects.count() == 1


def test_staff_cancel_defaults_to_a_full_refund(api, held, staff):
    staff.post(f"/bookings/{held['reference']}/mark-paid")
    cancelled = staff.post(f"/bookings/{held['reference']}/cancel").json()
    assert cancelled["amount_refunded"] == cancelled["total_price"]
    assert Payment.objects.get().provider == "cash"


def test_staff_move_a_booking(api, held, staff, show, seats):
    from marquee.booking.house_seats import seats_block
    from tests import factories as f

    ref = held["reference"]
    path = f"/bookings/{ref}/move"
    not_paid = staff.post(path, {"showtime_id": show.pk, "seat_ids": seats[2:4]})
    assert (not_paid.status_code, not_paid.json()["error"]) == (409, "invalid_state")
    staff.post(f"/bookings/{ref}/mark-paid", {"method": "cash"})
    moved = staff.post(path, {"showtime_id": show.pk, "seat_ids": seats[3:5]})
    assert moved.status_code == 200, moved.content
    body = moved.json()
    assert body["reference"] == ref and body["status"] == "paid"
    assert sorted(s["seat_id"] for s in body["seats"]) == seats[3:5]
    # Seats held, sold or kept: 409 naming them.
    seats_block(showtime_id=show.pk, seat_ids=[seats[6]], reason="house", staff_user=None)
    taken = staff.post(path, {"showtime_id": show.pk, "seat_ids": [seats[3], seats[6]]})
    assert (taken.status_code, taken.json()["error"]) == (409, "seats_unavailable")
    assert seats[6] in taken.json()["seat_ids"]
    # Sales closed at the target.
    other = f.showtime(movie_obj=show.movie, hall_obj=show.hall, starts_at=show.ends_at + dt.timedelta(hours=2))
    from marquee.payments.services import showtime_cancel

    showtime_cancel(showtime_id=other.pk)
    closed = staff.post(path, {"showtime_id": other.pk, "seat_ids": seats[:2]})
    assert (closed.status_code, closed.json()["error"]) == (409, "sales_closed")
    # Validation: the count, an unknown method, a missing field.
    for bad in (
        {"showtime_id": show.pk, "seat_ids": seats[7:8]},
        {"showtime_id": show.pk, "seat_ids": seats[7:9], "method": "bitcoin"},
        {"seat_ids": seats[7:9]},
        {"showtime_id": show.pk, "seat_ids": []},
    ):
        response = staff.post(path, bad)
        assert (response.status_code, response.json()["error"]) == (422, "validation_error"), bad
    assert staff.post("/bookings/NOSUCHREF/move", {"showtime_id": show.pk, "seat_ids": seats[:2]}).status_code == 404
