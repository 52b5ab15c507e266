"""Check-in at the door: the API (api.md). The staff pages: tests/backoffice/test_checkin_door.py."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from marquee.audit.models import AuditEntry
from marquee.booking.checkin import ticket_code, ticket_from_code
from marquee.booking.models import BookingSeat
from marquee.payments.services import booking_cancel
from marquee.staff.services import api_key_create
from tests import factories as f

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


def _at_the_door(showtime, before=dt.timedelta(minutes=10)):
    """The clock moved to a moment when the showtime's door is open (tick: sessions expire)."""
    return time_machine.travel(showtime.starts_at - before, tick=True)


def _codes(booking) -> list[str]:
    return [
        ticket_code(pk)
        for pk in BookingSeat.objects.filter(booking=booking).order_by("pk").values_list("pk", flat=True)
    ]


@pytest.fixture
def two_days(paid_booking):
    """Today's showtime (the door's) and tomorrow's at 10:00 (local), each with a paid booking."""
    hall = f.hall(rows=2, seats=6)
    today = f.showtime(movie_obj=f.movie(title="Tonight's Film"), hall_obj=hall)
    tomorrow = f.showtime(
        movie_obj=f.movie(title="Tomorrow's Film"),
        hall_obj=hall,
        starts_at=f.local_dt(today.starts_at.astimezone(f.cinema_tz()).date() + dt.timedelta(days=1), 10),
    )
    return paid_booking(show=today), paid_booking(show=tomorrow, email="tomorrow@example.com")


def test_api_admits_once_then_answers_already_checked_in(client, door_key, paid_booking):
    booking = paid_booking()
    ticket = BookingSeat.objects.filter(booking=booking).select_related("seat").first()
    code = ticket_code(ticket.pk)

    with _at_the_door(booking.showtime):
        first = _post(client, {"code": code}, door_key)
        second = _post(client, {"code": code}, door_key)
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["override"] is False
    assert body["seat"]["row"] == ticket.seat.row_number and body["seat"]["number"] == ticket.seat.seat_number
    assert body["seat"]["id"] == ticket.seat_id
    assert body["showtime"]["id"] == booking.showtime_id
    assert body["showtime"]["hall"]["number"] == booking.showtime.hall.number
    assert body["booking"]["reference"] == booking.reference
    assert "+" in body["checked_in_at"] or body["checked_in_at"].endswith("Z") is False

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


def test_api_query_counts(client, door_key, paid_booking, django_assert_max_num_queries):
    booking = paid_booking()
    tickets = list(BookingSeat.objects.filter(booking=booking))
    with _at_the_door(booking.showtime):
        with django_assert_max_num_queries(8):
            assert _post(client, {"code": ticket_code(tickets[0].pk)}, door_key).status_code == 200
        with django_assert_max_num_queries(8):
            assert _post(client, {"code": ticket_code(tickets[0].pk)}, door_key).status_code == 409


# --- the right showtime (issue 10, point 8) ---------------------------------------------------


def test_api_refuses_tomorrows_ticket_at_todays_door_naming_its_showtime(client, door_key, two_days):
    today, tomorrow = two_days
    [code, _] = _codes(tomorrow)
    with _at_the_door(today.showtime):
        at_this_door = _post(client, {"code": code, "showtime_id": today.showtime_id}, door_key)
        at_any_door = _post(client, {"code": code}, door_key)
    for answer in (at_this_door, at_any_door):
        assert answer.status_code == 409, answer.content
        body = answer.json()
        assert body["error"] == "wrong_showtime"
        assert body["showtime"]["id"] == tomorrow.showtime_id
        assert body["showtime"]["movie"]["title"] == "Tomorrow's Film"
        assert body["showtime"]["starts_at"].startswith(
            tomorrow.showtime.starts_at.astimezone(f.cinema_tz()).isoformat()[:16]
        )
        assert "10:00" in body["detail"] and "Tomorrow's Film" in body["detail"]
    assert not BookingSeat.objects.filter(checked_in_at__isnull=False).exists()


def test_api_admits_the_doors_own_showtime_and_refuses_it_at_another_door(client, door_key, two_days):
    today, tomorrow = two_days
    [first, second] = _codes(today)
    with _at_the_door(today.showtime):
        assert _post(client, {"code": first, "showtime_id": today.showtime_id}, door_key).status_code == 200
        elsewhere = _post(client, {"code": second, "showtime_id": tomorrow.showtime_id}, door_key)
    assert elsewhere.status_code == 409 and elsewhere.json()["showtime"]["id"] == today.showtime_id


def test_api_refuses_a_ticket_of_an_ended_show_and_one_long_before_it(client, door_key, paid_booking):
    booking = paid_booking()
    show = booking.showtime
    [code, _] = _codes(booking)
    with time_machine.travel(show.ends_at + dt.timedelta(minutes=1), tick=False):
        ended = _post(client, {"code": code, "showtime_id": show.pk}, door_key)
    with time_machine.travel(show.starts_at - dt.timedelta(minutes=61), tick=False):
        early = _post(client, {"code": code}, door_key)
    with time_machine.travel(show.ends_at, tick=False):
        last_minute = _post(client, {"code": code}, door_key)  # the door closes at the end, not before
    assert ended.status_code == 409 and ended.json()["error"] == "wrong_showtime"
    assert "ended" in ended.json()["detail"] and ended.json()["showtime"]["id"] == show.pk
    assert early.status_code == 409 and early.json()["error"] == "wrong_showtime"
    assert last_minute.status_code == 200


def test_api_override_admits_and_records_who_and_that_it_was_an_override(client, door_key, two_days):
    today, tomorrow = two_days
    [code, _] = _codes(tomorrow)
    [own, _] = _codes(today)
    with _at_the_door(today.showtime):
        refused = _post(client, {"code": code, "showtime_id": today.showtime_id}, door_key)
        anyway = _post(client, {"code": code, "showtime_id": today.showtime_id, "override": True}, door_key)
        again = _post(client, {"code": code, "showtime_id": today.showtime_id, "override": True}, door_key)
        # "override" on a ticket that needs none is an ordinary admission.
        plain = _post(client, {"code": own, "showtime_id": today.showtime_id, "override": True}, door_key)
    assert refused.status_code == 409
    assert anyway.status_code == 200 and anyway.json()["override"] is True
    assert anyway.json()["showtime"]["id"] == tomorrow.showtime_id
    assert again.status_code == 409 and again.json()["error"] == "already_checked_in"
    assert plain.status_code == 200 and plain.json()["override"] is False
    ticket = BookingSeat.objects.get(pk=ticket_from_code(code)[0])
    assert ticket.checked_in_override is True and ticket.checked_in_at is not None
    assert ticket.checked_in_by.username == "door"
    assert BookingSeat.objects.get(pk=ticket_from_code(own)[0]).checked_in_override is False
    # The API key's user is the staff member the audit trail names.
    [entry] = AuditEntry.objects.filter(action="booking.checkin_override")
    assert entry.actor_name == "door" and entry.booking_id == tomorrow.pk
