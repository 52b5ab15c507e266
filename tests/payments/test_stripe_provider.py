"""The Stripe provider against localstripe, a real fake Stripe on 127.0.0.1 (tests/stripe_server.py).

Cards as Stripe documents them for tests: 4242 4242 4242 4242 pays; 4000 0000 0000 0341 is
declined when charged (localstripe declines 4000 0000 0000 0002 only when a card is saved to a
customer, never on a PaymentIntent); 4000 0027 6000 3184 asks for 3-D Secure.
"""

import json
import socket
import threading
import time
from dataclasses import replace
from decimal import Decimal

import pytest
import stripe
from django.utils import translation

from marquee.core.errors import ValidationFailed
from marquee.payments.providers import stripe as stripe_module
from marquee.payments.providers.base import (
    BadSignature,
    PaymentRequest,
    PaymentState,
    ProviderUnavailable,
    RefundState,
)
from marquee.payments.providers.stripe import StripeProvider, from_minor_units, to_minor_units
from tests.stripe_server import PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET, post_form

VISA = "4242424242424242"
DECLINED = "4000000000000341"
THREE_D_SECURE = "4000002760003184"

_ids = iter(range(10_000, 1_000_000))


def payment_request(amount: str = "300.00", currency: str = "UAH", **kw) -> PaymentRequest:
    payment_id = next(_ids)
    return PaymentRequest(
        payment_id=payment_id,
        booking_reference=kw.pop("booking_reference", "K7M2Q9XD"),
        amount=Decimal(amount),
        currency=currency,
        description=kw.pop("description", "Marquee Cinema, booking K7M2Q9XD"),
        idempotency_key=kw.pop("idempotency_key", f"payment-{payment_id}-{time.time_ns()}"),
        return_url="http://testserver/payments/return/K7M2Q9XD/",
        notify_url="http://testserver/payments/stripe/webhook",
        **kw,
    )


def card(localstripe, number: str) -> str:
    """A payment method, as Stripe.js makes one from the card the customer typed."""
    answer = post_form(
        f"{localstripe.base}/v1/payment_methods",
        {"type": "card", "card[number]": number, "card[exp_month]": "12", "card[exp_year]": "2030", "card[cvc]": "123"},
    )
    return answer["id"]


def api_get(localstripe, path: str) -> dict:
    client = stripe.StripeClient(SECRET_KEY, base_addresses={"api": localstripe.base})
    return client.raw_request("get", path).data


def authenticate(localstripe, intent_id: str, client_secret: str, *, success: bool) -> None:
    """What localstripe's Stripe.js does when the customer answers its 3-D Secure dialog."""
    answer = post_form(
        f"{localstripe.base}/v1/payment_intents/{intent_id}/_authenticate?success={str(success).lower()}",
        {"key": PUBLISHABLE_KEY, "client_secret": client_secret},
        key="",
    )
    assert "error" not in answer, answer


def paid(localstripe, provider: StripeProvider, amount: str = "300.00"):
    started = provider.start(payment_request(amount))
    confirmed = provider.confirm(provider_id=started.provider_id, data={"payment_method": card(localstripe, VISA)})
    assert confirmed.payment.status == PaymentState.SUCCEEDED
    return started.provider_id


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Amounts


def test_amounts_convert_to_stripe_units_exactly():
    assert to_minor_units(Decimal("300.00"), "UAH") == 30000
    assert to_minor_units(Decimal("0.01"), "usd") == 1
    assert to_minor_units(Decimal("1500"), "JPY") == 1500
    assert to_minor_units(Decimal("1.250"), "KWD") == 1250
    assert from_minor_units(30000, "uah") == Decimal("300.00")
    assert from_minor_units(1500, "JPY") == Decimal("1500.00")
    for wrong, currency in ((Decimal("0.005"), "UAH"), (Decimal("10.5"), "JPY"), (Decimal("0"), "UAH")):
        with pytest.raises(ValueError, match="not a whole number"):
            to_minor_units(wrong, currency)


# Starting a payment


