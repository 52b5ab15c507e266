"""Gift vouchers in the ledger: a booking paid (in part or whole) from a voucher's balance,
and that money given back when the booking will never be paid.

Spending is a `Payment` of provider `voucher` and purpose `voucher`, succeeded at once, with a
`VoucherEntry` (marquee.vouchers) in the same transaction as the hold; the card pays the rest
(`amount_due`). A refund of such a payment puts the money back on the voucher in the
transaction that records the refund (marquee.payments.refunds), so it is never "pending".

A hold that lapses or is cancelled before it is paid gives the voucher its money back
(`voucher_money_give_back`). It runs: after every cancel done through marquee.payments
(customer, staff, showtime); in the worker's sweep, right after lapsed holds are expired; and
before a voucher is spent or its balance is shown (`voucher_release_lapsed`), so the holder
never waits for the sweeper to use money from a hold that lapsed.
"""

import datetime as dt
import logging
import secrets
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Sum

from marquee.booking import services as booking_services
from marquee.booking.models import Booking, BookingStatus
from marquee.core.clock import now as clock_now
from marquee.payments.models import (
    VOUCHER_PROVIDER,
    Payment,
    PaymentPurpose,
    PaymentStatus,
    RequestedBy,
)
from marquee.payments.refunds import refund_create_locked
from marquee.vouchers.codes import normalise_code
from marquee.vouchers.models import EntryKind, Voucher, VoucherEntry
from marquee.vouchers.services import entry_link_payment, voucher_by_code, voucher_spend_locked

log = logging.getLogger("marquee.payments")
ZERO = Decimal("0.00")
GIVE_BACK_REASON = "The booking was not paid: back to the gift voucher"


def voucher_pay_locked(*, booking: Booking, code: str, up_to: Decimal, at: dt.datetime) -> Payment | None:
    """Inside the hold's transaction: pay up to `up_to` of `booking` from the voucher.
    None when there is nothing to pay; ValidationFailed (naming `voucher_code`) when the
    voucher cannot pay, and then the caller's transaction rolls the hold back."""
    if up_to <= 0:
        return None
    spent = voucher_spend_locked(code=code, up_to=up_to, booking=booking, at=at)
    payment = Payment.objects.create(
        booking=booking,
        provider=VOUCHER_PROVIDER,
        provider_id=f"{VOUCHER_PROVIDER}-{secrets.token_hex(8)}",
        amount=spent.amount,
        currency=spent.voucher.currency or settings.CURRENCY,
        status=PaymentStatus.SUCCEEDED,
        purpose=PaymentPurpose.VOUCHER,
        succeeded_at=at,
        idempotency_key=f"pay-{secrets.token_hex(16)}",
    )
    entry_link_payment(spent.entry, payment_id=payment.pk)
    return payment


def voucher_amount(booking_id: int) -> Decimal:
    """What vouchers pay of the booking now (spent, less what went back). One query."""
    found = Payment.objects.filter(
        booking_id=booking_id, provider=VOUCHER_PROVIDER, status=PaymentStatus.SUCCEEDED
    ).aggregate(total=Sum(F("amount") - F("amount_refunded")))["total"]
    return found or ZERO


def voucher_amount_of(payments: Iterable[Payment]) -> Decimal:
    """The same, from a booking's payments already in memory (no query)."""
    return sum(
        (p.amount - p.amount_refunded for p in payments if p.provider == VOUCHER_PROVIDER and p.status == "succeeded"),
        ZERO,
    )


def amount_due(booking: Booking, voucher_part: Decimal) -> Decimal:
    """What the customer still pays for a held booking (0 once paid or cancelled)."""
    if booking.status != BookingStatus.PENDING:
        return ZERO
    return max(booking.total_price - voucher_part, ZERO)


def _unpaid_voucher_payments(at: dt.datetime) -> "Q":
    """Voucher payments still holding money for a booking that will not be paid: cancelled
    (never paid: a paid one cancelled gives its money back as staff chose), or a hold lapsed."""
    return Q(
        provider=VOUCHER_PROVIDER,
        status=PaymentStatus.SUCCEEDED,
        amount_refunded__lt=F("amount"),
        booking__paid_at__isnull=True,
    ) & (
        Q(booking__status=BookingStatus.CANCELLED)
        | Q(booking__status=BookingStatus.PENDING, booking__expires_at__lte=at)
    )


