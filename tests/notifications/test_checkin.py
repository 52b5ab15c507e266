"""Check-in at the door: the API (api.md) and the staff page."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from marquee.booking.checkin import ticket_code
from marquee.booking.models import BookingSeat
from marquee.payments.services import booking_cancel
from marquee.staff.services import api_key_create

pytestmark = pytest.mark.django_db
URL = "/api/v1/admin/checkin"


@pytest.fixture
def door_key():
    user = get_user_model().objects.create_user("door", password="x" * 12, is_staff=True)
    user.groups.add(Group.objects.get(name="Box office"))
    return api_key_create(username="door").key


def _post(client, body, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.post(URL, body, content_type="application/json", **headers)


def test_api_admits_once_then_answers_already_checked_in(client, door_key, paid_booking):
    booking = paid_booking()
    ticket = BookingSeat.objects.filter(booking=booking).select_related("seat").first()
    code = ticket_code(ticket.pk)

    first = _post(client, {"code": code}, door_key)
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["seat"]["row"] == ticket.seat.row_number and body["seat"]["number"] == ticket.seat.seat_number
    assert body["seat"]["id"] == ticket.seat_id
    assert body["showtime"]["id"] == booking.showtime_id
    assert body["showtime"]["hall"]["number"] == booking.showtime.hall.number
    assert body["booking"]["reference"] == booking.reference
    assert "+" in body["checked_in_at"] or body["checked_in_at"].endswith("Z") is False

    second = _post(client, {"code": code}, door_key)
    assert second.status_code == 409
    assert second.json()["error"] == "already_checked_in"
    assert second.json()["checked_in_at"].startswith(body["checked_in_at"][:16])


def test_api_refuses_forged_and_cancelled_tickets(client, door_key, paid_booking):
    booking = paid_booking()
    ticket = BookingSeat.objects.filter(booking=booking).first()
    code = ticket_code(ticket.pk)
    forged = _post(client, {"code": code[:-2] + ("XY" if not code.endswith("XY") else "ZZ")}, door_key)
    assert forged.status_code == 422 and forged.json()["error"] == "invalid_ticket"

    booking_cancel(reference=booking.reference, by_staff=True)
    cancelled = _post(client, {"code": code}, door_key)
    assert cancelled.status_code == 422 and cancelled.json()["error"] == "invalid_ticket"


@pytest.mark.parametrize("body", [{}, {"code": 5}, {"code": None}, {"code": "x", "extra": 1}, [], "no"])
def test_api_never_fails_on_malformed_input(client, door_key, body):
    answer = _post(client, body, door_key)
    assert answer.status_code in {422}
    assert answer.json()["error"] in {"validation_error", "invalid_ticket"}


def test_api_needs_a_key_of_someone_allowed_to_check_in(client, paid_booking):
    code = ticket_code(BookingSeat.objects.filter(booking=paid_booking()).first().pk)
    assert _post(client, {"code": code}).status_code == 401
    get_user_model().objects.create_user("cook", password="x" * 12, is_staff=True)
    assert _post(client, {"code": code}, api_key_create(username="cook").key).status_code == 403
    assert BookingSeat.objects.filter(checked_in_at__isnull=False).count() == 0


def test_staff_page_takes_a_typed_or_scanned_code(admin_client, paid_booking):
    booking = paid_booking()
    ticket = BookingSeat.objects.filter(booking=booking).select_related("seat").first()
    page = admin_client.get("/staff/checkin/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="code"' in html and "autofocus" in html

    # Typed from paper: spaces around, lower case.
    admitted = admin_client.post("/staff/checkin/", {"code": f"  {ticket_code(ticket.pk).lower()}\n"})
    assert admitted.status_code == 200
    assert "Admit" in admitted.content.decode() and f"Row {ticket.seat.row_number}" in admitted.content.decode()
    assert "for a later show" in admitted.content.decode()  # the factory's show is tomorrow
    again = admin_client.post("/staff/checkin/", {"code": ticket_code(ticket.pk)})
    assert again.status_code == 409 and "Already checked in" in again.content.decode()
    forged = admin_client.post("/staff/checkin/", {"code": "1.nope"})
    assert forged.status_code == 422 and "Not valid" in forged.content.decode()


def test_staff_page_is_for_staff(client):
    assert client.get("/staff/checkin/").status_code == 302


def test_api_and_page_query_counts(client, admin_client, door_key, paid_booking, django_assert_max_num_queries):
    tickets = list(BookingSeat.objects.filter(booking=paid_booking()))
    with django_assert_max_num_queries(8):
        assert _post(client, {"code": ticket_code(tickets[0].pk)}, door_key).status_code == 200
    with django_assert_max_num_queries(8):
        assert _post(client, {"code": ticket_code(tickets[0].pk)}, door_key).status_code == 409
    with django_assert_max_num_queries(8):
        assert admin_client.post("/staff/checkin/", {"code": ticket_code(tickets[1].pk)}).status_code == 200