def test_start_creates_a_payment_intent_for_the_bookings_total(stripe_settings, localstripe):
    request = payment_request("300.00")
    started = StripeProvider().start(request)

    assert started.provider_id.startswith("pi_")
    assert started.status == PaymentState.PENDING
    assert started.next.type == "card_form"
    assert started.next.client_secret.startswith(started.provider_id + "_secret_")
    assert started.next.publishable_key == PUBLISHABLE_KEY
    assert started.next.js_url == localstripe.js_url
    assert started.next.as_api() == {
        "type": "card_form",
        "client_secret": started.next.client_secret,
        "publishable_key": PUBLISHABLE_KEY,
        "js_url": localstripe.js_url,
    }
    intent = api_get(localstripe, f"/v1/payment_intents/{started.provider_id}")
    assert intent["amount"] == 30000
    assert intent["currency"] == "uah"
    assert intent["description"] == "Marquee Cinema, booking K7M2Q9XD"
    assert intent["metadata"] == {"payment_id": str(request.payment_id), "booking_reference": "K7M2Q9XD"}
    assert intent["status"] == "requires_payment_method"


def test_starting_again_with_the_same_key_answers_the_same_intent(stripe_settings, localstripe):
    provider = StripeProvider()
    request = payment_request()
    first = provider.start(request)
    again = provider.start(request)
    other = provider.start(payment_request(idempotency_key=request.idempotency_key + "-other"))

    assert again.provider_id == first.provider_id
    assert again.next.client_secret == first.next.client_secret
    assert other.provider_id != first.provider_id


def test_one_key_never_starts_a_different_payment(stripe_settings, localstripe):
    """A key reused with another amount is refused by Stripe: never a second, different charge."""
    provider = StripeProvider()
    request = payment_request("300.00")
    provider.start(request)

    with pytest.raises(ProviderUnavailable):
        provider.start(replace(request, amount=Decimal("999.00")))


def test_a_fresh_intent_is_pending_for_fetch(stripe_settings, localstripe):
    provider = StripeProvider()
    request = payment_request("120.50")
    started = provider.start(request)

    fetched = provider.fetch(provider_id=started.provider_id)
    assert fetched.status == PaymentState.PENDING
    assert fetched.amount == Decimal("120.50")
    assert fetched.currency == "UAH"
    assert fetched.payment_id == request.payment_id


# Confirming on the server with the card the browser made


def test_a_good_card_pays(stripe_settings, localstripe):
    provider = StripeProvider()
    request = payment_request("300.00")
    started = provider.start(request)

    confirmed = provider.confirm(provider_id=started.provider_id, data={"payment_method": card(localstripe, VISA)})

    assert confirmed.payment.status == PaymentState.SUCCEEDED
    assert confirmed.payment.amount == Decimal("300.00")
    assert confirmed.payment.currency == "UAH"
    assert confirmed.payment.payment_id == request.payment_id
    assert confirmed.next.type == "none"
    fetched = provider.fetch(provider_id=started.provider_id)
    assert (fetched.status, fetched.amount) == (PaymentState.SUCCEEDED, Decimal("300.00"))


def test_confirming_a_paid_intent_again_charges_nothing_more(stripe_settings, localstripe):
    """The browser may post twice (a double click, a retry): the second post only reads."""
    provider = StripeProvider()
    started = provider.start(payment_request())
    method = card(localstripe, VISA)
    provider.confirm(provider_id=started.provider_id, data={"payment_method": method})

    again = provider.confirm(provider_id=started.provider_id, data={"payment_method": method})

    assert again.payment.status == PaymentState.SUCCEEDED
    charges = api_get(localstripe, "/v1/charges")["data"]
    assert len([c for c in charges if c["payment_intent"] == started.provider_id]) == 1


def test_a_declined_card_fails_with_the_banks_message(stripe_settings, localstripe):
    provider = StripeProvider()
    request = payment_request()
    started = provider.start(request)

    confirmed = provider.confirm(provider_id=started.provider_id, data={"payment_method": card(localstripe, DECLINED)})

    assert confirmed.payment.status == PaymentState.FAILED
    assert confirmed.payment.message == "Your card was declined."
    assert confirmed.payment.amount == Decimal("300.00")
    assert confirmed.payment.payment_id == request.payment_id
    assert confirmed.next.type == "none"
    fetched = provider.fetch(provider_id=started.provider_id)
    assert (fetched.status, fetched.message) == (PaymentState.FAILED, "Your card was declined.")
    # The intent is final for the ledger: another card is another payment, not this one again.
    retried = provider.confirm(provider_id=started.provider_id, data={"payment_method": card(localstripe, VISA)})
    assert retried.payment.status == PaymentState.FAILED


def test_the_decline_is_said_in_the_customers_language(stripe_settings, localstripe):
    provider = StripeProvider()
    started = provider.start(payment_request())
    with translation.override("uk"):
        confirmed = provider.confirm(
            provider_id=started.provider_id, data={"payment_method": card(localstripe, DECLINED)}
        )
    assert confirmed.payment.message == "Вашу картку відхилено."


