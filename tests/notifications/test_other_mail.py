"""Every other email goes through the same queue and arrives: sign-in, cancellations, resends,
recommendations (with one-click unsubscribe headers)."""

import pytest
from django.db import transaction

from marquee.booking.services import booking_cancel, booking_resend, showtime_cancel
from marquee.notifications.models import MailKind, MailStatus, OutgoingMail
from marquee.notifications.services import mail_queue
from marquee.notifications.worker import mail_deliver_due
from tests import factories as f
from tests.notifications.helpers import html_body, inline_images, parts, text_body

pytestmark = pytest.mark.django_db


def _deliver_all():
    while mail_deliver_due():
        pass


def test_sign_in_link(smtp_server):
    with transaction.atomic():
        mail_queue(kind=MailKind.SIGN_IN, to_email="olena@example.com", context={"url": "https://cinema.example/s/abc"})
    _deliver_all()
    [message] = smtp_server.messages
    assert "sign-in" in message["Subject"].lower()
    assert "https://cinema.example/s/abc" in text_body(message) and "https://cinema.example/s/abc" in html_body(message)


def test_customer_cancellation_is_confirmed(smtp_server, paid_booking):
    booking = paid_booking()
    _deliver_all()
    booking_cancel(reference=booking.reference)
    _deliver_all()
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert len(subjects) == 2 and subjects[1].startswith("Booking cancelled")
    cancelled = smtp_server.messages[1]
    assert booking.reference in text_body(cancelled)
    assert ("text/calendar", "showtime.ics") in parts(cancelled)
    assert not inline_images(cancelled)


def test_cinema_cancelling_a_showtime_apologises_to_buyer_and_gift_recipient(smtp_server):
    from marquee.booking.services import booking_pay

    show = f.showtime()
    held = f.hold(show, recipient_name="Taras", recipient_email="taras@example.com", gift_message="Enjoy")
    booking_pay(reference=held.booking.reference, method="demo")
    _deliver_all()
    smtp_server.handler.messages.clear()

    showtime_cancel(showtime_id=show.pk)
    _deliver_all()
    by_to = {m["To"]: m for m in smtp_server.messages}
    assert set(by_to) == {"olena@example.com", "taras@example.com"}
    for message in by_to.values():
        assert "sorry" in message["Subject"].lower()
        assert "apologise" in text_body(message) and "apologise" in html_body(message)
    assert "refunded" in text_body(by_to["olena@example.com"])


def test_resend_is_the_tickets_again(smtp_server, paid_booking):
    booking = paid_booking()
    booking_resend(reference=booking.reference)
    _deliver_all()
    assert len(smtp_server.messages) == 2
    again = smtp_server.messages[1]
    assert "sent again" in again["Subject"]
    assert len(inline_images(again)) == 2 and ("application/pdf", "tickets.pdf") in parts(again)
    ids = {m["Message-ID"] for m in smtp_server.messages}
    assert len(ids) == 2


def test_recommendation_has_one_click_unsubscribe(smtp_server):
    first = f.movie(title="Arrival at Dawn")
    second = f.movie(title="The Long Night")
    with transaction.atomic():
        mail_queue(
            kind=MailKind.RECOMMENDATION,
            to_email="fan@example.com",
            context={"movies": [first.pk, second.pk, 999999], "unsubscribe_url": "https://cinema.example/u/tok"},
        )
        mail_queue(kind=MailKind.RECOMMENDATION, to_email="quiet@example.com", context={"movies": [first.pk]})
    _deliver_all()
    by_to = {m["To"]: m for m in smtp_server.messages}
    fan = by_to["fan@example.com"]
    assert fan["List-Unsubscribe"] == "<https://cinema.example/u/tok>"
    assert fan["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Arrival at Dawn" in fan["Subject"] and "1 more" in fan["Subject"]
    assert "The Long Night" in html_body(fan) and "https://cinema.example/u/tok" in text_body(fan)
    assert by_to["quiet@example.com"]["List-Unsubscribe"] is None


def test_a_message_without_what_it_needs_fails_visibly(smtp_server):
    with transaction.atomic():
        mail = mail_queue(kind=MailKind.CANCELLATION, to_email="x@example.com")  # no booking: not sendable
    _deliver_all()
    mail.refresh_from_db()
    assert mail.status == MailStatus.FAILED and "needs a booking" in mail.last_error
    assert smtp_server.messages == []


@pytest.mark.django_db(transaction=True)
def test_queueing_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        mail_queue(kind=MailKind.SIGN_IN, to_email="x@example.com", context={"url": "u"})
    assert not OutgoingMail.objects.exists()


def test_without_email_url_messages_are_written_to_files(settings, tmp_path, paid_booking):
    from marquee.env import mailer_config

    settings.MAILERS = {"default": mailer_config("", tmp_path)}
    booking = paid_booking()
    assert mail_deliver_due() == 1
    [written] = list((tmp_path / "mail").iterdir())
    content = written.read_bytes()
    assert booking.reference.encode() in content and b"tickets.pdf" in content
    assert OutgoingMail.objects.get(booking=booking).status == MailStatus.SENT
