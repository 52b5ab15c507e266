"""Buying a gift voucher online: a voucher waiting for its payment, and the payment taken
through a customer-facing provider exactly as a booking's is (marquee.payments.services):
the rows committed first, the provider asked outside any transaction, its word settled by
`payment_settle`, which makes the voucher active and sends it
(`voucher_money.voucher_sale_settle_succeeded`)."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from marquee.core.clock import now as clock_now
from marquee.core.errors import InvalidState, NotFound, ValidationFailed
from marquee.core.rows import row_or_not_found
from marquee.payments.models import Payment, PaymentPurpose, PaymentStatus
from marquee.payments.providers.base import NextStep, PaymentRequest
from marquee.payments.providers.registry import get_provider, provider_for_ledger
from marquee.payments.services import (
    NOTIFY_URL_NAMES,
    OPEN_STATUSES,
    Confirmed,
    payment_ask_provider,
    payment_check_one,
    payment_settle,
)
from marquee.vouchers.models import Voucher
from marquee.vouchers.services import VoucherOrder, new_payment_key, voucher_create_for_sale

SALT = "marquee.vouchers.return"


@dataclass(frozen=True)
class VoucherBought:
    voucher: Voucher
    payment: Payment
    next: NextStep
    handle: str  # the signed handle of the voucher's return page (its code is not shown there)


def voucher_handle(voucher: Voucher) -> str:
    return signing.dumps(voucher.pk, salt=SALT, compress=True)


def voucher_for_handle(handle: str) -> Voucher:
    try:
        voucher_id = signing.loads(handle, salt=SALT)
    except signing.BadSignature:
        raise NotFound("No such voucher.") from None
    return row_or_not_found(Voucher, "No such voucher.", pk=voucher_id)


def _request(payment: Payment, voucher: Voucher, handle: str, language: str) -> PaymentRequest:
    site = settings.SITE_URL
    notify = NOTIFY_URL_NAMES.get(payment.provider)
    return PaymentRequest(
        payment_id=payment.pk,
        booking_reference=f"V{voucher.pk}",
        amount=payment.amount,
        currency=payment.currency,
        description=f"{settings.CINEMA_NAME}, gift voucher",
        idempotency_key=payment.idempotency_key,
        return_url=site + reverse("public:voucher_return", args=[handle]),
        notify_url=site + reverse(notify) if notify else "",
        language=language or voucher.language,
    )


def voucher_buy(*, order: VoucherOrder, provider: str) -> VoucherBought:
    """Buy a voucher: ValidationFailed naming every field that is not valid (the provider's
    name as `provider`). The voucher is active, and mailed, once its payment succeeds."""
    chosen = get_provider(provider)
    if not chosen.customer_facing:
        raise ValidationFailed(
            f"Payment provider {provider!r} is for the box office.", fields={"provider": ["Not for customers."]}
        )
    with transaction.atomic():
        voucher = voucher_create_for_sale(order=order, at=clock_now())
        payment = Payment.objects.create(
            voucher=voucher,
            provider=provider,
            amount=voucher.amount,
            currency=voucher.currency,
            status=PaymentStatus.CREATED,
            purpose=PaymentPurpose.VOUCHER_SALE,
            idempotency_key=new_payment_key(),
        )
    handle = voucher_handle(voucher)
    payment, next_step = payment_ask_provider(payment, chosen, _request(payment, voucher, handle, order.language))
    voucher.refresh_from_db()
    return VoucherBought(voucher=voucher, payment=payment, next=next_step, handle=handle)


def voucher_sale_check(*, voucher: Voucher) -> Payment | None:
    """The voucher's latest payment, its provider asked first when it is still pending
    (the buyer's browser came back before the notification)."""
    payment = Payment.objects.filter(voucher=voucher).order_by("-created_at", "-pk").first()
    if payment is None or payment.status not in OPEN_STATUSES:
        return payment
    return payment_check_one(payment)


def voucher_sale_confirm(*, voucher: Voucher, data: Mapping[str, str]) -> Confirmed:
    """Finish a card payment for a voucher the buyer's browser prepared (Stripe's "finalize on
    the server"), as `payment_confirm` does for a booking: the provider asked outside any
    transaction, its word settled. A declined card leaves the payment failed; the buyer may
    confirm again with another card."""
    payment = (
        Payment.objects.filter(voucher=voucher)
        .exclude(provider_id="")
        .filter(status__in=[*OPEN_STATUSES, PaymentStatus.FAILED, PaymentStatus.SUCCEEDED])
        .order_by("-created_at", "-pk")
        .first()
    )
    if payment is None:
        raise NotFound("No payment to confirm; start again.")
    if payment.status == PaymentStatus.SUCCEEDED:
        return Confirmed(payment=payment, next=NextStep("none"))
    if payment.problem:
        raise InvalidState("This payment cannot be confirmed; start again.")
    confirmation = provider_for_ledger(payment.provider).confirm(provider_id=payment.provider_id, data=data)
    settled = payment_settle(provider=payment.provider, word=confirmation.payment) or payment
    return Confirmed(payment=settled, next=confirmation.next)
