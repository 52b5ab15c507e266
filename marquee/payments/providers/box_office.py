"""The box office's cash drawer and card terminal, as providers: money staff take (and give
back) by hand. Every call succeeds at once; nothing is sent anywhere. Not offered to
customers (`customer_facing` is False)."""

import secrets
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


class _BoxOffice:
    name = ""
    customer_facing = False
    label = ""

    def start(self, request: PaymentRequest) -> Started:
        return Started(
            provider_id=f"{self.name}-{secrets.token_hex(8)}", status=PaymentState.SUCCEEDED, next=NextStep("none")
        )

    def confirm(self, *, provider_id: str, data: Mapping[str, str]) -> Confirmation:
        return Confirmation(payment=self.fetch(provider_id=provider_id), next=NextStep("none"))

    def parse_notification(self, *, body: bytes, headers: Mapping[str, str]) -> Notification:
        raise BadSignature("the box office sends no notifications")

    def fetch(self, *, provider_id: str) -> ProviderPayment:
        return ProviderPayment(provider_id=provider_id, status=PaymentState.SUCCEEDED, amount=None, currency="")

    def refund(
        self, *, provider_id: str, amount: Decimal, currency: str, idempotency_key: str, refund_id: int
    ) -> ProviderRefund:
        # The money is handed back at the counter: recorded as given.
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


class CashProvider(_BoxOffice):
    name = "cash"
    label = "Cash at the box office"


class CardTerminalProvider(_BoxOffice):
    name = "card_terminal"
    label = "Card terminal at the box office"
