"""Providers for the tests: real classes behind the one interface, whose answers a test
sets (a card provider that stays pending until told, one that declines, one that is down).

Registered under a name with `use_provider(monkeypatch, "name", cls)`; the shared `Bank`
holds what "the provider" knows, as a real provider's servers would.
"""

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from marquee.payments.providers import registry
from marquee.payments.providers.base import (
    BadSignature,
    Confirmation,
    NextStep,
    Notification,
    PaymentRequest,
    PaymentState,
    ProviderPayment,
    ProviderRefund,
    ProviderUnavailable,
    RefundState,
    Started,
)

_ids = itertools.count(1)


@dataclass
class Bank:
    """What the fake provider's servers know, and how they behave."""

    payments: dict[str, ProviderPayment] = field(default_factory=dict)
    refunds: dict[str, ProviderRefund] = field(default_factory=dict)
    refund_keys: dict[str, str] = field(default_factory=dict)  # idempotency key -> refund id
    # How deep in transactions the test itself runs (a TestCase wraps each test in some): a
    # provider call made deeper ran inside one of ours, which the ledger never does.
    atomic_depth: int = 0
    down: bool = False
    refunds_down: bool = False
    calls: list[str] = field(default_factory=list)

    def pay(self, provider_id: str, *, amount: Decimal | None = None, currency: str = "UAH") -> ProviderPayment:
        """The customer paid at the provider: its word, as a notification would carry it."""
        before = self.payments[provider_id]
        word = ProviderPayment(
            provider_id=provider_id,
            status=PaymentState.SUCCEEDED,
            amount=before.amount if amount is None else amount,
            currency=currency,
            payment_id=before.payment_id,
        )
        self.payments[provider_id] = word
        return word

    def decline(self, provider_id: str) -> ProviderPayment:
        before = self.payments[provider_id]
        word = ProviderPayment(
            provider_id=provider_id,
            status=PaymentState.FAILED,
            amount=before.amount,
            currency=before.currency,
            payment_id=before.payment_id,
            message="Card declined.",
        )
        self.payments[provider_id] = word
        return word


BANK = Bank()


def _outside_transactions(call: str) -> None:
    from django.db import connection

    depth = len(connection.atomic_blocks)
    assert depth == BANK.atomic_depth, f"provider.{call} called inside a database transaction"


class CardProvider:
    """Like Stripe: a card form, pending until the bank says otherwise."""

    name = "card"
    customer_facing = True
    label = "Test card"

    def _check(self, call: str) -> None:
        _outside_transactions(call)
        BANK.calls.append(call)
        if BANK.down:
            raise ProviderUnavailable("The test provider is down.")

    def start(self, request: PaymentRequest) -> Started:
        self._check("start")
        provider_id = f"pi_{request.idempotency_key}"
        BANK.payments.setdefault(
            provider_id,
            ProviderPayment(
                provider_id=provider_id,
                status=PaymentState.PENDING,
                amount=request.amount,
                currency=request.currency,
                payment_id=request.payment_id,
            ),
        )
        return Started(
            provider_id=provider_id,
            status=PaymentState.PENDING,
            next=NextStep("card_form", client_secret=f"{provider_id}_secret", publishable_key="pk", js_url="/js"),
        )

    def confirm(self, *, provider_id: str, data: Mapping[str, str]) -> Confirmation:
        self._check("confirm")
        method = data.get("payment_method", "")
        if method == "pm_declined":
            return Confirmation(payment=BANK.decline(provider_id), next=NextStep("none"))
        if method == "pm_3ds" and BANK.payments[provider_id].status == PaymentState.PENDING:
            return Confirmation(payment=BANK.payments[provider_id], next=NextStep("action", client_secret="s"))
        return Confirmation(payment=BANK.pay(provider_id), next=NextStep("none"))

    def parse_notification(self, *, body: bytes, headers: Mapping[str, str]) -> Notification:
        raise BadSignature("not used")

    def fetch(self, *, provider_id: str) -> ProviderPayment:
        self._check("fetch")
        return BANK.payments[provider_id]

    def refund(
        self, *, provider_id: str, amount: Decimal, currency: str, idempotency_key: str, refund_id: int
    ) -> ProviderRefund:
        _outside_transactions("refund")
        BANK.calls.append("refund")
        if BANK.refunds_down:
            raise ProviderUnavailable("Refunds are down.")
        if idempotency_key in BANK.refund_keys:
            return BANK.refunds[BANK.refund_keys[idempotency_key]]
        refund_id_there = f"re_{next(_ids)}"
        answer = ProviderRefund(
            provider_refund_id=refund_id_there,
            status=RefundState.SUCCEEDED,
            amount=amount,
            provider_payment_id=provider_id,
            refund_id=refund_id,
        )
        BANK.refund_keys[idempotency_key] = refund_id_there
        BANK.refunds[refund_id_there] = answer
        return answer

    def fetch_refund(self, *, provider_refund_id: str, provider_id: str) -> ProviderRefund:
        BANK.calls.append("fetch_refund")
        return BANK.refunds[provider_refund_id]


class DecliningDemo:
    """Like demo, but every card is declined at once."""

    name = "demo"
    customer_facing = True

    def start(self, request: PaymentRequest) -> Started:
        return Started(
            provider_id=f"demo-declined-{request.payment_id}", status=PaymentState.FAILED, next=NextStep("none")
        )

    def fetch(self, *, provider_id: str) -> ProviderPayment:
        return ProviderPayment(
            provider_id=provider_id, status=PaymentState.FAILED, amount=None, currency="", message="Card declined."
        )


def use_provider(monkeypatch, name: str, cls: type, *, enable: bool = True) -> None:  # type: ignore[no-untyped-def]
    from django.conf import settings

    monkeypatch.setitem(registry.PROVIDER_CLASSES, name, f"{cls.__module__}.{cls.__qualname__}")
    if enable and name not in settings.PAYMENT_PROVIDERS:
        monkeypatch.setattr(settings, "PAYMENT_PROVIDERS", [*settings.PAYMENT_PROVIDERS, name])
