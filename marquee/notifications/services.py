"""Queueing mail. Call inside the transaction that causes the message: it commits with it.

Staff may queue a copy of a message again (`mail_requeue`). Whether a copy still makes sense
is for the app whose message it is to say (tickets only for a booking still paid): it
registers a check for the kind in its AppConfig.ready() (`register_requeue_check`), so that
the outbox never imports the apps it serves.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from marquee.audit.services import Actor, audit_record
from marquee.core.clock import local, now
from marquee.core.errors import InvalidState, RateLimited
from marquee.core.rows import row_or_not_found
from marquee.notifications.models import MailKind, MailStatus, OutgoingMail, new_message_id


def mail_domain() -> str:
    """The domain of our Message-IDs: the sender's."""
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
    # An erased customer's address is in the reserved .invalid domain: the message is logged
    # (a showtime cancelled after the erasure, say) but never sent.
    undeliverable = to_email.rstrip().lower().endswith(".invalid")
    return OutgoingMail.objects.create(
        kind=kind,
        to_email=to_email,
        status=MailStatus.FAILED if undeliverable else MailStatus.QUEUED,
        last_error="not sent: the address was erased" if undeliverable else "",
        booking_id=booking_id,
        customer_id=customer_id,
        context=context or {},
        language=language,
        message_id=new_message_id(mail_domain()),
        next_attempt_at=now(),
    )


RESEND_WINDOW = dt.timedelta(hours=1)


def mail_check_resend_allowed(*, booking_id: int) -> None:
    """At most TICKET_RESENDS_PER_HOUR resends of one booking's tickets, whoever asks
    (the customer's page, the box office, the admin, the API, the delivery log): each
    resend is a message to the recipient, who may not be the one asking. Counted from the
    outbox; call with the booking locked, so that two clicks cannot both pass."""
    limit = settings.TICKET_RESENDS_PER_HOUR
    since = now() - RESEND_WINDOW
    recent = list(
        OutgoingMail.objects.filter(booking_id=booking_id, kind=MailKind.RESEND, created_at__gt=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) >= limit:
        next_at = local(recent[-1] + RESEND_WINDOW)
        raise RateLimited(
            f"The tickets were already sent again {limit} times in the last hour; "
            f"they can be sent again after {next_at:%H:%M}.",
            limit="resends_per_booking",
            maximum=limit,
            next_at=next_at.isoformat(),
        )


# Per kind: raises (InvalidState) when a copy of the message must not be queued; called inside
# mail_requeue's transaction, where it may lock what its answer rests on until the commit.
REQUEUE_CHECKS: dict[str, Callable[[OutgoingMail], None]] = {}


def register_requeue_check(kind: MailKind, check: Callable[[OutgoingMail], None]) -> None:
    REQUEUE_CHECKS[str(kind)] = check


# A message that went out, or failed for good, may be sent again; one still waiting goes
# out on its own, and a copy of it would reach the customer twice.
RESENDABLE = frozenset({MailStatus.SENT, MailStatus.FAILED})
WAITING = {
    MailStatus.QUEUED: "still queued",
    MailStatus.SENDING: "being sent right now",
    MailStatus.RETRY: "waiting for its next attempt",
}


def mail_requeue(*, mail_id: int, staff_user: Actor = None) -> OutgoingMail:
    """Queue a fresh copy of a message (staff's "resend"): a new row with its own Message-ID,
    so the delivery log keeps both attempts and the copy is a message of its own.

    Tickets go out as "sent again" (kind RESEND). A sign-in link is never resent: it expires
    within the hour, and the customer gets a fresh one from the sign-in page in seconds."""
    with transaction.atomic():
        # Locked, so that two clicks on "resend" queue one copy, not two.
        original = row_or_not_found(OutgoingMail.objects.select_for_update(), "No such message.", pk=mail_id)
        if original.status not in RESENDABLE:
            state = WAITING.get(MailStatus(original.status), original.status)
            raise InvalidState(f"This message is {state}: it goes out on its own, so there is nothing to resend yet.")
        if original.kind == MailKind.SIGN_IN:
            raise InvalidState(
                "Sign-in links are not resent: they expire an hour after they are sent. "
                "The customer can ask for a new one on the My bookings page."
            )
        kind = MailKind.RESEND if original.kind in (MailKind.TICKETS, MailKind.RESEND) else MailKind(original.kind)
        # Read now (not selected with the locked row): today's booking and consent decide.
        booking, customer = original.booking, original.customer
        if kind in REQUEUE_CHECKS:
            REQUEUE_CHECKS[kind](original)
        if kind == MailKind.RECOMMENDATION and customer is not None and not customer.marketing_consent:
            raise InvalidState("The customer has withdrawn their marketing consent.")
        waiting = OutgoingMail.objects.filter(
            # Q: a missing booking or customer matches rows without one (IS NULL).
            Q(booking_id=original.booking_id),
            Q(customer_id=original.customer_id),
            kind=kind,
            to_email=original.to_email,
            status__in=list(WAITING),
        )
        if waiting.exists():
            raise InvalidState("A copy of this message is already waiting to go out.")
        if kind == MailKind.RESEND and original.booking_id is not None:
            # The booking's row is locked (its check above): resends from the log and from
            # the booking's pages count one after the other.
            mail_check_resend_allowed(booking_id=original.booking_id)
        copy = mail_queue(
            kind=kind,
            to_email=original.to_email,
            booking_id=original.booking_id,
            customer_id=original.customer_id,
            context=original.context,
            language=original.language,
        )
        # The kind and the message numbers, not the address: an erasure must not leave one here.
        audit_record(
            actor=staff_user,
            action="mail.resend",
            target_type="mail",
            target_id=original.pk,
            target_label=f"{original.kind} #{original.pk}",
            changes={"kind": kind.value, "copy": copy.pk},
            booking_id=original.booking_id,
            showtime_id=booking.showtime_id if booking is not None else None,
        )
        return copy
