"""Payments for bookings paid before the ledger existed, and for the demo cinema.

Written against the models it is given, so that the data migration (historical models) and
seed_demo (the real ones) share it: every booking with `paid_at` gets one succeeded payment
of its total (its `payment_method`, or demo; the box office's money counted as cash); one
cancelled after it was paid gets a succeeded refund of the whole amount too, so that the
ledger adds up.
"""

from typing import Any

BATCH = 1000


def _provider(method: str) -> str:
    if method in ("box_office", "cash"):
        return "cash"
    return method or "demo"


def backfill_ledger(*, booking_model: Any, payment_model: Any, refund_model: Any, currency: str) -> int:
    """Give every paid booking without a payment its payment (and refund); returns how many."""
    rows = (
        booking_model.objects.filter(paid_at__isnull=False, total_price__gt=0, payments__isnull=True)
        .order_by("pk")
        .values_list("pk", "reference", "total_price", "payment_method", "payment_reference", "paid_at", "cancelled_at")
    )
    made = 0
    payments: list[Any] = []
    cancelled: dict[str, Any] = {}
    for pk, reference, total, method, method_reference, paid_at, cancelled_at in rows.iterator(chunk_size=BATCH):
        provider = _provider(method)
        refunded = cancelled_at is not None
        payments.append(
            payment_model(
                booking_id=pk,
                provider=provider,
                provider_id=method_reference or f"{provider}-{reference}",
                amount=total,
                currency=currency,
                status="succeeded",
                amount_refunded=total if refunded else 0,
                idempotency_key=f"ledger-{reference}",
                succeeded_at=paid_at,
            )
        )
        if refunded:
            cancelled[f"ledger-{reference}"] = cancelled_at
        if len(payments) >= BATCH:
            made += _write(payments, cancelled, payment_model, refund_model)
            payments, cancelled = [], {}
    return made + _write(payments, cancelled, payment_model, refund_model)


def _write(payments: list[Any], cancelled: dict[str, Any], payment_model: Any, refund_model: Any) -> int:
    if not payments:
        return 0
    payment_model.objects.bulk_create(payments)
    if cancelled:
        saved = payment_model.objects.filter(idempotency_key__in=list(cancelled)).values_list(
            "pk", "idempotency_key", "amount", "provider_id"
        )
        refund_model.objects.bulk_create(
            refund_model(
                payment_id=pk,
                amount=amount,
                reason="Cancelled (recorded when the ledger began)",
                requested_by="system",
                status="succeeded",
                provider_refund_id=f"{provider_id}-refund",
                idempotency_key=f"{key}-refund",
                succeeded_at=cancelled[key],
            )
            for pk, key, amount, provider_id in saved
        )
    return len(payments)
