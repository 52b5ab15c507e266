"""The door's staff pages (issue 12, point 4): choose one showtime, then its door screen; the
scan endpoint the camera posts to, the live count, the screens, the override and its audit
record, in English and Ukrainian. The camera itself: tests/browser/test_checkin_camera.py."""

import datetime as dt
import re
from html import unescape

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.utils import formats, translation

from marquee.audit.models import AuditEntry
from marquee.booking.checkin import ticket_code
from marquee.booking.models import BookingSeat
from marquee.core.clock import local, local_today
from marquee.payments.services import booking_cancel, payment_record_box_office
from tests import factories as f

pytestmark = pytest.mark.django_db


def _paid(show, seat_ids, email="olena@example.com") -> list[BookingSeat]:
    booking = f.hold(show, seat_ids, email=email).booking
    payment_record_box_office(reference=booking.reference)
    return list(BookingSeat.objects.filter(booking=booking).select_related("seat").order_by("pk"))


@pytest.fixture
def night():
    """Tonight at 19:00 (the door's show, 2 paid seats and 1 held) and 22:30 in another hall,
    the clock ten minutes before tonight's start."""
    day = local_today() + dt.timedelta(days=2)
    tonight = f.showtime(
        movie_obj=f.movie(title="Tonight's Film", age_rating=16),
        hall_obj=f.hall(rows=2, seats=5),
        starts_at=f.local_dt(day, 19),
    )
    later = f.showtime(movie_obj=f.movie(title="Late Film"), starts_at=f.local_dt(day, 22, 30))
    seats = list(tonight.hall.seats.order_by("pk").values_list("pk", flat=True))
    own = _paid(tonight, seats[:2])
    f.hold(tonight, seats[2:3], email="unpaid@example.com")
    other = _paid(later, list(later.hall.seats.order_by("pk").values_list("pk", flat=True)[:1]), "late@example.com")
    with time_machine.travel(f.local_dt(day, 18, 50), tick=True):
        yield {"tonight": tonight, "later": later, "own": own, "other": other}


def _door(show) -> str:
    return f"/staff/checkin/{show.pk}/"


def _scan(client, show, code, **extra):
    return client.post(f"/staff/checkin/{show.pk}/scan/", {"code": code, **extra})


