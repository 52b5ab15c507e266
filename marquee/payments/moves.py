"""Moving a paid booking to other seats or another showtime, with its price difference in
the ledger (the seats are marquee.booking.moves).

In one transaction: the seats move, and the difference is recorded. Dearer: a box-office
payment of the difference (cash or card terminal, as staff choose), succeeded at once, with
the staff member; cheaper: a refund of the difference through the provider(s) that took the
money (a pending refund reserves its amount in the same transaction, as every refund does),
executed at the provider after the commit, outside any lock, and retried by the worker if
the provider is away; equal: nothing. So the reconciliation stays empty: the booking stays
paid with its payments, and every refund is a refund of one of them.
"""

import secrets
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from marquee.audit.services import Actor, audit_record
from marquee.booking.models import Booking
from marquee.booking.moves import BookingMoved, booking_move_locked
from marquee.core.clock import now as clock_now
from marquee.core.errors import ValidationFailed
from marquee.payments.models import Payment, PaymentPurpose, PaymentStatus, RefundStatus, RequestedBy
from marquee.payments.providers.registry import BOX_OFFICE_PROVIDERS
from marquee.payments.refunds import refund_execute, refund_mail_context
from marquee.payments.services import refunds_create_locked


def _check_method(method: str | None) -> str | None:
    if method in (None, ""):
        return None
    if method not in BOX_OFFICE_PROVIDERS:
        message = _("Choose cash or card terminal.")
        raise ValidationFailed(message, fields={"method": [message]})
    return method


def booking_move(
    *,
    reference: str,
    showtime_id: int,
    seat_ids: Sequence[int],
    staff_user: Actor,
    reason: str = "",
    method: str | None = None,
) -> BookingMoved:
    """Move a paid booking's tickets to `seat_ids` of `showtime_id` (see
    marquee.booking.moves.booking_move_locked for the rules and errors) and settle the
    difference: a dearer move needs `method` ("cash" or "card_terminal": the difference is
    taken at the box office), a cheaper one is refunded through the original payment's
    provider. The customer is sent the new tickets; an audit record `booking.move` tells
    before and after."""
    chosen = _check_method(method)
    reason = (reason or "").strip()[:200]
    refund_ids: list[int] = []
    staff = staff_user if isinstance(staff_user, User) else None

    def settle(booking: Booking, old_total: Decimal, new_total: Decimal) -> dict[str, Any]:
        at = clock_now()
        difference = new_total - old_total
        if difference > 0:
            if chosen is None:
                message = _("The new seats cost %(amount)s more: choose how it is paid.") % {
                    "amount": f"{difference:.2f}"
                }
                raise ValidationFailed(message, fields={"method": [message]})
            Payment.objects.create(
                booking=booking,
                provider=chosen,
                provider_id=f"{chosen}-{secrets.token_hex(8)}",
                purpose=PaymentPurpose.MOVE,
                amount=difference,
                currency=settings.CURRENCY,
                status=PaymentStatus.SUCCEEDED,
                succeeded_at=at,
                taken_by=staff,
                idempotency_key=f"pay-{secrets.token_hex(16)}",
            )
            return {"direction": "paid", "difference": f"{difference:.2f}", "how": chosen}
        if difference < 0:
            refunds = refunds_create_locked(
                booking,
                amount=-difference,
                reason=reason or "Moved to cheaper seats",
                requested_by=RequestedBy.STAFF,
                staff_user=staff,
                at=at,
                purpose=PaymentPurpose.MOVE,
            )
            refund_ids.extend(r.pk for r in refunds if r.status == RefundStatus.PENDING)
            told = refund_mail_context(refunds)["refunds"]
            how = "cash" if told and all(r["how"] == "cash" for r in told) else "card"
            return {"direction": "refunded", "difference": f"{-difference:.2f}", "how": how}
        return {"direction": "none", "difference": "0.00", "how": ""}

    with transaction.atomic():
        moved = booking_move_locked(reference=reference, showtime_id=showtime_id, seat_ids=seat_ids, money=settle)
        difference = moved.new_total - moved.old_total
        audit_record(
            actor=staff_user,
            action="booking.move",
            target_type="booking",
            target_id=moved.booking.reference,
            target_label=moved.booking.reference,
            changes={
                key: [moved.before[key], moved.after[key]]
                for key in ("showtime", "seats", "total")
                if moved.before[key] != moved.after[key]
            }
            | {"difference": f"{difference:.2f}", "method": chosen or ""},
            booking_id=moved.booking.pk,
            showtime_id=moved.booking.showtime_id,
            note=reason,
        )
    # After the commit, outside any lock: the provider is asked to give the money back.
    for refund_id in refund_ids:
        refund_execute(refund_id=refund_id)
    return moved
