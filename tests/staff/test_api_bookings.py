"""Box office actions and customers through the staff API."""

import pytest
import time_machine

from marquee.booking.services import booking_hold
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.payments.services import booking_pay
from tests import factories as f

pytestmark = pytest.mark.django_db


def error(response):
    return response.status_code, response.json()["error"]


@pytest.fixture
def bookings(db):
    show = f.showtime()
    other = f.showtime()
    pending = f.hold(show, email="olena@example.com").booking
    paid = f.hold(other, email="Taras@Example.com", recipient_name="Ira", recipient_email="ira@example.com").booking
    booking_pay(reference=paid.reference, method="demo")
    return show, pending, paid


def test_bookings_list_filters_and_pages(box_office_api, bookings, django_assert_max_num_queries):
    show, pending, paid = bookings
    with django_assert_max_num_queries(12):
        page = box_office_api.get("/bookings").json()
    assert page["count"] == 2
    assert [b["reference"] for b in page["results"]] == [paid.reference, pending.reference]
    assert box_office_api.get("/bookings", showtime=show.pk).json()["results"][0]["reference"] == pending.reference
    assert box_office_api.get("/bookings", email="taras@example.COM").json()["count"] == 1
    assert box_office_api.get("/bookings", email="ira@example.com").json()["count"] == 1  # the recipient
    assert box_office_api.get("/bookings", status="paid").json()["results"][0]["reference"] == paid.reference
    one = box_office_api.get("/bookings", limit=1, offset=1).json()
    assert (one["count"], [b["reference"] for b in one["results"]]) == (2, [pending.reference])
    booking = box_office_api.get("/bookings", status="paid").json()["results"][0]
    assert booking["recipient"] == {"name": "Ira", "email": "ira@example.com"}
    assert booking["currency"] == "UAH" and booking["total_price"] == "200.00"
    assert [s["price"] for s in booking["seats"]] == ["100.00", "100.00"]
    assert "token" not in booking and "token_hash" not in booking


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"status": "lost"}, {"showtime": "x"}]
)
def test_bookings_list_validation(box_office_api, params):
    assert error(box_office_api.get("/bookings", **params)) == (422, "validation_error")


def test_more_bookings_cost_no_more_queries(box_office_api, bookings, django_assert_max_num_queries):
    for i in range(6):
        f.hold(f.showtime(), email=f"more{i}@example.com")
    with django_assert_max_num_queries(12):
        assert box_office_api.get("/bookings").json()["count"] == 8


def test_mark_paid_cancel_resend(box_office_api, bookings):
    _show, pending, paid = bookings
    response = box_office_api.post(f"/bookings/{pending.reference.lower()}/mark-paid")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["payment_method"]) == ("paid", "cash")
    assert OutgoingMail.objects.filter(booking=pending, kind=MailKind.TICKETS).count() == 1
    response = box_office_api.post(f"/bookings/{paid.reference}/resend")
    assert response.status_code == 200
    assert OutgoingMail.objects.filter(booking=paid, kind=MailKind.RESEND).count() == 1
    response = box_office_api.post(f"/bookings/{paid.reference}/cancel")
    assert (response.status_code, response.json()["status"], response.json()["cancel_reason"]) == (
        200,
        "cancelled",
        "staff",
    )
    assert error(box_office_api.post(f"/bookings/{paid.reference}/cancel")) == (409, "invalid_state")
    assert error(box_office_api.post(f"/bookings/{paid.reference}/mark-paid")) == (409, "invalid_state")
    assert error(box_office_api.post(f"/bookings/{paid.reference}/resend")) == (409, "invalid_state")
    assert error(box_office_api.post("/bookings/NOSUCH99/cancel")) == (404, "not_found")
    assert error(box_office_api.post(f"/bookings/{'x' * 300}/resend")) == (404, "not_found")


def test_staff_cannot_cancel_once_the_show_started(box_office_api, bookings):
    show, pending, _paid = bookings
    booking_pay(reference=pending.reference, method="demo")
    with time_machine.travel(show.starts_at, tick=False):
        assert error(box_office_api.post(f"/bookings/{pending.reference}/cancel")) == (409, "cancel_window_closed")


def test_customers_search_and_detail(box_office_api, bookings):
    _show, _pending, paid = bookings
    page = box_office_api.get("/customers", search="taras").json()
    assert page["count"] == 1
    customer = page["results"][0]
    assert customer["email"] == "Taras@Example.com"
    assert box_office_api.get("/customers").json()["count"] == 2
    detail = box_office_api.get(f"/customers/{customer['id']}").json()
    assert [b["reference"] for b in detail["bookings"]] == [paid.reference]
    assert detail["watched"] == []
    with time_machine.travel(paid.showtime.starts_at, tick=False):
        detail = box_office_api.get(f"/customers/{customer['id']}").json()
    (watched,) = detail["watched"]
    assert watched["showtime_id"] == paid.showtime_id
    assert watched["movie"]["id"] == paid.showtime.movie_id
    assert set(watched["movie"]) >= {"id", "title"}
    assert watched["starts_at"].endswith(("+02:00", "+03:00"))
    assert [g["count"] for g in detail["favourite_genres"]] == [1]
    assert error(box_office_api.get("/customers/424242")) == (404, "not_found")
    assert error(box_office_api.get("/customers", limit=1000)) == (422, "validation_error")


def test_customers_list_is_a_page_by_name(box_office_api):
    show = f.showtime()
    seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    for n, (first, last) in enumerate([("Ira", "Shevchenko"), ("Olena", "Bondar"), ("Anna", "Bondar")]):
        booking_hold(
            showtime_id=show.pk,
            seat_ids=[seats[n]],
            customer=f.buyer(f"c{n}@example.com", first_name=first, last_name=last),
        )
    by_name = ["Anna Bondar", "Olena Bondar", "Ira Shevchenko"]

    def names(**params):
        page = box_office_api.get("/customers", **params).json()
        return page["count"], [f"{c['first_name']} {c['last_name']}" for c in page["results"]]

    assert names() == (3, by_name)
    assert names(limit=2) == (3, by_name[:2])
    assert names(limit=2, offset=2) == (3, by_name[2:])
    assert names(offset=3) == (3, [])
    assert names(search="bondar", limit=1, offset=1) == (2, ["Olena Bondar"])
