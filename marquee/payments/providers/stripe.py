"""Stripe: card payments with PaymentIntents, through the official `stripe` package.

The flow is Stripe's "finalize payments on the server":

1. `start` creates a PaymentIntent for the booking's total and answers a `card_form` step: the
   page shows Stripe's card element (Stripe.js from STRIPE_JS_URL) with the publishable key.
2. The browser turns the card into a payment method (`stripe.createPaymentMethod`) and posts
   its id to the site; `confirm` attaches it to the PaymentIntent and confirms it here, on the
   server. A card that needs 3-D Secure answers an `action` step: the browser lets Stripe.js
   run the challenge (`stripe.handleNextAction`) and posts again; `confirm` then only reads the
   PaymentIntent's state, which Stripe settled when the challenge ended.
3. Stripe's webhook (`payment_intent.succeeded`, `payment_intent.payment_failed`, the refund
   events) tells the ledger the same, signed; `parse_notification` verifies and reads it.

A PaymentIntent whose attempt failed (a declined card, a failed challenge) is final for the
ledger: `confirm` and `fetch` answer `failed` with Stripe's message and never confirm it again;
another card is another ledger payment, with its own PaymentIntent.

Every call that creates or changes something at Stripe carries an idempotency key, so a retry
(ours, or the library's after a dropped connection) never charges or refunds twice. A Stripe
that cannot be reached, or answers with an error of its own, raises ProviderUnavailable; a
declined card is a `failed` payment, not an outage.
"""

import logging
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from marquee.core.errors import ValidationFailed
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

logger = logging.getLogger(__name__)

# Seconds to wait for Stripe to accept a connection and to answer; one retry (with the same
# idempotency key) after a dropped connection or a 5xx. A Stripe that is down costs the
# customer about a second, a slow one at most 2 × (5 + 10) s, never a hung page.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
NETWORK_RETRIES = 1

# Stripe counts most currencies in hundredths, these in whole units, these in thousandths
# (https://docs.stripe.com/currencies#special-cases).
ZERO_DECIMAL = {
    "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
}  # fmt: skip
THREE_DECIMAL = {"BHD", "JOD", "KWD", "OMR", "TND"}

PAYMENT_METHOD_ID = re.compile(r"^(pm|card|src)_[A-Za-z0-9_]{1,250}$")
REFUND_EVENTS = {"refund.created", "refund.updated", "refund.failed", "charge.refund.updated"}


def currency_exponent(currency: str) -> int:
    code = currency.upper()
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def to_minor_units(amount: Decimal, currency: str) -> int:
    """Stripe's integer amount for a Decimal; refuses anything that would be rounded."""
    minor = amount.scaleb(currency_exponent(currency))
    if minor != minor.to_integral_value() or minor <= 0:
        raise ValueError(f"{amount} {currency} is not a whole number of Stripe's units")
    return int(minor)


def from_minor_units(amount: int, currency: str) -> Decimal:
    return Decimal(amount).scaleb(-currency_exponent(currency)).quantize(Decimal("0.01"))


def _ledger_id(metadata: Mapping[str, Any] | None, key: str) -> int | None:
    value = (metadata or {}).get(key)
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def decline_message(code: str | None, stripe_message: str) -> str:
    """What the customer reads, in their language for the usual reasons; Stripe's own words
    (English) otherwise."""
    messages = {
        "card_declined": _("Your card was declined."),
        "expired_card": _("Your card has expired."),
        "incorrect_cvc": _("The card's security code is incorrect."),
        "incorrect_number": _("The card number is incorrect."),
        "processing_error": _("The bank could not process the card. Please try again."),
        "payment_intent_authentication_failure": _(
            "Your bank did not confirm the payment. Please try again or use another card."
        ),
    }
    return str(messages.get(code or "", stripe_message or _("Your card was declined.")))[:255]


def _error_message(error: Any) -> str:
    if isinstance(error, Mapping):
        return decline_message(error.get("code"), str(error.get("message") or ""))
    return ""


