"""Every other email goes through the same queue and arrives: sign-in, cancellations, resends,
recommendations (with one-click unsubscribe headers)."""

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import formats, translation

from marquee.booking.services import booking_resend
from marquee.core.clock import local
from marquee.core.money import format_money
from marquee.notifications.models import MailKind, MailStatus, OutgoingMail
from marquee.notifications.services import mail_queue
from marquee.notifications.worker import mail_deliver_due
from marquee.payments.services import booking_cancel, showtime_cancel
from tests import factories as f
from tests.notifications.helpers import attachment, html_body, inline_images, parts, text_body

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


def _day_and_time(booking) -> tuple[str, str]:
    starts = local(booking.showtime.starts_at)
    with translation.override(settings.LANGUAGE_CODE):  # as the mail is written: the booking's language
        return formats.date_format(starts, "l, j E Y"), formats.time_format(starts, "H:i")


@pytest.mark.parametrize("by_staff", [False, True])
def test_cancelling_a_paid_gift_tells_the_recipient_too_without_prices(smtp_server, paid_booking, by_staff):
    booking = paid_booking(recipient_name="Taras Melnyk", recipient_email="taras@example.com", gift_message="Enjoy!")
    _deliver_all()
    assert {m["To"] for m in smtp_server.messages} == {"olena@example.com", "taras@example.com"}  # tickets, receipt
    smtp_server.handler.messages.clear()

    booking_cancel(reference=booking.reference, by_staff=by_staff)
    _deliver_all()
    by_to = {m["To"]: m for m in smtp_server.messages}
    assert len(smtp_server.messages) == 2 and set(by_to) == {"olena@example.com", "taras@example.com"}
    total = format_money(booking.total_price)
    seat_price = format_money(booking.seats.first().final_price)

    # The buyer's confirmation, as before: their prices and their refund.
    buyer = by_to["olena@example.com"]
    assert buyer["Subject"].startswith("Booking cancelled: The Night Projectionist")
    for body in (text_body(buyer), html_body(buyer)):
        assert "Hello Olena," in body and booking.reference in body
        # Queued with the cancellation, before the provider answered: under way, no more.
        assert f"refund of {settings.CURRENCY}\xa0{total} to the card or account you paid with is under way" in body
        assert seat_price in body

    # The recipient's: their name, who gave the tickets, what for, and that the codes are void.
    recipient = by_to["taras@example.com"]
    assert recipient["Subject"].startswith("Your gift tickets are cancelled: The Night Projectionist")
    day, time = _day_and_time(booking)
    text, html = text_body(recipient), html_body(recipient)
    assert "Hello Taras Melnyk," in text and "Hello Taras Melnyk," in html
    hall = booking.showtime.hall
    assert (
        f"The tickets Olena gave you for The Night Projectionist on {day} at {time} "
        f"({hall.name}, hall {hall.number}) are cancelled and are no longer valid."
    ) in text
    assert "The tickets Olena gave you for <strong>The Night Projectionist</strong>" in html
    assert "no longer valid" in html and booking.reference in text
    for body in (text, html, recipient["Subject"]):
        assert "refund" not in body.lower() and "paid" not in body.lower()
        assert settings.CURRENCY not in body and total not in body and seat_price not in body
        assert "Olena Koval" not in body and "olena@example.com" not in body  # nothing of the buyer's but a name
    assert ("text/calendar", "showtime.ics") in parts(recipient) and not inline_images(recipient)
    assert b"METHOD:CANCEL" in attachment(recipient, "showtime.ics")
    assert settings.CURRENCY.encode() not in attachment(recipient, "showtime.ics")


def test_a_cancelled_booking_that_is_no_gift_sends_one_message(smtp_server, paid_booking):
    # Tickets for oneself, with one's own address typed as the recipient's: not a gift.
    booking = paid_booking(recipient_name="Olena Koval", recipient_email="OLENA@example.com")
    _deliver_all()
    smtp_server.handler.messages.clear()
    booking_cancel(reference=booking.reference)
    _deliver_all()
    [message] = smtp_server.messages
    assert message["To"] == "olena@example.com" and message["Subject"].startswith("Booking cancelled")
    assert OutgoingMail.objects.filter(booking=booking, kind=MailKind.CANCELLATION).count() == 1


def test_cinema_cancelling_a_showtime_apologises_to_buyer_and_gift_recipient(smtp_server):
    from marquee.payments.services import booking_pay

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
    assert "A refund of" in text_body(by_to["olena@example.com"])
    assert "refund" not in text_body(by_to["taras@example.com"]).lower()  # the giver's money, not theirs


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


def test_an_unsubscribe_after_queueing_stops_the_recommendation(smtp_server, client):
    from marquee.booking.models import Customer
    from marquee.marketing.links import unsubscribe_url

    show = f.showtime()
    f.hold(show, email="fan@example.com", marketing_consent=True)
    seat = show.hall.seats.order_by("-pk").values_list("pk", flat=True)[:1]
    f.hold(show, list(seat), email="stays@example.com", marketing_consent=True)
    movie = f.movie(title="Arrival at Dawn")
    mails = {}
    with transaction.atomic():  # as the campaign queues them
        for customer in Customer.objects.filter(marketing_consent=True):
            mails[customer.email] = mail_queue(
                kind=MailKind.RECOMMENDATION,
                to_email=customer.email,
                customer_id=customer.pk,
                context={"movies": [movie.pk], "unsubscribe_url": unsubscribe_url(customer.pk)},
            )
    # The fan unsubscribes (one click, from an earlier email) before the worker gets to it.
    assert client.post(mails["fan@example.com"].context["unsubscribe_url"]).status_code == 200
    assert not Customer.objects.get(email="fan@example.com").marketing_consent

    _deliver_all()
    assert [m["To"] for m in smtp_server.messages] == ["stays@example.com"]
    withdrawn = mails["fan@example.com"]
    withdrawn.refresh_from_db()
    assert withdrawn.status == MailStatus.FAILED and withdrawn.sent_at is None
    assert "withdrew their marketing consent" in withdrawn.last_error
    assert withdrawn.attempts == 1  # judged once, never retried
    assert mail_deliver_due() == 0


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


def test_every_mail_kind_has_a_renderer_registered_by_its_app():
    """Each app registers the renderers of its messages (AppConfig.ready); none is missing."""
    from marquee.notifications.rendering.email import RENDERERS

    owners = {kind: RENDERERS[kind].__module__ for kind in MailKind.values}
    assert owners == {
        **{
            kind: "marquee.booking.mail.emails"
            for kind in (
                "tickets",
                "receipt",
                "resend",
                "cancellation",
                "showtime_cancelled",
                "sign_in",
                "refund",
                "booking_moved",
                "showtime_moved",
            )
        },
        "recommendation": "marquee.marketing.mail",
        "settlement": "marquee.settlement.mail",
        "voucher": "marquee.vouchers.mail",
        "voucher_receipt": "marquee.vouchers.mail",
        "waitlist_joined": "marquee.waitlist.mail",
        "waitlist_offer": "marquee.waitlist.mail",
    }


def test_a_kind_without_a_renderer_is_kept_for_a_retry(monkeypatch):
    from marquee.notifications.rendering import email as rendering

    monkeypatch.delitem(rendering.RENDERERS, MailKind.SIGN_IN)
    with transaction.atomic():
        mail = mail_queue(kind=MailKind.SIGN_IN, to_email="a@example.com", context={"url": "https://x"})
    with pytest.raises(ValueError, match="no renderer"):
        rendering.render_mail(mail)
