"""What every payment provider offers the ledger: the one interface, small on purpose.

A provider is a thin adapter over someone else's service (Stripe, LiqPay) or a counter
(cash, card terminal, demo). It never touches the database: the ledger services call it
*outside* any transaction that holds locks, then record what it answered in a short one.

    start(request)            -> Started        the customer's next step (card form, redirect form, none)
    confirm(provider_id, data)-> Confirmation   finish a payment the browser prepared (Stripe's
                                                "finalize on the server"); most providers don't need it
    parse_notification(...)   -> Notification   verify the signature of the provider's server call
                                                and read it (raises BadSignature)
    fetch(provider_id)        -> ProviderPayment ask the provider for a payment's state
    refund(...)               -> ProviderRefund  give back all or part, idempotently
    fetch_refund(...)         -> ProviderRefund  ask the provider for a refund's state

Every amount crosses this line as a Decimal with two places in the cinema's currency; a
provider converts to its own units (Stripe's cents) and back. Every call that creates
something at the provider carries an idempotency key, so a retry never charges or refunds
twice.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from marquee.core.errors import DomainError


class ProviderUnavailable(DomainError):
    """The provider could not be reached or answered with an error of its own (not a decline)."""

    code = "provider_unavailable"
    status = 503


class BadSignature(Exception):
    """A notification whose signature is missing, forged or stale: answered 400, acted on never."""


class PaymentState(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class RefundState(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True)
class NextStep:
    """What the customer's browser does next.

    `none`: nothing (the payment is already settled, as with demo);
    `card_form`: show the provider's embedded card form (Stripe.js) with `client_secret`,
    `publishable_key` and `js_url`;
    `redirect_form`: post `fields` to `url` (LiqPay's checkout page);
    `action`: the browser must finish a step the provider asks for (3-D Secure), with
    `client_secret`.
    """

    type: str  # "none" | "card_form" | "redirect_form" | "action"
    client_secret: str = ""
    publishable_key: str = ""
    js_url: str = ""
    url: str = ""
    fields: Mapping[str, str] = field(default_factory=dict)

    def as_api(self) -> dict[str, object]:
        """The shape of the API's `next` (../shared/spec/api.md, section Payments)."""
        if self.type in ("card_form", "action"):
            return {
                "type": self.type,
                "client_secret": self.client_secret,
                "publishable_key": self.publishable_key,
                "js_url": self.js_url,
            }
        if self.type == "redirect_form":
            return {"type": self.type, "url": self.url, "fields": dict(self.fields)}
        return {"type": "none"}


@dataclass(frozen=True)
class PaymentRequest:
    """What a provider needs to start taking a booking's total."""

    payment_id: int  # the ledger's id: providers echo it back (metadata, order id)
    booking_reference: str
    amount: Decimal
    currency: str
    description: str  # shown to the customer by the provider ("Marquee Cinema, booking K7M2Q9XD")
    idempotency_key: str  # stable for this ledger payment
    return_url: str  # where the customer's browser comes back to (absolute)
    notify_url: str  # where the provider's server sends its notifications (absolute)
    language: str = ""  # "en", "uk" or "" (the provider's default)


@dataclass(frozen=True)
class ProviderPayment:
    """The provider's word on one payment, from a notification or a status request."""

    provider_id: str
    status: PaymentState
    amount: Decimal | None  # what was taken (None when the provider did not say)
    currency: str
    payment_id: int | None = None  # the ledger's id, when the provider echoes it
    message: str = ""  # a decline reason, for the customer and staff


@dataclass(frozen=True)
class Started:
    provider_id: str  # the provider's id of this payment (PaymentIntent id, LiqPay order_id)
    status: PaymentState  # pending, or succeeded at once (demo, cash, card terminal)
    next: NextStep


@dataclass(frozen=True)
class Confirmation:
    payment: ProviderPayment
    next: NextStep  # `none` when settled either way; `action` when the customer must act


@dataclass(frozen=True)
class ProviderRefund:
    provider_refund_id: str
    status: RefundState
    amount: Decimal
    provider_payment_id: str = ""
    refund_id: int | None = None  # the ledger's refund id, when the provider echoes it
    message: str = ""


@dataclass(frozen=True)
class Notification:
    """One verified server-to-server call from a provider. `event_id` is unique per provider:
    the ledger records it and acts on it once."""

    event_id: str
    type: str
    payment: ProviderPayment | None = None
    refund: ProviderRefund | None = None


class PaymentProvider(Protocol):
    name: str  # as in PAYMENT_PROVIDERS and the ledger's `provider` column
    customer_facing: bool  # False for the box office's cash and card terminal

    def start(self, request: PaymentRequest) -> Started: ...

    def confirm(self, *, provider_id: str, data: Mapping[str, str]) -> Confirmation: ...

    def parse_notification(self, *, body: bytes, headers: Mapping[str, str]) -> Notification: ...

    def fetch(self, *, provider_id: str) -> ProviderPayment: ...

    def refund(
        self, *, provider_id: str, amount: Decimal, currency: str, idempotency_key: str, refund_id: int
    ) -> ProviderRefund: ...

    def fetch_refund(self, *, provider_refund_id: str, provider_id: str) -> ProviderRefund: ...