def payment_from_intent(intent: Mapping[str, Any]) -> ProviderPayment:
    """The ledger's view of a PaymentIntent (from the API or from a webhook event)."""
    status = intent.get("status")
    currency = str(intent.get("currency") or "").upper()
    message = ""
    if status == "succeeded":
        state = PaymentState.SUCCEEDED
    elif status == "canceled":
        state = PaymentState.CANCELLED
    elif status == "requires_payment_method" and intent.get("last_payment_error"):
        # Back to "requires_payment_method" after an attempt: the card was declined or
        # failed its challenge. Without an error it simply has no card yet.
        state = PaymentState.FAILED
        message = _error_message(intent.get("last_payment_error"))
    else:
        state = PaymentState.PENDING
    taken = intent.get("amount")
    if state == PaymentState.SUCCEEDED and intent.get("amount_received") is not None:
        taken = intent["amount_received"]
    return ProviderPayment(
        provider_id=str(intent["id"]),
        status=state,
        amount=from_minor_units(int(taken), currency) if taken is not None else None,
        currency=currency,
        payment_id=_ledger_id(intent.get("metadata"), "payment_id"),
        message=message[:255],
    )


def refund_from_object(refund: Mapping[str, Any]) -> ProviderRefund:
    status = refund.get("status")
    if status == "succeeded":
        state = RefundState.SUCCEEDED
    elif status in ("failed", "canceled"):
        state = RefundState.FAILED
    else:  # pending, requires_action
        state = RefundState.PENDING
    intent = refund.get("payment_intent")
    if isinstance(intent, Mapping):
        intent = intent.get("id")
    return ProviderRefund(
        provider_refund_id=str(refund["id"]),
        status=state,
        amount=from_minor_units(int(refund["amount"]), str(refund.get("currency") or "")),
        provider_payment_id=str(intent or ""),
        refund_id=_ledger_id(refund.get("metadata"), "refund_id"),
        message=str(refund.get("failure_reason") or "")[:255],
    )


def _unavailable(error: stripe.StripeError, doing: str) -> ProviderUnavailable:
    logger.warning("Stripe %s failed: %s (%s)", doing, error.user_message or error, type(error).__name__)
    return ProviderUnavailable(
        _("Card payment is not available right now. Your seats stay held: please try again in a moment.")
    )


