"""A paid booking's tickets email, as it arrives at a real SMTP server, and what it holds."""

import datetime as dt
import re

import icalendar
import pytest
import time_machine
from django.conf import settings

from marquee.booking.checkin import ticket_check_in
from marquee.booking.links import booking_for_manage_token
from marquee.booking.models import BookingSeat
from marquee.core.clock import cinema_tz
from marquee.core.errors import AlreadyCheckedIn, InvalidTicket
from marquee.notifications.models import MailKind, MailStatus, OutgoingMail
from marquee.notifications.worker import mail_deliver_due
from tests import factories as f
from tests.notifications.helpers import (
    attachment,
    decode_qr,
    html_body,
    inline_images,
    parts,
    pdf_pages_text,
    text_body,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def evening_show():
    starts = f.local_dt(dt.date.today() + dt.timedelta(days=3), 19, 30)
    return f.showtime(
        movie_obj=f.movie(title="Тіні забутих предків", duration_min=97),
        hall_obj=f.hall(rows=6, seats=8, vip_rows=(6,), number=7),
        starts_at=starts,
    )


def _seats(show, *positions):
    return [show.hall.seats.get(row_number=r, seat_number=s).pk for r, s in positions]


def test_paid_booking_tickets_arrive_with_every_part(smtp_server, paid_booking, evening_show):
    booking = paid_booking(show=evening_show, seat_ids=_seats(evening_show, (3, 4), (6, 5)))
    assert mail_deliver_due() == 1

    [message] = smtp_server.messages
    row = OutgoingMail.objects.get(booking=booking, kind=MailKind.TICKETS)
    assert row.status == MailStatus.SENT and row.attempts == 1 and row.sent_at is not None
    assert message["Message-ID"] == row.message_id
    assert message["To"] == "olena@example.com"
    local_start = evening_show.starts_at.astimezone(cinema_tz())
    assert "Тіні забутих предків" in message["Subject"]
    assert local_start.strftime("%-d %b %Y") in message["Subject"]

    kinds = parts(message)
    assert ("text/plain", None) in kinds
    assert ("text/html", None) in kinds
    assert ("application/pdf", "tickets.pdf") in kinds
    assert ("text/calendar", "showtime.ics") in kinds
    assert sum(1 for k, _ in kinds if k == "image/png") == 2

    html, text = html_body(message), text_body(message)
    hall = evening_show.hall
    for body in (html, text):
        assert "Тіні забутих предків" in body
        assert local_start.strftime("%H:%M") in body
        assert hall.name in body and f"hall {hall.number}" in body
        assert "Row 3" in body or "row 3" in body
        assert "seat 4" in body.lower() and "seat 5" in body.lower()
        assert "VIP" in body and "Standard" in body
        assert booking.reference in body
        assert f"{settings.CURRENCY}\xa0{booking.total_price}" in body
    # One inline QR per admission, referenced from the HTML.
    images = inline_images(message)
    for cid in images:
        assert f"cid:{cid}" in html
    # Dark mode and inline CSS.
    assert 'name="color-scheme"' in html and "prefers-color-scheme: dark" in html
    assert 'style="' in html

    # The manage link works without the (hashed) token.
    key = re.search(r"/bookings/([A-Z0-9]+)/\?key=([\w\-]+)", text)
    assert key and key.group(1) == booking.reference
    assert booking_for_manage_token(key.group(1), key.group(2)).pk == booking.pk


def test_pdf_has_one_page_per_admission_with_hall_row_and_seat(smtp_server, paid_booking, evening_show):
    paid_booking(show=evening_show, seat_ids=_seats(evening_show, (3, 4), (6, 5)))
    mail_deliver_due()
    pages = pdf_pages_text(attachment(smtp_server.messages[0], "tickets.pdf"))
    assert len(pages) == 2
    hall = evening_show.hall
    for page, (row, seat) in zip(pages, [(3, 4), (6, 5)], strict=True):
        lines = page.splitlines()
        assert f"{hall.name} · hall 7" in lines
        assert lines[lines.index("ROW") + 1] == str(row)
        assert lines[lines.index("SEAT") + 1] == str(seat)
        assert "Тіні забутих предків" in page
        assert evening_show.starts_at.astimezone(cinema_tz()).strftime("%H:%M") in page
    assert "VIP" in pages[1]


def test_qr_codes_decode_to_codes_that_check_in_admits_once(smtp_server, paid_booking, evening_show):
    booking = paid_booking(show=evening_show, seat_ids=_seats(evening_show, (2, 1), (2, 2)))
    mail_deliver_due()
    codes = [decode_qr(png) for png in inline_images(smtp_server.messages[0]).values()]
    assert len(set(codes)) == 2

    with time_machine.travel(evening_show.starts_at - dt.timedelta(minutes=5), tick=False):
        admitted = ticket_check_in(code=codes[0], showtime_id=evening_show.pk)
        assert admitted.booking_id == booking.pk and admitted.checked_in_at is not None
        with pytest.raises(AlreadyCheckedIn) as again:
            ticket_check_in(code=codes[0])
        assert again.value.extra["checked_in_at"]
        assert ticket_check_in(code=codes[1]).pk != admitted.pk

        forged = codes[1][:-3] + ("AAA" if not codes[1].endswith("AAA") else "BBB")
        with pytest.raises(InvalidTicket):
            ticket_check_in(code=forged)
        # One ticket's signature does not vouch for another ticket's id.
        with pytest.raises(InvalidTicket):
            ticket_check_in(code=f"{codes[0].split('.')[0]}.{codes[1].split('.', 1)[1]}")
        for junk in ["", "   ", "x" * 5000, "1.", ".abc", "null", "1:abc"]:
            with pytest.raises(InvalidTicket):
                ticket_check_in(code=junk)
        assert BookingSeat.objects.filter(booking=booking, checked_in_at__isnull=False).count() == 2


def test_qr_code_of_a_cancelled_booking_is_invalid(smtp_server, paid_booking, evening_show):
    from marquee.payments.services import booking_cancel

    booking = paid_booking(show=evening_show)
    mail_deliver_due()
    code = decode_qr(next(iter(inline_images(smtp_server.messages[0]).values())))
    booking_cancel(reference=booking.reference, by_staff=True)
    with pytest.raises(InvalidTicket):
        ticket_check_in(code=code)


def test_calendar_file_is_in_the_cinema_time_zone_and_lasts_the_film(smtp_server, paid_booking, evening_show):
    paid_booking(show=evening_show)
    mail_deliver_due()
    cal = icalendar.Calendar.from_ical(attachment(smtp_server.messages[0], "showtime.ics"))
    [event] = cal.walk("VEVENT")
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert str(start.tzinfo) == settings.TIME_ZONE
    assert start == evening_show.starts_at
    assert end - start == dt.timedelta(minutes=97)
    assert settings.CINEMA_NAME in str(event["LOCATION"]) and evening_show.hall.name in str(event["LOCATION"])
    assert cal.walk("VTIMEZONE")


def test_a_gift_goes_to_the_recipient_and_the_buyer_gets_a_receipt(smtp_server, evening_show):
    from marquee.payments.services import booking_pay

    held = f.hold(
        evening_show,
        recipient_name="Taras Koval",
        recipient_email="taras@example.com",
        gift_message="Happy birthday, brother!",
    )
    booking_pay(reference=held.booking.reference, method="demo")
    assert mail_deliver_due() == 2

    by_to = {m["To"]: m for m in smtp_server.messages}
    gift, receipt = by_to["taras@example.com"], by_to["olena@example.com"]
    gift_text = text_body(gift)
    assert "Happy birthday, brother!" in gift_text and "Olena Koval" in gift_text
    assert "Happy birthday, brother!" in html_body(gift)
    assert inline_images(gift) and ("application/pdf", "tickets.pdf") in parts(gift)
    # The recipient's copy carries no prices and no power to cancel the giver's purchase.
    assert "UAH" not in gift_text and "?key=" not in gift_text

    assert not inline_images(receipt)
    assert ("application/pdf", "tickets.pdf") not in parts(receipt)
    assert "receipt" in receipt["Subject"].lower()
    assert "Taras Koval" in text_body(receipt) and held.booking.reference in text_body(receipt)
    assert "?key=" in text_body(receipt)


def test_pdf_renders_with_no_smtp_involved(paid_booking):
    from marquee.notifications.rendering.email import render_mail

    booking = paid_booking()
    mail = OutgoingMail.objects.get(booking=booking)
    message = render_mail(mail)
    assert [a.filename for a in message.attachments] == ["tickets.pdf", "showtime.ics"]
