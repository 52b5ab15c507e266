"""Queueing mail. Call inside the transaction that causes the message: it commits with it."""

from typing import Any

from django.conf import settings
from django.db import transaction

from marquee.core.clock import now
from marquee.core.errors import NotFound
from marquee.notifications.models import MailKind, OutgoingMail, new_message_id


def _domain() -> str:
    sender = settings.DEFAULT_FROM_EMAIL
    address = sender.rsplit("<", 1)[-1].rstrip(">")
    return address.rsplit("@", 1)[-1] or "marquee.local"


def mail_queue(
    *,
    kind: MailKind,
    to_email: str,
    booking_id: int | None = None,
    customer_id: int | None = None,
    context: dict[str, Any] | None = None,
    language: str = "",
) -> OutgoingMail:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("mail_queue() must run inside the transaction of the change that causes the mail")
    return OutgoingMail.objects.create(
        kind=kind,
        to_email=to_email,
        booking_id=booking_id,
        customer_id=customer_id,
        context=context or {},
        language=language,
        message_id=new_message_id(_domain()),
        next_attempt_at=now(),
    )


def mail_requeue(*, mail_id: int) -> OutgoingMail:
    """Queue a fresh copy of a message (staff's "resend"): a new row with its own Message-ID,
    so the delivery log keeps both attempts and the copy is a message of its own."""
    with transaction.atomic():
        original = OutgoingMail.objects.filter(pk=mail_id).first()
        if original is None:
            raise NotFound("No such message.")
        return mail_queue(
            kind=MailKind(original.kind),
            to_email=original.to_email,
            booking_id=original.booking_id,
            customer_id=original.customer_id,
            context=original.context,
            language=original.language,
        )
