"""Providers that settle at once and talk to nobody: the demo provider and the box office's
cash drawer and card terminal. A payment succeeds when it starts, a refund when it is asked
for, and no notification ever arrives."""

import hashlib
from collections.abc import Mapping
from decimal import Decimal

from marquee.payments.providers.base import (
    BadSignature,
    Confirmation,
    NextStep,
    Notification,
    PaymentRequest,
    PaymentState,
    ProviderPayment,
    ProviderRefund,
    RefundState,
    Started,
)


class InstantProvider:
    name = ""
    customer_facing = False
    label = ""

    def start(self, request: PaymentRequest) -> Started:
        return Started(
            provider_id=self.provider_id_for(request.idempotency_key),
            status=PaymentState.SUCCEEDED,
            next=NextStep("none"),
        )

    def provider_id_for(self, idempotency_key: str) -> str:
        """What start() answers, known before the payment is recorded (it asks nobody)."""
        # One id per idempotency key, as real providers answer: two requests racing to pay
        # one booking reuse one open payment, and the second's word must name the same one.
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:16]
        return f"{self.name}-{digest}"

    def confirm(self, *, provider_id: str, data: Mapping[str, str]) -> Confirmation:
        return Confirmation(payment=self.fetch(provider_id=provider_id), next=NextStep("none"))

    def parse_notification(self, *, body: bytes, headers: Mapping[str, str]) -> Notification:
        raise BadSignature(f"the {self.name} provider sends no notifications")

    def fetch(self, *, provider_id: str) -> ProviderPayment:
        # Nothing is stored anywhere: every payment is a success for whatever was asked.
        return ProviderPayment(provider_id=provider_id, status=PaymentState.SUCCEEDED, amount=None, currency="")

    def refund(
        self, *, provider_id: str, amount: Decimal, currency: str, idempotency_key: str, refund_id: int
    ) -> ProviderRefund:
        return ProviderRefund(
            provider_refund_id=f"{self.name}-re-{idempotency_key[:16]}",
            status=RefundState.SUCCEEDED,
            amount=amount,
            provider_payment_id=provider_id,
            refund_id=refund_id,
        )

    def fetch_refund(self, *, provider_refund_id: str, provider_id: str) -> ProviderRefund:
        return ProviderRefund(
            provider_refund_id=provider_refund_id, status=RefundState.SUCCEEDED, amount=Decimal("0.00")
        )
