"""Refunds: reserved on their payment and recorded in the caller's transaction, then
executed at the provider outside any transaction, and tried again by the worker.

`Payment.amount_refunded` is raised in the transaction that creates a refund (a pending
refund reserves its amount; a CHECK keeps the sum within the payment) and lowered only when
a refund fails for good.
"""

import datetime as dt
import logging
import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F

from marquee.core.clock import now as clock_now
from marquee.core.errors import InvalidState, ValidationFailed
from marquee.payments.models import (
    VOUCHER_PROVIDER,
    Payment,
    PaymentPurpose,
    PaymentStatus,
    Refund,
    RefundStatus,
    RequestedBy,
)
from marquee.payments.providers.base import ProviderRefund, ProviderUnavailable, RefundState
from marquee.payments.providers.registry import BOX_OFFICE_PROVIDERS, provider_for_ledger
from marquee.vouchers.services import voucher_give_back_locked

log = logging.getLogger("marquee.payments")

# A refund the provider could not take is tried again after 2, 4, 8, … minutes (at most
# six hours apart); after this many attempts it fails for good and waits for staff.
REFUND_MAX_ATTEMPTS = 10
REFUND_MAX_BACKOFF = dt.timedelta(hours=6)


def _new_key(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(16)}"


def refund_mail_context(refunds: Iterable[Refund], *, late: bool = False) -> dict[str, Any]:
    """What an email says about money going back: codes and figures only, so that the
    renderer words it in the customer's language when it sends."""
    return {
        "late": late,
        "refunds": [
            {
                "amount": f"{r.amount:.2f}",
                "currency": r.payment.currency,
                "provider": r.payment.provider,
                "status": r.status,
                "how": (
                    "cash"
                    if r.payment.provider == "cash"
                    else "voucher"
                    if r.payment.provider == VOUCHER_PROVIDER
                    else "card"
                ),
            }
            for r in refunds
        ],
    }


def refund_create_locked(
    payment: Payment,
    *,
    amount: Decimal,
    reason: str,
    requested_by: RequestedBy,
    staff_user: User | None,
    at: dt.datetime,
    purpose: str = PaymentPurpose.BOOKING,
) -> Refund:
    """Inside the caller's transaction: reserve the amount on the payment and record the
    refund `pending` (cash and card terminal: `succeeded`, handed back at the counter; a
    gift voucher's: `succeeded`, its balance raised again in this same transaction)."""
    if amount <= 0:
        raise ValidationFailed("A refund is more than zero.", fields={"amount": ["Give an amount above zero."]})
    if payment.status != PaymentStatus.SUCCEEDED:
        raise InvalidState("Only a succeeded payment can be refunded.")
    try:
        # Conditional, and the CHECK on amount_refunded is the last word under a race.
        with transaction.atomic():
            raised = Payment.objects.filter(pk=payment.pk, amount_refunded__lte=F("amount") - amount).update(
                amount_refunded=F("amount_refunded") + amount, updated_at=at
            )
    except IntegrityError:
        raised = 0
    if raised != 1:
        payment.refresh_from_db(fields=["amount_refunded"])
        left = payment.amount - payment.amount_refunded
        raise ValidationFailed(
            f"More than is left to refund ({left:.2f} {payment.currency}).",
            fields={"amount": [f"At most {left:.2f}."]},
        )
    to_voucher = payment.provider == VOUCHER_PROVIDER
    at_counter = payment.provider in BOX_OFFICE_PROVIDERS or to_voucher
    key = _new_key("refund")
    refund = Refund.objects.create(
        payment=payment,
        amount=amount,
        reason=reason[:255],
        requested_by=requested_by,
        purpose=purpose,
        staff_user=staff_user if staff_user is not None and staff_user.pk else None,
        status=RefundStatus.SUCCEEDED if at_counter else RefundStatus.PENDING,
        provider_refund_id=f"{payment.provider}-re-{key[7:23]}" if at_counter else "",
        succeeded_at=at if at_counter else None,
        next_attempt_at=None if at_counter else at,
        idempotency_key=key,
    )
    if to_voucher:
        voucher_give_back_locked(
            payment_id=payment.pk, amount=amount, refund_id=refund.pk, at=at, staff_user=refund.staff_user
        )
    return refund


def _backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(minutes=2 ** min(attempts, 12)), REFUND_MAX_BACKOFF)


