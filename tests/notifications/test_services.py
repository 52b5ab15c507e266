"""Staff's "resend" (mail_requeue): only what went out or failed, tickets as "sent again",
never a stale sign-in link."""

import pytest
from django.db import transaction

from marquee.core.errors import InvalidState
from marquee.notifications.models import MailKind, MailStatus, OutgoingMail
from marquee.notifications.services import mail_queue, mail_requeue
from marquee.notifications.worker import mail_claim, mail_deliver_due
from marquee.payments.services import booking_cancel
from tests.notifications.helpers import inline_images

pytestmark = pytest.mark.django_db


def _deliver_all():
    while mail_deliver_due():
        pass


def test_a_message_still_waiting_is_not_resent(smtp_server, paid_booking):
    booking = paid_booking()
    mail = OutgoingMail.objects.get(booking=booking)
    with pytest.raises(InvalidState, match="still queued"):
        mail_requeue(mail_id=mail.pk)

    mail_claim()  # a worker has it in hand
    with pytest.raises(InvalidState, match="being sent right now"):
        mail_requeue(mail_id=mail.pk)

    OutgoingMail.objects.filter(pk=mail.pk).update(status=MailStatus.RETRY, locked_until=None)
    with pytest.raises(InvalidState, match="waiting for its next attempt"):
        mail_requeue(mail_id=mail.pk)
    assert OutgoingMail.objects.count() == 1  # nothing was duplicated


def test_resent_tickets_go_out_as_sent_again(smtp_server, paid_booking):
    booking = paid_booking()
    _deliver_all()
    sent = OutgoingMail.objects.get(booking=booking)
    assert sent.status == MailStatus.SENT

    copy = mail_requeue(mail_id=sent.pk)
    assert copy.kind == MailKind.RESEND and copy.status == MailStatus.QUEUED
    assert copy.to_email == sent.to_email and copy.message_id != sent.message_id
    # A second click while the copy waits queues nothing more.
    with pytest.raises(InvalidState, match="already waiting"):
        mail_requeue(mail_id=sent.pk)

    _deliver_all()
    first, again = smtp_server.messages
    assert first["Subject"].startswith("Your tickets:")
    assert again["Subject"].startswith("Your tickets (sent again):") and len(inline_images(again)) == 2
    assert OutgoingMail.objects.filter(booking=booking).count() == 2
    # Once the copy is out, staff may send another.
    assert mail_requeue(mail_id=sent.pk).kind == MailKind.RESEND


def test_a_failed_message_may_be_resent(smtp_server, paid_booking):
    smtp_server.handler.reply = "550 5.7.1 Rejected"
    booking = paid_booking()
    _deliver_all()
    failed = OutgoingMail.objects.get(booking=booking)
    assert failed.status == MailStatus.FAILED
    smtp_server.handler.reply = None
    mail_requeue(mail_id=failed.pk)
    _deliver_all()
    [message] = smtp_server.messages
    assert "sent again" in message["Subject"]


def test_tickets_of_a_cancelled_booking_are_not_resent(smtp_server, paid_booking):
    booking = paid_booking()
    _deliver_all()
    sent = OutgoingMail.objects.get(booking=booking, kind=MailKind.TICKETS)
    booking_cancel(reference=booking.reference)
    with pytest.raises(InvalidState, match="cancelled: its tickets are no longer valid"):
        mail_requeue(mail_id=sent.pk)
    assert not OutgoingMail.objects.filter(kind=MailKind.RESEND).exists()


def test_a_sign_in_link_is_not_resent(smtp_server, admin_client):
    with transaction.atomic():
        mail = mail_queue(kind=MailKind.SIGN_IN, to_email="olena@example.com", context={"url": "https://c.example/s/a"})
    _deliver_all()
    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT
    # The link expires within the hour: a copy could only carry a dead (or soon dead) link.
    with pytest.raises(InvalidState, match="Sign-in links are not resent"):
        mail_requeue(mail_id=mail.pk)
    assert OutgoingMail.objects.count() == 1
    assert len(smtp_server.messages) == 1
    # The staff page offers no button for it; a forced post says why.
    assert f'name="mail_id" value="{mail.pk}"' not in admin_client.get("/staff/mail/").content.decode()
    answer = admin_client.post("/staff/mail/", {"mail_id": mail.pk}, follow=True)
    assert "Sign-in links are not resent" in answer.content.decode()
    assert OutgoingMail.objects.count() == 1


def test_a_recommendation_is_not_resent_after_an_unsubscribe(smtp_server):
    from marquee.booking.models import Customer
    from marquee.booking.services import customer_withdraw_consent
    from tests import factories as f

    f.hold(f.showtime(), email="fan@example.com", marketing_consent=True)
    customer = Customer.objects.get(email="fan@example.com")
    with transaction.atomic():
        mail = mail_queue(
            kind=MailKind.RECOMMENDATION, to_email=customer.email, customer_id=customer.pk, context={"movies": []}
        )
    _deliver_all()
    customer_withdraw_consent(customer_id=customer.pk)
    with pytest.raises(InvalidState, match="withdrawn their marketing consent"):
        mail_requeue(mail_id=mail.pk)
    assert OutgoingMail.objects.count() == 1


def test_the_app_whose_message_it_is_may_refuse_a_copy(smtp_server, monkeypatch):
    """mail_requeue asks the check registered for the kind (booking's, for tickets) first."""
    from marquee.notifications import services

    asked: list[int] = []

    def refuse(mail: OutgoingMail) -> None:
        asked.append(mail.pk)
        raise InvalidState("Not this one.")

    monkeypatch.setitem(services.REQUEUE_CHECKS, MailKind.RECEIPT, refuse)
    with transaction.atomic():
        receipt = mail_queue(kind=MailKind.RECEIPT, to_email="a@example.com")
    OutgoingMail.objects.filter(pk=receipt.pk).update(status=MailStatus.SENT)
    with pytest.raises(InvalidState, match="Not this one"):
        mail_requeue(mail_id=receipt.pk)
    assert asked == [receipt.pk] and OutgoingMail.objects.count() == 1


def test_booking_registers_its_check_for_resent_tickets():
    from marquee.booking.services import booking_check_tickets_requeue
    from marquee.notifications.services import REQUEUE_CHECKS

    assert REQUEUE_CHECKS[MailKind.RESEND] is booking_check_tickets_requeue
