"""Issue 11 end to end with Stripe: the real site on Django's live server, Stripe played by
localstripe (a real process, tests/stripe_server.py), mail delivered to a real SMTP server.

- a customer in Chromium picks seats, checks out, pays by card on the payment page, is sent
  to the paid booking, receives the tickets email, cancels and gets the money back at
  localstripe (the browser comes back before Stripe's webhook, which then changes nothing);
- Stripe's webhook through the real view: localstripe's own signed `payment_intent.succeeded`
  pays a booking whose customer never came back, the same event again is acknowledged and not
  acted on, and a forged, tampered or stale signature answers 400 and changes nothing.
"""

import hashlib
import hmac
import json
import re
import time

import pytest
import stripe
from django.urls import reverse

from marquee.booking.models import Booking, BookingStatus
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.notifications.worker import mail_deliver_due
from marquee.payments.models import Payment, PaymentStatus, ProviderNotification, Refund, RefundStatus
from tests.payments.e2e import a_showtime, check_out_in_browser, hold_in_session, plain
from tests.stripe_server import SECRET_KEY, WEBHOOK_SECRET, post_form, rebuild_csp

pytestmark = pytest.mark.django_db(transaction=True)

VISA = "4242424242424242"
WEBHOOK_NAME = "marquee-e2e"


@pytest.fixture
def stripe_site(live_server, site_settings, stripe_settings, localstripe):
    """The site with Stripe as its only online provider (PAYMENT_PROVIDERS="stripe"), its
    addresses on the live server, and localstripe sending its webhooks there."""
    stripe_settings.PAYMENT_PROVIDERS = ["stripe"]
    stripe_settings.SITE_URL = live_server.url
    rebuild_csp(stripe_settings)
    localstripe.register_webhook(WEBHOOK_NAME, live_server.url + reverse("payments:stripe_webhook"))
    yield live_server
    localstripe.unregister_webhook(WEBHOOK_NAME)


@pytest.fixture
def show():
    return a_showtime()


def wait_for_notification(event_type: str, provider_id: str, timeout: float = 10) -> ProviderNotification:
    """The webhook localstripe sends about a second after the event, once the site acted on it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = ProviderNotification.objects.filter(
            provider="stripe", type=event_type, payment__provider_id=provider_id
        )
        if found.exclude(outcome="").exists():
            return found.get()
        time.sleep(0.05)
    raise AssertionError(f"no {event_type} webhook for {provider_id} reached the site within {timeout} s")


def localstripe_get(localstripe, path: str) -> dict:
    client = stripe.StripeClient(SECRET_KEY, base_addresses={"api": localstripe.base})
    return client.raw_request("get", path).data


@pytest.mark.browser
def test_a_customer_pays_by_card_gets_the_tickets_cancels_and_stripe_shows_the_refund(
    stripe_site, localstripe, show, smtp_server, browser, shoot
):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        check_out_in_browser(page, stripe_site.url, show)
        page.get_by_role("button", name=re.compile(r"^Pay UAH\s300\.00 by card$")).click()
        card = page.locator("#card-element")
        expect(card.get_by_placeholder("number")).to_be_visible()  # localstripe's Stripe.js, allowed by the CSP
        card.get_by_placeholder("number").fill(VISA)
        card.get_by_placeholder("exp_month").fill("12")
        card.get_by_placeholder("exp_year").fill("30")
        card.get_by_placeholder("cvc").fill("123")
        card.get_by_placeholder("postal_code").fill("01001")
        shoot(page, "e2e-stripe-01-card")
        page.get_by_role("button", name=re.compile(r"Pay .*by card")).click()

        expect(page.get_by_role("heading", name="Your tickets")).to_be_visible()
        booking = Booking.objects.get()
        assert page.url == f"{stripe_site.url}/bookings/{booking.reference}/"
        expect(page.locator(".money-lines")).to_contain_text(re.compile(r"Paid UAH\s300\.00"))
        shoot(page, "e2e-stripe-02-paid")
        payment = Payment.objects.get()
        assert (booking.status, payment.provider, payment.status) == (BookingStatus.PAID, "stripe", "succeeded")

        # Stripe's webhook comes after the browser: acknowledged, and it changes nothing.
        note = wait_for_notification("payment_intent.succeeded", payment.provider_id)
        assert note.outcome == "payment succeeded"
        assert mail_deliver_due() == 1
        [tickets] = smtp_server.messages
        assert tickets["To"] == "olena@example.com"
        assert booking.reference in tickets["Subject"] + plain(tickets)

        page.get_by_role("link", name="Cancel this booking").click()
        expect(page.get_by_role("heading", name="Cancel this booking?")).to_be_visible()
        page.get_by_role("button", name="Yes, cancel the booking").click()
        expect(page.locator(".money-lines")).to_contain_text(re.compile(r"Refund of UAH\s300\.00 to your card: done"))
        shoot(page, "e2e-stripe-03-refunded")
    finally:
        context.close()

    refund = Refund.objects.get()
    assert refund.status == RefundStatus.SUCCEEDED and refund.amount == payment.amount
    at_stripe = localstripe_get(localstripe, f"/v1/refunds?payment_intent={payment.provider_id}")["data"]
    assert [(r["id"], r["amount"], r["status"]) for r in at_stripe] == [(refund.provider_refund_id, 30000, "succeeded")]
    assert mail_deliver_due() == 1
    cancelled = smtp_server.messages[1]
    assert "A refund of UAH 300.00 to the card or account you paid with" in plain(cancelled)
    assert OutgoingMail.objects.filter(kind=MailKind.TICKETS).count() == 1


# --- the webhook through the real view ----------------------------------------------------


def started_at_stripe(client, show) -> Payment:
    """A customer holds two seats and opens the card form: a pending payment at localstripe."""
    booking = hold_in_session(client, show)
    page = client.post(reverse("public:booking_pay", args=[booking.reference]), {"method": "stripe"})
    assert page.status_code == 200 and b'id="stripe-card-form"' in page.content
    return Payment.objects.get(booking=booking, status=PaymentStatus.PENDING)


def pay_at_stripe(localstripe, payment: Payment) -> None:
    """The card is charged at Stripe, and the customer's browser never comes back to us."""
    method = post_form(
        f"{localstripe.base}/v1/payment_methods",
        {"type": "card", "card[number]": VISA, "card[exp_month]": "12", "card[exp_year]": "2030", "card[cvc]": "123"},
    )
    intent = f"{localstripe.base}/v1/payment_intents/{payment.provider_id}"
    post_form(intent, {"payment_method": method["id"]})  # localstripe confirms only an attached method
    answer = post_form(f"{intent}/confirm", {})
    assert answer.get("status") == "succeeded", answer