def _text(response) -> str:
    """The answer's visible text, tags dropped and white space folded."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))).strip()


# --- choosing the showtime ------------------------------------------------------------------


def test_the_page_first_asks_which_showtime_open_ones_then_the_soonest(admin_client, night):
    tonight, later = night["tonight"], night["later"]
    tomorrow = f.showtime(starts_at=tonight.starts_at + dt.timedelta(days=1))
    page = admin_client.get("/staff/checkin/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="code"' not in html  # no door yet: first the choice
    assert html.index(f'href="/staff/checkin/{tonight.pk}/"') < html.index(f'href="/staff/checkin/{later.pk}/"')
    assert f"/staff/checkin/{tomorrow.pk}/" not in html
    text = _text(page)
    assert "Tonight's Film" in text and "19:00" in text and "0 / 2 admitted" in text and "open now" in text


def test_the_old_address_with_a_showtime_leads_to_its_door_and_junk_to_the_choice(admin_client, night):
    answer = admin_client.get("/staff/checkin/", {"showtime": night["tonight"].pk})
    assert answer.status_code == 302 and answer["Location"] == _door(night["tonight"])
    for junk in ["99999999999999999999", "-1", "x", "\x00", "", "999999"]:
        assert admin_client.get("/staff/checkin/", {"showtime": junk}).status_code == 200


# --- the door screen --------------------------------------------------------------------------


def test_the_door_screen_has_the_camera_the_typed_field_and_the_live_count(admin_client, night):
    tonight = night["tonight"]
    page = admin_client.get(_door(tonight))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Door: Tonight&#x27;s Film" in html
    assert 'name="code"' in html and "autofocus" in html  # a handheld scanner just types
    assert "Scan with camera" in html and "data-camera-start" in html
    assert "backoffice/checkin.js" in html and "backoffice/vendor/html5-qrcode.min.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "no inline script (CSP)"
    assert f'data-scan-url="/staff/checkin/{tonight.pk}/scan/"' in html
    assert f'hx-get="/staff/checkin/{tonight.pk}/count/" hx-trigger="every 4s"' in html
    assert "0 / 2 admitted" in _text(page)


def test_scans_answer_the_screens_and_the_count_follows(admin_client, night):
    tonight, [first, second] = night["tonight"], night["own"]
    # Typed from paper: spaces around, lower case.
    admitted = _scan(admin_client, tonight, f"  {ticket_code(first.pk).lower()}\n")
    assert admitted.status_code == 200
    assert 'data-outcome="admitted"' in admitted.content.decode() and "door-ok" in admitted.content.decode()
    text = _text(admitted)
    assert text.startswith("Admitted") and f"Row {first.seat.row_number}, seat {first.seat.seat_number}" in text
    assert "Tonight's Film" in text and "16+" in text
    count = admin_client.get(f"/staff/checkin/{tonight.pk}/count/")
    assert _text(count) == "1 / 2 admitted" and count["Cache-Control"] == "no-store"

    again = _scan(admin_client, tonight, ticket_code(first.pk))
    stored = BookingSeat.objects.get(pk=first.pk)
    assert again.status_code == 409 and "door-bad" in again.content.decode()
    assert f"Already admitted at {local(stored.checked_in_at):%H:%M}" in _text(again)
    assert "by admin" in _text(again)

    # Without JavaScript the form posts the door page itself: the whole page, the same screen.
    page = admin_client.post(_door(tonight), {"code": ticket_code(second.pk)})
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    assert "Admitted" in _text(page) and "2 / 2 admitted" in _text(page)
    assert BookingSeat.objects.filter(showtime=tonight, checked_in_at__isnull=False).count() == 2


def test_a_forged_code_and_a_cancelled_booking_are_not_valid(admin_client, night):
    tonight, [first, _] = night["tonight"], night["own"]
    code = ticket_code(first.pk)
    forged = _scan(admin_client, tonight, code[:-2] + ("XY" if not code.endswith("XY") else "ZZ"))
    assert forged.status_code == 422
    assert _text(forged).startswith("Not valid") and "not a ticket of this cinema" in _text(forged)
    for junk in ["", "x" * 5000, "\x00", "1.nope"]:
        assert _scan(admin_client, tonight, junk).status_code == 422
    booking_cancel(reference=first.booking.reference, by_staff=True)
    cancelled = _scan(admin_client, tonight, code)
    assert cancelled.status_code == 422 and "booking was cancelled" in _text(cancelled)
    # Admitting "anyway" is for another showtime only, never for a ticket that is not valid.
    anyway = _scan(admin_client, tonight, code, override="1")
    assert anyway.status_code == 422
    assert not BookingSeat.objects.filter(checked_in_at__isnull=False).exists()


def test_a_ticket_for_another_showtime_is_red_naming_it_and_admitted_anyway_on_a_second_press(admin_client, night):
    tonight, later, [other] = night["tonight"], night["later"], night["other"]
    refused = _scan(admin_client, tonight, ticket_code(other.pk))
    html, text = refused.content.decode(), _text(refused)
    assert refused.status_code == 409 and "door-bad" in html
    assert text.startswith("Wrong showtime") and "This ticket is for another showtime" in text
    assert "Late Film" in text and "22:30" in text and later.hall.name in text
    assert "Admit anyway" in html and 'name="override" value="1"' in html
    assert f'action="/staff/checkin/{tonight.pk}/"' in html  # the override is for this door
    assert (
        BookingSeat.objects.get(pk=other.pk).checked_in_at is None
        and not AuditEntry.objects.filter(action__startswith="booking.checkin").exists()
    )

    anyway = _scan(admin_client, tonight, ticket_code(other.pk), override="1")
    assert anyway.status_code == 200 and _text(anyway).startswith("Admitted anyway")
    assert "recorded as your decision" in _text(anyway)
    stored = BookingSeat.objects.get(pk=other.pk)
    admin = User.objects.get(username="admin")
    assert stored.checked_in_override and stored.checked_in_by == admin
    [entry] = AuditEntry.objects.filter(action__startswith="booking.checkin")
    assert entry.action == "booking.checkin_override" and entry.actor == admin
    assert entry.booking_id == other.booking_id and entry.showtime_id == later.pk
    assert entry.changes["door_showtime_id"] == tonight.pk
    # The door's own count is its own showtime's: the admitted-anyway ticket counts at its own.
    assert _text(admin_client.get(f"/staff/checkin/{tonight.pk}/count/")) == "0 / 2 admitted"
    assert _text(admin_client.get(f"/staff/checkin/{later.pk}/count/")) == "1 / 1 admitted"


def test_a_ticket_for_another_day_or_an_ended_show_says_so(admin_client, night):
    tonight = night["tonight"]
    with time_machine.travel(tonight.starts_at - dt.timedelta(days=2)):
        yesterday = f.showtime(starts_at=tonight.starts_at - dt.timedelta(days=1))
        [old] = _paid(yesterday, list(yesterday.hall.seats.values_list("pk", flat=True)[:1]), "old@example.com")
    other_day = _scan(admin_client, tonight, ticket_code(old.pk))
    assert other_day.status_code == 409 and "This ticket is for a showtime that has ended" in _text(other_day)
    tomorrow = f.showtime(starts_at=tonight.starts_at + dt.timedelta(days=1))
    [next_day] = _paid(tomorrow, list(tomorrow.hall.seats.values_list("pk", flat=True)[:1]), "next@example.com")
    assert "This ticket is for another day" in _text(_scan(admin_client, tonight, ticket_code(next_day.pk)))


def test_a_door_that_is_not_open_yet_says_so_and_refuses_its_own_tickets(admin_client, night):
    later, [other] = night["later"], night["other"]
    page = admin_client.get(_door(later))
    assert "door is not open now" in _text(page)
    refused = _scan(admin_client, later, ticket_code(other.pk))
    assert refused.status_code == 409 and "Wrong showtime" in _text(refused)


def test_the_door_speaks_ukrainian(night):
    client = Client(HTTP_ACCEPT_LANGUAGE="uk")
    client.force_login(User.objects.create_user("door", password="x" * 12, is_staff=True, is_superuser=True))
    client.cookies["django_language"] = "uk"
    tonight, later, [first, _], [other] = night["tonight"], night["later"], night["own"], night["other"]
    chooser = _text(client.get("/staff/checkin/"))
    assert "На який сеанс пускає цей вхід?" in chooser and "0 / 2 допущено" in chooser
    door = _text(client.get(_door(tonight)))
    assert "Вхід: Tonight's Film" in door and "Сканувати камерою" in door and "Код квитка" in door
    with translation.override("uk"):
        assert formats.date_format(local(tonight.starts_at), "j E, H:i") in door  # "8 грудня, 19:00"
    admitted = _text(_scan(client, tonight, ticket_code(first.pk)))
    assert (
        admitted.startswith("Допущено") and f"Ряд {first.seat.row_number}, місце {first.seat.seat_number}" in admitted
    )
    assert "Вже допущено о" in _text(_scan(client, tonight, ticket_code(first.pk)))
    wrong = _text(_scan(client, tonight, ticket_code(other.pk)))
    assert wrong.startswith("Не той сеанс") and "Допустити все одно" in wrong and "Late Film" in wrong
    assert _text(_scan(client, tonight, "1.nope")).startswith("Недійсний")
    assert _text(client.get(f"/staff/checkin/{later.pk}/count/")) == "0 / 1 допущено"


# --- who may, and bad requests -----------------------------------------------------------------


def test_the_door_is_for_staff_who_check_in(night, admin_client):
    tonight, [first, _] = night["tonight"], night["own"]
    paths = ["/staff/checkin/", _door(tonight), f"/staff/checkin/{tonight.pk}/count/"]
    anonymous = Client()
    for path in paths:
        assert anonymous.get(path).status_code == 302
    assert anonymous.post(f"/staff/checkin/{tonight.pk}/scan/", {"code": ticket_code(first.pk)}).status_code == 302
    cook = Client()
    cook.force_login(User.objects.create_user("cook", password="x" * 12, is_staff=True))
    for path in paths:
        assert cook.get(path).status_code == 403
    assert _scan(cook, tonight, ticket_code(first.pk)).status_code == 403
    assert not BookingSeat.objects.filter(checked_in_at__isnull=False).exists()


def test_a_scan_needs_the_csrf_token_and_a_post(night):
    tonight, [first, _] = night["tonight"], night["own"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_superuser("door", "door@example.com", "x" * 12))
    assert _scan(client, tonight, ticket_code(first.pk)).status_code == 403
    assert client.get(f"/staff/checkin/{tonight.pk}/scan/").status_code == 405
    token = client.get(_door(tonight)).context["csrf_token"]
    answer = client.post(
        f"/staff/checkin/{tonight.pk}/scan/", {"code": ticket_code(first.pk)}, HTTP_X_CSRFTOKEN=str(token)
    )
    assert answer.status_code == 200 and BookingSeat.objects.get(pk=first.pk).checked_in_at is not None


def test_an_unknown_showtime_is_not_found(admin_client, night):
    [first, _] = night["own"]
    assert admin_client.get("/staff/checkin/999999/").status_code == 404
    assert admin_client.get("/staff/checkin/999999/count/").status_code == 404
    assert admin_client.post("/staff/checkin/999999/scan/", {"code": ticket_code(first.pk)}).status_code == 404
    assert BookingSeat.objects.get(pk=first.pk).checked_in_at is None


def test_query_counts_stay_small(admin_client, night, django_assert_max_num_queries):
    tonight, [first, second], [other] = night["tonight"], night["own"], night["other"]
    with django_assert_max_num_queries(12):
        assert _scan(admin_client, tonight, ticket_code(first.pk)).status_code == 200
    with django_assert_max_num_queries(12):
        assert _scan(admin_client, tonight, ticket_code(first.pk)).status_code == 409
    with django_assert_max_num_queries(12):
        assert _scan(admin_client, tonight, ticket_code(other.pk)).status_code == 409
    with django_assert_max_num_queries(6):
        assert admin_client.get(f"/staff/checkin/{tonight.pk}/count/").status_code == 200
    with django_assert_max_num_queries(10):
        assert admin_client.get(_door(tonight)).status_code == 200
    with django_assert_max_num_queries(14):
        assert admin_client.post(_door(tonight), {"code": ticket_code(second.pk)}).status_code == 200
