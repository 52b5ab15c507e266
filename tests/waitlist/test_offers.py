"""Freed seats go to the line: a cancellation offers them (email through real SMTP, a pay link
that pays), a lapsed offer passes them to the next in line, first come first served."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from marquee.booking.models import Booking, BookingSeat, BookingStatus
from marquee.core.clock import now
from marquee.notifications.models import MailKind, MailStatus, OutgoingMail
from marquee.payments.services import booking_cancel
from marquee.waitlist.models import EntryStatus, WaitlistEntry
from marquee.waitlist.services import waitlist_offer, waitlist_settle, waitlist_sweep
from tests import factories as f
from tests.notifications.helpers import html_body, text_body
from tests.waitlist.conftest import join, sell_out

# Transactions commit as in production: booking's seats-freed callbacks run on commit, and
# the worker command (which closes its connections) sees what the test wrote.
pytestmark = pytest.mark.django_db(transaction=True)


def _cancel(sale) -> None:
    """The buyer cancels (the site's path): booking tells the waiting list once it commits."""
    booking_cancel(reference=sale.booking.reference, token=sale.token)


def _entry(email: str) -> WaitlistEntry:
    return WaitlistEntry.objects.select_related("booking").get(email=email)


def _seats(booking: Booking) -> list[tuple[int, int]]:
    rows = BookingSeat.objects.filter(booking=booking).values_list("seat__row_number", "seat__seat_number")
    return sorted(rows)


def test_a_cancellation_offers_the_seats_by_email_and_the_pay_link_books_them(sold_out, smtp_server):
    join(sold_out.show, "first@example.com", seats=2, language="uk")
    join(sold_out.show, "second@example.com", seats=1)
    join(sold_out.show, "third@example.com", seats=2)
    call_command("run_worker", "--until-idle")  # the three "you are in line" emails
    in_line = [m["To"] for m in smtp_server.messages if not m["To"].startswith("buyer")]  # the buyers' tickets
    assert in_line == ["first@example.com", "second@example.com", "third@example.com"]
    smtp_server.messages.clear()

    _cancel(sold_out.sales[0])  # row 1: four seats free
    assert DBTaskResult.objects.filter(task_path="marquee.waitlist.tasks.offer_freed_seats").count() == 1
    call_command("run_worker", "--until-idle")  # runs the task, then sends the offers

    first, second, third = _entry("first@example.com"), _entry("second@example.com"), _entry("third@example.com")
    # Two seats and one: what is left (one seat) does not fit the third, who keeps waiting.
    assert (first.status, second.status, third.status) == ("offered", "offered", "waiting")
    # A pair at one end of the four: the middle pair would strand a seat at each end.
    assert _seats(first.booking) in ([(1, 1), (1, 2)], [(1, 3), (1, 4)])
    assert len(_seats(second.booking)) == 1
    assert first.booking.status == BookingStatus.PENDING
    expected_until = first.offered_at + dt.timedelta(minutes=30)
    assert abs(first.booking.expires_at - expected_until) < dt.timedelta(seconds=1)
    assert first.offer_expires_at == first.booking.expires_at

    offers = {m["To"]: m for m in smtp_server.messages if not m["To"].startswith("buyer")}  # the cancellation
    assert set(offers) == {"first@example.com", "second@example.com"}
    mail = offers["first@example.com"]
    text = text_body(mail)
    assert all(f"Ряд 1, місце {n}" in text for _row, n in _seats(first.booking))  # in Ukrainian, as they joined
    assert first.booking.reference in text and first.booking.reference in html_body(mail)
    link = re.search(r"http://\S+/bookings/\S+\?key=\S+", text)
    assert link is not None

    client = Client()
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path, follow=True)  # the booking page, opened by the link (kept in the session)
    assert page.status_code == 200 and f"/bookings/{first.booking.reference}/pay/" in page.content.decode()
    paid = client.post(f"/bookings/{first.booking.reference}/pay/", {"method": "demo"})
    assert paid.status_code == 302
    assert Booking.objects.get(pk=first.booking.pk).status == BookingStatus.PAID
    assert waitlist_settle() == 1
    assert _entry("first@example.com").status == EntryStatus.BOOKED


