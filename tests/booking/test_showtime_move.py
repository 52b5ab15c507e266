"""A showtime with bookings moves in time (issue 12, point 3): same hall, no overlap, in the
future; every customer with a paid booking or a live hold is emailed in their language;
moving hall with tickets sold stays refused."""

import datetime as dt

import pytest

from marquee.audit.models import AuditEntry
from marquee.booking.checkin import ticket_check_in, ticket_code_of
from marquee.booking.models import BookingSeat
from marquee.booking.moves import showtime_move
from marquee.core.errors import HallBusy, InvalidState, ValidationFailed
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.notifications.worker import mail_deliver_due
from marquee.payments.services import payment_record_box_office
from marquee.scheduling.services import showtime_update
from tests import factories as f
from tests.notifications.helpers import attachment, text_body
from tests.staff.conftest import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def show():
    starts = f.local_dt(dt.date.today() + dt.timedelta(days=5), 18, 0)
    return f.showtime(movie_obj=f.movie(title="Stalker", duration_min=100), hall_obj=f.hall(), starts_at=starts)


@pytest.fixture
def seats(show):
    return list(show.hall.seats.order_by("pk").values_list("pk", flat=True))


def test_customers_are_emailed_in_their_language_with_their_tickets(show, seats, smtp_server):
    paid = f.hold(show, seats[:2], email="olena@example.com", language="uk")
    payment_record_box_office(reference=paid.booking.reference)
    pending = f.hold(show, seats[2:3], email="ivan@example.com", language="en")
    mail_deliver_due()
    sent_before = len(smtp_server.messages)
    boss = staff_user("boss", None)
    new_start = show.starts_at + dt.timedelta(hours=3)
    moved = showtime_move(showtime_id=show.pk, starts_at=new_start, staff_user=boss)
    assert moved.starts_at == new_start and moved.ends_at == show.ends_at + dt.timedelta(hours=3)
    assert OutgoingMail.objects.filter(kind=MailKind.SHOWTIME_MOVED).count() == 2
    assert mail_deliver_due() == 2
    by_to = {m["To"]: m for m in smtp_server.messages[sent_before:]}
    uk = by_to["olena@example.com"]
    assert "Новий час" in uk["Subject"]
    body = text_body(uk)
    assert "21:00" in body and "18:00" in body  # the new time, and the old one named
    for ticket in BookingSeat.objects.filter(booking=paid.booking):
        assert ticket_code_of(ticket) in body  # the same codes, still valid
    assert b"DTSTART" in attachment(uk, "showtime.ics")
    en = by_to["ivan@example.com"]
    assert en["Subject"].startswith("New time") and "not paid yet" in text_body(en)
    pending.booking.refresh_from_db()
    assert pending.booking.expires_at <= moved.starts_at
    entry = AuditEntry.objects.get(action="showtime.move")
    assert entry.actor == boss and entry.showtime_id == show.pk
    assert [dt.datetime.fromisoformat(v) for v in entry.changes["starts_at"]] == [show.starts_at, new_start]


def test_the_tickets_still_open_the_door_at_the_new_time(show, seats, time_machine):
    paid = f.hold(show, seats[:1])
    payment_record_box_office(reference=paid.booking.reference)
    new_start = show.starts_at + dt.timedelta(days=1)
    showtime_move(showtime_id=show.pk, starts_at=new_start, staff_user=None)
    time_machine.move_to(new_start - dt.timedelta(minutes=5))
    ticket = BookingSeat.objects.get(booking=paid.booking)
    assert ticket_check_in(code=ticket_code_of(ticket)).pk == ticket.pk


def test_the_hall_rules_still_hold(show, seats):
    paid = f.hold(show, seats[:1])
    payment_record_box_office(reference=paid.booking.reference)
    neighbour = f.showtime(hall_obj=show.hall, starts_at=show.ends_at + dt.timedelta(hours=2))
    with pytest.raises(HallBusy):
        showtime_move(showtime_id=show.pk, starts_at=neighbour.starts_at, staff_user=None)
    with pytest.raises(ValidationFailed):
        showtime_move(showtime_id=show.pk, starts_at=show.starts_at - dt.timedelta(days=30), staff_user=None)
    # Another hall, or the plain update of a showtime with tickets: refused, as before.
    with pytest.raises(InvalidState):
        showtime_update(showtime_id=show.pk, hall_id=f.hall().pk)
    with pytest.raises(InvalidState):
        showtime_update(showtime_id=show.pk, starts_at=show.starts_at + dt.timedelta(hours=1))
    assert not OutgoingMail.objects.filter(kind=MailKind.SHOWTIME_MOVED).exists()
    assert not AuditEntry.objects.filter(action="showtime.move").exists()