class StripeProvider:
    name = "stripe"
    label = "Stripe"
    customer_facing = True

    def _client(self) -> stripe.StripeClient:
        # Built per call from the settings of the moment: no module-level state, and a
        # deployment (or a test) that changes the keys is read at once.
        return stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            base_addresses={"api": settings.STRIPE_API_BASE},
            http_client=stripe.RequestsClient(timeout=(CONNECT_TIMEOUT, READ_TIMEOUT)),
            max_network_retries=NETWORK_RETRIES,
        )

    def _card_step(self, type_: str, client_secret: str) -> NextStep:
        return NextStep(
            type=type_,
            client_secret=client_secret,
            publishable_key=settings.STRIPE_PUBLISHABLE_KEY,
            js_url=settings.STRIPE_JS_URL,
        )

    def start(self, request: PaymentRequest) -> Started:
        params: dict[str, Any] = {
            "amount": to_minor_units(request.amount, request.currency),
            "currency": request.currency.lower(),
            "payment_method_types": ["card"],
            "description": request.description,
            "metadata": {"payment_id": str(request.payment_id), "booking_reference": request.booking_reference},
        }
        try:
            intent = self._client().v1.payment_intents.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": request.idempotency_key},
            )
        except stripe.StripeError as error:
            raise _unavailable(error, "PaymentIntent create") from error
        return Started(
            provider_id=intent.id,
            status=PaymentState.PENDING,
            next=self._card_step("card_form", intent.client_secret or ""),
        )

    def confirm(self, *, provider_id: str, data: Mapping[str, str]) -> Confirmation:
        payment_method = str(data.get("payment_method") or "")
        if not PAYMENT_METHOD_ID.match(payment_method):
            raise ValidationFailed(_("Enter your card details."), fields={"payment_method": [_("Required.")]})
        client = self._client()
        try:
            intent = client.v1.payment_intents.retrieve(provider_id).to_dict()
            if intent["status"] in ("requires_payment_method", "requires_confirmation") and not intent.get(
                "last_payment_error"
            ):
                # Attach, then confirm: two calls that every Stripe (and localstripe) accepts.
                client.v1.payment_intents.update(
                    provider_id,
                    params={"payment_method": payment_method},
                    options={"idempotency_key": f"{provider_id}:{payment_method}:attach"},
                )
                intent = client.v1.payment_intents.confirm(
                    provider_id, options={"idempotency_key": f"{provider_id}:{payment_method}:confirm"}
                ).to_dict()
        except stripe.CardError as error:
            declined = self._declined(client, provider_id, error)
            return Confirmation(payment=declined, next=NextStep(type="none"))
        except stripe.InvalidRequestError as error:
            # Stripe refused this payment method for this PaymentIntent (unknown, already used
            # elsewhere): the customer can only try another card.
            logger.warning("Stripe refused payment method %s for %s: %s", payment_method, provider_id, error)
            refused = ProviderPayment(
                provider_id=provider_id,
                status=PaymentState.FAILED,
                amount=None,
                currency="",
                message=_("This card could not be used. Please try another card."),
            )
            return Confirmation(payment=refused, next=NextStep(type="none"))
        except stripe.StripeError as error:
            raise _unavailable(error, "PaymentIntent confirm") from error
        payment = payment_from_intent(intent)
        if intent["status"] == "requires_action":
            return Confirmation(payment=payment, next=self._card_step("action", intent.get("client_secret") or ""))
        return Confirmation(payment=payment, next=NextStep(type="none"))

    def _declined(self, client: stripe.StripeClient, provider_id: str, error: stripe.CardError) -> ProviderPayment:
        message = decline_message(error.code, error.user_message or "")
        try:
            intent = client.v1.payment_intents.retrieve(provider_id).to_dict()
        except stripe.StripeError:
            # The decline is certain; the amounts are only for the record.
            return ProviderPayment(
                provider_id=provider_id, status=PaymentState.FAILED, amount=None, currency="", message=message
            )
        payment = payment_from_intent(intent)
        return ProviderPayment(
            provider_id=payment.provider_id,
            status=PaymentState.FAILED,
            amount=payment.amount,
            currency=payment.currency,
            payment_id=payment.payment_id,
            message=(payment.message or message)[:255],
        )

    def parse_notification(self, *, body: bytes, headers: Mapping[str, str]) -> Notification:
        signature = next((value for name, value in headers.items() if name.lower() == "stripe-signature"), "")
        try:
            event = stripe.Webhook.construct_event(body, signature, settings.STRIPE_WEBHOOK_SECRET)
        except (stripe.SignatureVerificationError, ValueError) as error:
            raise BadSignature(str(error)) from error
        data = event.to_dict()
        type_ = str(data.get("type") or "")
        obj = (data.get("data") or {}).get("object") or {}
        payment = refund = None
        if type_.startswith("payment_intent.") and obj.get("object") == "payment_intent":
            payment = payment_from_intent(obj)
        elif type_ in REFUND_EVENTS and obj.get("object") == "refund":
            refund = refund_from_object(obj)
        return Notification(event_id=str(data["id"]), type=type_, payment=payment, refund=refund)

    def fetch(self, *, provider_id: str) -> ProviderPayment:
        try:
            intent = self._client().v1.payment_intents.retrieve(provider_id)
        except stripe.StripeError as error:
            raise _unavailable(error, "PaymentIntent retrieve") from error
        return payment_from_intent(intent.to_dict())

    def refund(
        self, *, provider_id: str, amount: Decimal, currency: str, idempotency_key: str, refund_id: int
    ) -> ProviderRefund:
        params: dict[str, Any] = {
            "payment_intent": provider_id,
            "amount": to_minor_units(amount, currency),
            "metadata": {"refund_id": str(refund_id)},
        }
        try:
            created = self._client().v1.refunds.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": idempotency_key},
            )
        except (stripe.InvalidRequestError, stripe.IdempotencyError) as error:
            # Stripe refused this refund (more than is left, a payment that never succeeded):
            # asking again with the same key gets the same answer, so it failed for good.
            logger.warning("Stripe refused refund %s of %s: %s", refund_id, provider_id, error)
            return ProviderRefund(
                provider_refund_id="",
                status=RefundState.FAILED,
                amount=amount,
                provider_payment_id=provider_id,
                refund_id=refund_id,
                message=str(error.user_message or error)[:255],
            )
        except stripe.StripeError as error:
            raise _unavailable(error, "Refund create") from error
        return refund_from_object(created.to_dict())

    def fetch_refund(self, *, provider_refund_id: str, provider_id: str) -> ProviderRefund:
        try:
            found = self._client().v1.refunds.retrieve(provider_refund_id)
        except stripe.StripeError as error:
            raise _unavailable(error, "Refund retrieve") from error
        return refund_from_object(found.to_dict())