def _refund_give_up(refund: Refund, *, error: str, at: dt.datetime) -> None:
    """Failed for good: the reserved amount goes back to the payment; staff see the refund
    (reconciliation) and may try again by hand."""
    with transaction.atomic():
        gave_up = Refund.objects.filter(pk=refund.pk, status__in=[RefundStatus.PENDING, RefundStatus.FAILED]).exclude(
            status=RefundStatus.FAILED, next_attempt_at__isnull=True
        )
        if gave_up.update(status=RefundStatus.FAILED, next_attempt_at=None, last_error=error[:255], updated_at=at):
            Payment.objects.filter(pk=refund.payment_id).update(
                amount_refunded=F("amount_refunded") - refund.amount, updated_at=at
            )
            log.error("refund %s failed for good: %s", refund.pk, error)


def _refund_record(refund: Refund, answer: ProviderRefund, *, at: dt.datetime) -> None:
    if answer.status == RefundState.FAILED:
        _refund_give_up(refund, error=answer.message or "The provider refused the refund.", at=at)
        return
    open_refund = Refund.objects.filter(pk=refund.pk, status__in=[RefundStatus.PENDING, RefundStatus.FAILED])
    if answer.status == RefundState.SUCCEEDED:
        open_refund.update(
            status=RefundStatus.SUCCEEDED,
            provider_refund_id=answer.provider_refund_id or refund.provider_refund_id,
            succeeded_at=at,
            next_attempt_at=None,
            last_error="",
            updated_at=at,
        )
    else:  # under way at the provider: ask again later
        open_refund.update(
            status=RefundStatus.PENDING,
            provider_refund_id=answer.provider_refund_id or refund.provider_refund_id,
            last_error="",
            updated_at=at,
        )


def refund_execute(*, refund_id: int) -> Refund:
    """Ask the provider to give a refund back (or, once asked, for its state), outside any
    transaction; record the answer. A provider that cannot be reached: tried again by the
    worker with backoff, and after REFUND_MAX_ATTEMPTS failed for good."""
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    finished = refund.status == RefundStatus.SUCCEEDED or (
        refund.status == RefundStatus.FAILED and refund.next_attempt_at is None
    )
    if finished:
        return refund
    at = clock_now()
    # The claim: one caller at a time asks (the counter moves under the condition), and the
    # next attempt is booked before asking, so a crash here is retried too.
    claimed = Refund.objects.filter(pk=refund.pk, attempts=refund.attempts, status=refund.status).update(
        attempts=F("attempts") + 1, next_attempt_at=at + _backoff(refund.attempts + 1), updated_at=at
    )
    if not claimed:
        refund.refresh_from_db()
        return refund
    payment = refund.payment
    provider = provider_for_ledger(payment.provider)
    try:
        if refund.provider_refund_id and refund.status == RefundStatus.PENDING:
            answer = provider.fetch_refund(
                provider_refund_id=refund.provider_refund_id, provider_id=payment.provider_id
            )
        else:
            answer = provider.refund(
                provider_id=payment.provider_id,
                amount=refund.amount,
                currency=payment.currency,
                idempotency_key=refund.idempotency_key,
                refund_id=refund.pk,
            )
    except Exception as error:  # a provider's own error or a bug: both retried, both logged
        detail = error.detail if isinstance(error, ProviderUnavailable) else f"{type(error).__name__}: {error}"
        if not isinstance(error, ProviderUnavailable):
            log.exception("refund %s: %s failed", refund.pk, payment.provider)
        at = clock_now()
        if refund.attempts + 1 >= REFUND_MAX_ATTEMPTS:
            _refund_give_up(refund, error=detail, at=at)
        else:
            Refund.objects.filter(pk=refund.pk, status__in=[RefundStatus.PENDING, RefundStatus.FAILED]).update(
                status=RefundStatus.FAILED, last_error=detail[:255], updated_at=at
            )
            log.warning("refund %s attempt %s failed: %s", refund.pk, refund.attempts + 1, detail)
    else:
        _refund_record(refund, answer, at=clock_now())
    refund.refresh_from_db()
    return refund


def refund_settle(*, provider: str, word: ProviderRefund) -> Refund | None:
    """A provider's notification about a refund (Stripe's refund events)."""
    refunds = Refund.objects.select_related("payment").filter(payment__provider=provider)
    refund = refunds.filter(provider_refund_id=word.provider_refund_id).first() if word.provider_refund_id else None
    if refund is None and word.refund_id is not None:
        refund = refunds.filter(pk=word.refund_id).first()
    if refund is None:
        return None
    if refund.status != RefundStatus.SUCCEEDED:
        _refund_record(refund, word, at=clock_now())
        refund.refresh_from_db()
    return refund


def refunds_retry_due(*, limit: int = 50) -> int:
    """Try again the refunds whose next attempt is due (pending or failed, not given up)."""
    at = clock_now()
    ids = list(
        Refund.objects.filter(status__in=[RefundStatus.PENDING, RefundStatus.FAILED], next_attempt_at__lte=at)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for refund_id in ids:
        refund_execute(refund_id=refund_id)
    return len(ids)