def signed(body: bytes, *, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    at = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={at},v1={digest}"


def post_webhook(client, body: bytes, signature: str):
    return client.post(
        reverse("payments:stripe_webhook"), body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )


def test_stripes_webhook_pays_the_booking_once_though_sent_twice(
    stripe_site, localstripe, stripe_webhooks, show, smtp_server, client
):
    payment = started_at_stripe(client, show)
    pay_at_stripe(localstripe, payment)

    # localstripe's own webhook, signed by it, reaches the live server's view
    note = wait_for_notification("payment_intent.succeeded", payment.provider_id)
    booking = Booking.objects.get()
    assert note.outcome == "payment succeeded" and booking.status == BookingStatus.PAID
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUCCEEDED
    assert mail_deliver_due() == 1 and len(smtp_server.messages) == 1

    # the very same event (body and signature) delivered again: acknowledged, not acted on
    body, headers = stripe_webhooks.wait_for("payment_intent.succeeded", payment.provider_id)
    again = post_webhook(client, body, headers["Stripe-Signature"])
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    assert ProviderNotification.objects.count() == 1
    assert OutgoingMail.objects.filter(kind=MailKind.TICKETS).count() == 1
    assert mail_deliver_due() == 0 and len(smtp_server.messages) == 1

    # and the customer who comes back late sees the paid booking
    back = client.get(reverse("payments:return", args=[booking.reference]))
    assert back.status_code == 302 and back["Location"] == f"/bookings/{booking.reference}/"


def test_a_forged_tampered_or_stale_webhook_is_refused_and_changes_nothing(
    stripe_site, localstripe, stripe_webhooks, show, client
):
    # Keep localstripe's own delivery away from the site: this test brings the event itself.
    localstripe.unregister_webhook(WEBHOOK_NAME)
    payment = started_at_stripe(client, show)
    pay_at_stripe(localstripe, payment)
    body, headers = stripe_webhooks.wait_for("payment_intent.succeeded", payment.provider_id)
    tampered = json.loads(body)
    tampered["data"]["object"]["amount"] = 1

    refused = {
        "forged": post_webhook(client, body, signed(body, secret="whsec_someone_else")),
        "tampered": post_webhook(client, json.dumps(tampered).encode(), headers["Stripe-Signature"]),
        "stale": post_webhook(client, body, signed(body, at=int(time.time()) - 3600)),
        "unsigned": post_webhook(client, body, ""),
    }

    assert {name: r.status_code for name, r in refused.items()} == dict.fromkeys(refused, 400)
    assert Booking.objects.get().status == BookingStatus.PENDING
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING
    assert not ProviderNotification.objects.exists()
    assert not OutgoingMail.objects.filter(kind=MailKind.TICKETS).exists()

    # the genuine one, fresh, is then acted on
    genuine = post_webhook(client, body, signed(body))
    assert genuine.status_code == 200 and genuine.json()["outcome"] == "payment succeeded"
    assert Booking.objects.get().status == BookingStatus.PAID