def test_a_3d_secure_card_asks_for_the_challenge_then_pays(stripe_settings, localstripe):
    provider = StripeProvider()
    started = provider.start(payment_request())
    method = card(localstripe, THREE_D_SECURE)

    first = provider.confirm(provider_id=started.provider_id, data={"payment_method": method})

    assert first.payment.status == PaymentState.PENDING
    assert first.next.type == "action"
    assert first.next.client_secret == started.next.client_secret
    assert first.next.as_api()["publishable_key"] == PUBLISHABLE_KEY
    # Posting again before the challenge is answered changes nothing.
    assert provider.confirm(provider_id=started.provider_id, data={"payment_method": method}).next.type == "action"

    authenticate(localstripe, started.provider_id, first.next.client_secret, success=True)
    second = provider.confirm(provider_id=started.provider_id, data={"payment_method": method})

    assert second.payment.status == PaymentState.SUCCEEDED
    assert second.next.type == "none"


def test_a_failed_challenge_fails_the_payment(stripe_settings, localstripe):
    provider = StripeProvider()
    started = provider.start(payment_request())
    method = card(localstripe, THREE_D_SECURE)
    first = provider.confirm(provider_id=started.provider_id, data={"payment_method": method})

    authenticate(localstripe, started.provider_id, first.next.client_secret, success=False)
    second = provider.confirm(provider_id=started.provider_id, data={"payment_method": method})

    assert second.payment.status == PaymentState.FAILED
    assert second.payment.message == "Your bank did not confirm the payment. Please try again or use another card."
    assert second.next.type == "none"


def test_confirm_without_a_card_is_refused(stripe_settings, localstripe):
    started = StripeProvider().start(payment_request())
    for data in ({}, {"payment_method": ""}, {"payment_method": "pm_x'; drop"}, {"payment_method": "tok_abc"}):
        with pytest.raises(ValidationFailed):
            StripeProvider().confirm(provider_id=started.provider_id, data=data)


def test_an_unknown_payment_method_fails_without_an_outage(stripe_settings, localstripe):
    started = StripeProvider().start(payment_request())

    confirmed = StripeProvider().confirm(provider_id=started.provider_id, data={"payment_method": "pm_doesnotexist"})

    assert confirmed.payment.status == PaymentState.FAILED
    assert confirmed.payment.message


# Refunds


def test_refund_part_then_the_rest(stripe_settings, localstripe):
    provider = StripeProvider()
    intent_id = paid(localstripe, provider, "300.00")

    part = provider.refund(
        provider_id=intent_id, amount=Decimal("100.00"), currency="UAH", idempotency_key=f"{intent_id}-r1", refund_id=71
    )
    rest = provider.refund(
        provider_id=intent_id, amount=Decimal("200.00"), currency="UAH", idempotency_key=f"{intent_id}-r2", refund_id=72
    )

    assert part.provider_refund_id.startswith("re_")
    assert (part.status, part.amount, part.refund_id) == (RefundState.SUCCEEDED, Decimal("100.00"), 71)
    assert part.provider_payment_id == intent_id
    assert (rest.status, rest.amount, rest.refund_id) == (RefundState.SUCCEEDED, Decimal("200.00"), 72)
    fetched = provider.fetch_refund(provider_refund_id=part.provider_refund_id, provider_id=intent_id)
    assert (fetched.status, fetched.amount, fetched.refund_id) == (RefundState.SUCCEEDED, Decimal("100.00"), 71)
    refunds = api_get(localstripe, f"/v1/refunds?payment_intent={intent_id}")["data"]
    assert sorted(r["amount"] for r in refunds) == [10000, 20000]


def test_a_full_refund_asked_twice_with_one_key_refunds_once(stripe_settings, localstripe):
    provider = StripeProvider()
    intent_id = paid(localstripe, provider, "250.00")
    ask = {
        "provider_id": intent_id,
        "amount": Decimal("250.00"),
        "currency": "UAH",
        "idempotency_key": f"{intent_id}-full",
        "refund_id": 81,
    }

    first = provider.refund(**ask)
    second = provider.refund(**ask)

    assert first.provider_refund_id == second.provider_refund_id
    assert first.status == RefundState.SUCCEEDED
    refunds = api_get(localstripe, f"/v1/refunds?payment_intent={intent_id}")["data"]
    assert [r["amount"] for r in refunds] == [25000]
    other = provider.refund(**{**ask, "amount": Decimal("1.00")})  # the key again, another amount
    assert other.status == RefundState.FAILED