def voucher_money_give_back(
    *, booking_ids: Iterable[int] | None = None, voucher_code: str = "", limit: int = 200
) -> int:
    """Give voucher money back from bookings that will not be paid (all of them, those
    among `booking_ids`, or those paid by `voucher_code`). A lapsed hold is recorded as
    expired first. Each booking in a short transaction of its own, locked, checked again
    under the lock: a booking paid a moment ago keeps its voucher money. Returns how many
    bookings gave money back."""
    at = clock_now()
    payments = Payment.objects.filter(_unpaid_voucher_payments(at))
    if booking_ids is not None:
        payments = payments.filter(booking_id__in=list(booking_ids))
    if voucher_code:
        voucher = voucher_by_code(voucher_code)
        if voucher is None:
            return 0
        spent = VoucherEntry.objects.filter(voucher=voucher, kind=EntryKind.SPENT).values("payment_id")
        payments = payments.filter(pk__in=spent)
    references = list(payments.order_by("booking_id").values_list("booking__reference", flat=True).distinct()[:limit])
    gave = 0
    for reference in references:
        booking_services.booking_expire_if_lapsed(reference=reference)
        with transaction.atomic():
            booking = booking_services.booking_lock(reference=reference)
            if booking.status != BookingStatus.CANCELLED or booking.paid_at is not None:
                continue
            locked = list(
                Payment.objects.select_for_update()
                .filter(booking=booking, provider=VOUCHER_PROVIDER, status=PaymentStatus.SUCCEEDED)
                .order_by("pk")
            )
            for payment in locked:
                if payment.refundable > 0:
                    refund_create_locked(
                        payment,
                        amount=payment.refundable,
                        reason=GIVE_BACK_REASON,
                        requested_by=RequestedBy.SYSTEM,
                        staff_user=None,
                        at=clock_now(),
                    )
            gave += 1
    if gave:
        log.info("gave voucher money back from %s unpaid bookings", gave)
    return gave


def voucher_release_lapsed(*, code: str) -> None:
    """Before a voucher is spent or shown: money held by its lapsed holds comes back now."""
    if normalise_code(code):
        voucher_money_give_back(voucher_code=code)


# --- a voucher bought ------------------------------------------------------------------------------

PAID_TWICE = "The voucher was already paid by another payment: give this one back."


def voucher_sale_settle_succeeded(payment_id: int, *, provider_id: str, at: dt.datetime) -> None:
    """The payment for a voucher bought succeeded (payments.services.payment_settle's
    word): in one short transaction the payment is recorded, the voucher becomes active with
    its balance, and its email (and the buyer's receipt) are queued. Idempotent: a second
    word about the same payment changes nothing and sends nothing."""
    from marquee.notifications.models import MailKind
    from marquee.notifications.services import mail_queue
    from marquee.vouchers.services import voucher_activate_locked

    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status == PaymentStatus.SUCCEEDED or payment.voucher_id is None:
            return
        same = Payment.objects.filter(pk=payment.pk)
        paid_already = Payment.objects.filter(
            voucher_id=payment.voucher_id, status=PaymentStatus.SUCCEEDED, purpose=PaymentPurpose.VOUCHER_SALE
        ).exists()
        if paid_already:
            log.error("payment %s succeeded for voucher %s, already paid", payment.pk, payment.voucher_id)
            same.update(status=PaymentStatus.FAILED, problem=PAID_TWICE, failed_at=at, provider_id=provider_id)
            return
        same.update(
            status=PaymentStatus.SUCCEEDED, succeeded_at=at, provider_id=provider_id, last_checked_at=at, updated_at=at
        )
        if not voucher_activate_locked(voucher_id=payment.voucher_id, payment_id=payment.pk, at=at):
            return
        voucher = Voucher.objects.get(pk=payment.voucher_id)
        context = {"voucher_id": voucher.pk}
        mail_queue(kind=MailKind.VOUCHER, to_email=voucher.delivery_email, language=voucher.language, context=context)
        if voucher.buyer_email and voucher.delivery_email.lower() != voucher.buyer_email.lower():
            mail_queue(
                kind=MailKind.VOUCHER_RECEIPT, to_email=voucher.buyer_email, language=voucher.language, context=context
            )