def test_a_lapsed_offer_goes_to_the_next_in_line(sold_out, smtp_server):
    join(sold_out.show, "first@example.com", seats=4)
    join(sold_out.show, "second@example.com", seats=3)
    _cancel(sold_out.sales[0])
    call_command("run_worker", "--until-idle")
    first = _entry("first@example.com")
    assert (first.status, _entry("second@example.com").status) == ("offered", "waiting")

    # Nobody pays: once the offer lapses, the worker's sweeps (hold expiry, then the line's)
    # pass the seats on, without any cancellation to announce it.
    with time_machine.travel(first.offer_expires_at + dt.timedelta(seconds=5), tick=True):
        call_command("run_worker", "--until-idle")
        first, second = _entry("first@example.com"), _entry("second@example.com")
        assert first.status == EntryStatus.LAPSED and first.booking.status == BookingStatus.CANCELLED
        assert second.status == EntryStatus.OFFERED and len(_seats(second.booking)) == 3
        assert set(_seats(second.booking)) <= set(_seats(first.booking))
    offers = OutgoingMail.objects.filter(kind=MailKind.WAITLIST_OFFER).order_by("pk")
    assert [(m.to_email, m.status) for m in offers] == [
        ("first@example.com", MailStatus.SENT),
        ("second@example.com", MailStatus.SENT),
    ]


def test_first_come_first_served_and_each_entry_offered_once():
    sold = sell_out(rows=3, seats=2)
    for n in range(1, 5):
        join(sold.show, f"w{n}@example.com", seats=2)
    _cancel(sold.sales[2])
    assert waitlist_offer(showtime_id=sold.show.pk) == 1
    _cancel(sold.sales[0])
    assert waitlist_offer(showtime_id=sold.show.pk) == 1
    assert waitlist_offer(showtime_id=sold.show.pk) == 0  # nothing left: no second offer
    statuses = list(WaitlistEntry.objects.order_by("joined_at", "pk").values_list("email", "status"))
    assert statuses == [
        ("w1@example.com", "offered"),
        ("w2@example.com", "offered"),
        ("w3@example.com", "waiting"),
        ("w4@example.com", "waiting"),
    ]
    assert OutgoingMail.objects.filter(kind=MailKind.WAITLIST_OFFER).count() == 2


def test_leaving_with_an_open_offer_releases_the_seats_to_the_next(sold_out):
    from marquee.waitlist.services import waitlist_leave

    join(sold_out.show, "first@example.com", seats=4)
    join(sold_out.show, "second@example.com", seats=4)
    _cancel(sold_out.sales[1])
    waitlist_sweep()
    first = _entry("first@example.com")
    waitlist_leave(entry_id=first.pk)
    assert Booking.objects.get(pk=first.booking.pk).status == BookingStatus.CANCELLED
    call_command("run_worker", "--until-idle")
    assert _entry("first@example.com").status == EntryStatus.LEFT
    assert _entry("second@example.com").status == EntryStatus.OFFERED


def test_released_house_seats_are_offered(sold_out, admin_user):
    from marquee.booking.house_seats import seats_block, seats_release

    _cancel(sold_out.sales[1])
    row2 = list(sold_out.show.hall.seats.filter(row_number=2).values_list("pk", flat=True))
    seats_block(showtime_id=sold_out.show.pk, seat_ids=row2, reason="house", note="", staff_user=admin_user)
    join(sold_out.show, "first@example.com", seats=2)
    seats_release(showtime_id=sold_out.show.pk, seat_ids=row2, staff_user=admin_user)
    call_command("run_worker", "--until-idle")
    assert _entry("first@example.com").status == EntryStatus.OFFERED


def test_no_offer_once_the_show_has_started(sold_out):
    join(sold_out.show, "first@example.com", seats=1)
    _cancel(sold_out.sales[0])
    with time_machine.travel(sold_out.show.starts_at + dt.timedelta(seconds=1)):
        assert waitlist_sweep() == 0
    assert _entry("first@example.com").status == EntryStatus.WAITING
    assert now() < sold_out.show.starts_at


def test_a_hold_cancelled_by_its_customer_tells_the_line_at_once():
    """The customer's own cancel of a live hold is one statement on PostgreSQL: it too says
    that seats came free, so the offer does not wait for the minute's sweep."""
    show = f.showtime(hall_obj=f.hall(rows=1, seats=2))
    seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    held = f.hold(show, seats, email="holder@example.com")  # not paid: the showtime is full meanwhile
    join(show, "waiting@example.com", seats=2)
    booking_cancel(reference=held.booking.reference, token=held.token)
    assert Booking.objects.get(pk=held.booking.pk).status == BookingStatus.CANCELLED
    assert DBTaskResult.objects.filter(task_path="marquee.waitlist.tasks.offer_freed_seats").count() == 1