def test_refunding_a_declined_payment_fails_for_good(stripe_settings, localstripe):
    provider = StripeProvider()
    started = provider.start(payment_request())
    provider.confirm(provider_id=started.provider_id, data={"payment_method": card(localstripe, DECLINED)})

    refund = provider.refund(
        provider_id=started.provider_id,
        amount=Decimal("300.00"),
        currency="UAH",
        idempotency_key=f"{started.provider_id}-r",
        refund_id=91,
    )

    assert refund.status == RefundState.FAILED
    assert refund.provider_refund_id == ""
    assert "failed payment" in refund.message


# Stripe out of reach


def test_a_stripe_that_is_down_is_unavailable_for_every_call(stripe_settings, localstripe):
    started = StripeProvider().start(payment_request())
    stripe_settings.STRIPE_API_BASE = f"http://127.0.0.1:{closed_port()}"
    provider = StripeProvider()

    began = time.monotonic()
    with pytest.raises(ProviderUnavailable) as caught:
        provider.start(payment_request())
    print(f"STRIPE_DOWN start failed after {time.monotonic() - began:.2f} s")
    assert caught.value.code == "provider_unavailable"
    assert caught.value.status == 503
    assert "try again" in caught.value.detail
    with pytest.raises(ProviderUnavailable):
        provider.confirm(provider_id=started.provider_id, data={"payment_method": "pm_card_visa"})
    with pytest.raises(ProviderUnavailable):
        provider.fetch(provider_id=started.provider_id)
    with pytest.raises(ProviderUnavailable):
        provider.refund(
            provider_id=started.provider_id, amount=Decimal("1.00"), currency="UAH", idempotency_key="k", refund_id=1
        )
    with pytest.raises(ProviderUnavailable):
        provider.fetch_refund(provider_refund_id="re_x", provider_id=started.provider_id)


def test_a_stripe_that_does_not_answer_times_out(stripe_settings, monkeypatch):
    """A server that accepts the connection and then says nothing: the read timeout ends it."""
    monkeypatch.setattr(stripe_module, "READ_TIMEOUT", 0.5)
    monkeypatch.setattr(stripe_module, "NETWORK_RETRIES", 0)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(silent.accept()[0]), daemon=True).start()
    stripe_settings.STRIPE_API_BASE = f"http://127.0.0.1:{silent.getsockname()[1]}"
    try:
        with pytest.raises(ProviderUnavailable):
            StripeProvider().start(payment_request())
    finally:
        for conn in accepted:
            conn.close()
        silent.close()


def test_a_wrong_secret_key_is_an_outage_not_a_decline(stripe_settings, localstripe):
    stripe_settings.STRIPE_SECRET_KEY = "not-a-key"
    with pytest.raises(ProviderUnavailable):
        StripeProvider().start(payment_request())


# Webhooks: signed by localstripe like Stripe, verified with the library


def test_payment_intent_succeeded_from_localstripe_is_read(stripe_settings, localstripe, stripe_webhooks):
    provider = StripeProvider()
    request = payment_request("180.00")
    started = provider.start(request)
    provider.confirm(provider_id=started.provider_id, data={"payment_method": card(localstripe, VISA)})

    body, headers = stripe_webhooks.wait_for("payment_intent.succeeded", started.provider_id)
    notification = provider.parse_notification(body=body, headers=headers)

    assert notification.event_id.startswith("evt_")
    assert notification.type == "payment_intent.succeeded"
    assert notification.refund is None
    assert notification.payment is not None
    assert notification.payment.provider_id == started.provider_id
    assert notification.payment.status == PaymentState.SUCCEEDED
    assert (notification.payment.amount, notification.payment.currency) == (Decimal("180.00"), "UAH")
    assert notification.payment.payment_id == request.payment_id


def test_payment_failed_from_localstripe_is_read(stripe_settings, localstripe, stripe_webhooks):
    provider = StripeProvider()
    started = provider.start(payment_request())
    provider.confirm(provider_id=started.provider_id, data={"payment_method": card(localstripe, DECLINED)})

    body, headers = stripe_webhooks.wait_for("payment_intent.payment_failed", started.provider_id)
    # Django's request.headers matches names whatever their case; so does the provider.
    lower = {name.lower(): value for name, value in headers.items()}
    notification = provider.parse_notification(body=body, headers=lower)

    assert notification.type == "payment_intent.payment_failed"
    assert notification.payment is not None
    assert notification.payment.status == PaymentState.FAILED
    assert notification.payment.message == "Your card was declined."


