"""Stripe's card form in Chromium, against localstripe's Stripe.js and a real PaymentIntent.

The booking's payment page is not part of this module: a page defined here (this module is its
URLconf) renders the card form include with a PaymentIntent that StripeProvider started at
localstripe, and a confirm endpoint that calls StripeProvider.confirm and answers as the site's
own does: {"status", "next", "redirect", "message"}. Django's CSRF check stays on, so a confirm
that arrives proves the form sends the token.
"""

import re
import socket
import uuid
from dataclasses import replace
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.http import HttpResponse, JsonResponse
from django.template import engines
from django.urls import path

from marquee.payments.providers.base import PaymentRequest, PaymentState, ProviderUnavailable
from marquee.payments.providers.stripe import StripeProvider

pytestmark = [pytest.mark.browser, pytest.mark.urls(__name__)]

PAGE = engines["django"].from_string(
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pay</title></head>'
    '<body><main><h1>Pay for your seats</h1>{% include "payments/next_card_form.html" %}</main></body></html>'
)
CONFIRMS: list[dict[str, str]] = []
STARTED: dict[str, object] = {}


def pay_page(request, intent_id):
    started = STARTED[intent_id]
    context = {
        "next": started.next,
        "payment": SimpleNamespace(amount=Decimal("300.00"), currency="UAH"),
        "booking": SimpleNamespace(reference="K7M2Q9XD"),
        "confirm_url": f"/pay/{intent_id}/confirm/",
        "return_url": "/done/",
    }
    return HttpResponse(PAGE.render(context, request))


def confirm(request, intent_id):
    CONFIRMS.append({"intent": intent_id, **request.POST.dict()})
    try:
        confirmation = StripeProvider().confirm(provider_id=intent_id, data=request.POST)
    except ProviderUnavailable as error:
        return JsonResponse({"error": {"code": error.code, "message": error.detail}}, status=error.status)
    status = "action" if confirmation.next.type == "action" else str(confirmation.payment.status)
    return JsonResponse(
        {
            "status": status,
            "next": confirmation.next.as_api(),
            "redirect": "/done/",
            "message": confirmation.payment.message,
        }
    )


def done(request):
    return HttpResponse("<!doctype html><title>Paid</title><h1>Thank you</h1>")


urlpatterns = [
    path("pay/<str:intent_id>/", pay_page),
    path("pay/<str:intent_id>/confirm/", confirm),
    path("done/", done),
]


@pytest.fixture
def card_page(live_server, stripe_settings, browser):
    """Start a PaymentIntent at localstripe and open its card form; yields (page, intent id)."""
    stripe_settings.CSRF_COOKIE_SECURE = False  # the live server speaks plain http
    stripe_settings.SESSION_COOKIE_SECURE = False
    CONFIRMS.clear()
    started = StripeProvider().start(
        PaymentRequest(
            payment_id=1,
            booking_reference="K7M2Q9XD",
            amount=Decimal("300.00"),
            currency="UAH",
            description="Marquee Cinema, booking K7M2Q9XD",
            idempotency_key=f"browser-{uuid.uuid4()}",
            return_url=f"{live_server.url}/done/",
            notify_url=f"{live_server.url}/payments/stripe/webhook",
        )
    )
    STARTED[started.provider_id] = started
    context = browser.new_context(viewport={"width": 1000, "height": 800}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/pay/{started.provider_id}/")
    yield page, started.provider_id
    context.close()


def type_card(page, number: str) -> None:
    from playwright.sync_api import expect

    element = page.locator("#card-element")
    expect(element.get_by_placeholder("number")).to_be_visible()  # localstripe's Stripe.js mounted
    element.get_by_placeholder("number").fill(number)
    element.get_by_placeholder("exp_month").fill("12")
    element.get_by_placeholder("exp_year").fill("30")
    element.get_by_placeholder("cvc").fill("123")
    element.get_by_placeholder("postal_code").fill("01001")


def test_a_customer_pays_by_card_in_chromium(card_page, shoot):
    from playwright.sync_api import expect

    page, intent_id = card_page
    expect(page.get_by_role("group", name="Card details")).to_be_visible()
    pay = page.get_by_role("button", name="Pay UAH\xa0300.00 by card")
    expect(pay).to_be_enabled()
    type_card(page, "4242424242424242")
    shoot(page, "stripe-01-card-form")

    pay.click()

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert len(CONFIRMS) == 1
    assert re.fullmatch(r"(pm|card)_\w+", CONFIRMS[0]["payment_method"])
    assert StripeProvider().fetch(provider_id=intent_id).status == PaymentState.SUCCEEDED


def test_a_3d_secure_card_passes_the_banks_challenge(card_page, shoot):
    from playwright.sync_api import expect

    page, intent_id = card_page
    type_card(page, "4000002760003184")
    page.get_by_role("button", name="Pay UAH\xa0300.00 by card").click()

    challenge = page.get_by_role("button", name="Complete authentication")  # localstripe's 3-D Secure dialog
    expect(challenge).to_be_visible()
    shoot(page, "stripe-02-3d-secure")
    challenge.click()

    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert [c["payment_method"] for c in CONFIRMS] == [CONFIRMS[0]["payment_method"]] * 2
    assert StripeProvider().fetch(provider_id=intent_id).status == PaymentState.SUCCEEDED


def test_a_declined_card_is_said_and_the_form_stays(card_page, shoot):
    from playwright.sync_api import expect

    page, intent_id = card_page
    type_card(page, "4000000000000341")
    pay = page.get_by_role("button", name="Pay UAH\xa0300.00 by card")
    pay.click()

    expect(page.get_by_role("alert")).to_have_text("Your card was declined.")
    expect(pay).to_be_enabled()
    assert "/pay/" in page.url
    shoot(page, "stripe-03-declined")
    assert len(CONFIRMS) == 1
    assert CONFIRMS[0]["intent"] == intent_id
    assert StripeProvider().fetch(provider_id=intent_id).status == PaymentState.FAILED


def test_stripe_out_of_reach_at_confirm_is_said_and_the_form_stays(card_page, stripe_settings):
    from playwright.sync_api import expect

    page, _intent = card_page
    type_card(page, "4242424242424242")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    stripe_settings.STRIPE_API_BASE = f"http://127.0.0.1:{closed}"  # the site's server loses Stripe
    pay = page.get_by_role("button", name="Pay UAH\xa0300.00 by card")
    pay.click()

    expect(page.get_by_role("alert")).to_have_text(re.compile("Card payment is not available right now"))
    expect(pay).to_be_enabled()
    assert len(CONFIRMS) == 1


def test_a_card_form_whose_stripe_js_does_not_load_says_so(live_server, stripe_settings, browser):
    from playwright.sync_api import expect

    stripe_settings.CSRF_COOKIE_SECURE = False
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    started = StripeProvider().start(
        PaymentRequest(
            payment_id=2,
            booking_reference="K7M2Q9XD",
            amount=Decimal("300.00"),
            currency="UAH",
            description="Marquee Cinema, booking K7M2Q9XD",
            idempotency_key=f"browser-{uuid.uuid4()}",
            return_url=f"{live_server.url}/done/",
            notify_url=f"{live_server.url}/payments/stripe/webhook",
        )
    )
    STARTED[started.provider_id] = replace(started, next=replace(started.next, js_url=f"http://127.0.0.1:{closed}/v3/"))
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/pay/{started.provider_id}/")
        expect(page.get_by_role("alert")).to_have_text(re.compile("The card form could not be loaded"))
        expect(page.get_by_role("button", name="Pay UAH\xa0300.00 by card")).to_be_disabled()
    finally:
        context.close()