def test_forged_tampered_unsigned_and_stale_notifications_are_refused(stripe_settings, localstripe, stripe_webhooks):
    provider = StripeProvider()
    started = provider.start(payment_request())
    provider.confirm(provider_id=started.provider_id, data={"payment_method": card(localstripe, VISA)})
    body, headers = stripe_webhooks.wait_for("payment_intent.succeeded", started.provider_id)
    assert provider.parse_notification(body=body, headers=headers).payment is not None  # the real one passes

    text = body.decode()
    now = int(time.time())
    forged = stripe.WebhookSignature.generate_signature_header(text, "whsec_someone_else", now)
    stale = stripe.WebhookSignature.generate_signature_header(text, WEBHOOK_SECRET, now - 301)
    tampered = body.replace(b'"succeeded"', b'"SUCCEEDED"')
    signature = headers["Stripe-Signature"]
    for bad_body, bad_headers in (
        (body, {"Stripe-Signature": forged}),
        (body, {"Stripe-Signature": stale}),
        (tampered, {"Stripe-Signature": signature}),
        (body, {}),
        (body, {"Stripe-Signature": "garbage"}),
    ):
        with pytest.raises(BadSignature):
            provider.parse_notification(body=bad_body, headers=bad_headers)

    stripe_settings.STRIPE_WEBHOOK_SECRET = ""  # not configured: nothing can be verified
    with pytest.raises(BadSignature):
        provider.parse_notification(body=body, headers=headers)


def test_a_signed_body_that_is_not_an_event_is_refused(stripe_settings):
    text = "not json"
    header = stripe.WebhookSignature.generate_signature_header(text, WEBHOOK_SECRET)
    with pytest.raises(BadSignature):
        StripeProvider().parse_notification(body=text.encode(), headers={"Stripe-Signature": header})


def signed_event(event_type: str, obj: dict) -> tuple[bytes, dict[str, str]]:
    """An event as Stripe sends one (localstripe sends no refund events: the body is built here)."""
    event = {"id": f"evt_test_{time.time_ns()}", "object": "event", "type": event_type, "data": {"object": obj}}
    text = json.dumps(event)
    return text.encode(), {"Stripe-Signature": stripe.WebhookSignature.generate_signature_header(text, WEBHOOK_SECRET)}


def test_refund_events_carry_the_refund(stripe_settings, localstripe):
    provider = StripeProvider()
    intent_id = paid(localstripe, provider)
    made = provider.refund(
        provider_id=intent_id, amount=Decimal("300.00"), currency="UAH", idempotency_key=f"{intent_id}-w", refund_id=55
    )
    refund = api_get(localstripe, f"/v1/refunds/{made.provider_refund_id}")

    body, headers = signed_event("refund.updated", refund)
    updated = provider.parse_notification(body=body, headers=headers)
    failed_refund = {**refund, "status": "failed", "failure_reason": "expired_or_canceled_card"}
    body, headers = signed_event("refund.failed", failed_refund)
    failed = provider.parse_notification(body=body, headers=headers)

    assert updated.payment is None
    assert updated.refund is not None
    assert updated.refund.provider_refund_id == made.provider_refund_id
    assert (updated.refund.status, updated.refund.amount, updated.refund.refund_id) == (
        RefundState.SUCCEEDED,
        Decimal("300.00"),
        55,
    )
    assert updated.refund.provider_payment_id == intent_id
    assert failed.refund is not None
    assert (failed.refund.status, failed.refund.message) == (RefundState.FAILED, "expired_or_canceled_card")


def test_events_the_ledger_does_not_use_are_read_without_a_payment(stripe_settings):
    body, headers = signed_event("charge.refunded", {"id": "ch_1", "object": "charge", "amount": 100})
    notification = StripeProvider().parse_notification(body=body, headers=headers)
    assert notification.type == "charge.refunded"
    assert notification.payment is None
    assert notification.refund is None


# Start-up check


def test_the_start_up_check_names_what_stripe_lacks(settings):
    from django.core.checks.registry import registry

    from marquee.payments.providers.stripe_check import check_stripe_settings

    assert check_stripe_settings in registry.get_checks()

    def ids():
        return sorted(m.id for m in check_stripe_settings())

    settings.PAYMENT_PROVIDERS = ["demo"]
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    assert ids() == []  # Stripe off: nothing to say

    settings.PAYMENT_PROVIDERS = ["stripe"]
    assert ids() == ["payments.E101", "payments.W103"]

    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = "sk_live_1", "pk_test_1"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_1"
    assert ids() == ["payments.W102"]

    settings.STRIPE_PUBLISHABLE_KEY = "pk_live_1"
    assert ids() == []
