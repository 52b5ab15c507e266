"""The card form include: data through data-* attributes, no inline script, labels for assistive tech."""

import re
from decimal import Decimal
from types import SimpleNamespace

from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from marquee.payments.providers.base import NextStep


def render(language: str = "en") -> str:
    step = NextStep(
        type="card_form",
        client_secret="pi_1_secret_2",
        publishable_key="pk_test_123",
        js_url="https://js.stripe.com/v3/",
    )
    with translation.override(language):
        return render_to_string(
            "payments/next_card_form.html",
            {
                "next": step,
                "payment": SimpleNamespace(amount=Decimal("300"), currency="UAH"),
                "booking": SimpleNamespace(reference="K7M2Q9XD"),
                "confirm_url": "/bookings/K7M2Q9XD/pay/confirm/",
                "return_url": "/payments/return/K7M2Q9XD/",
            },
            request=RequestFactory().get("/"),
        )


def test_the_card_form_passes_its_data_as_attributes_and_has_no_inline_script():
    html = render()

    assert 'data-publishable-key="pk_test_123"' in html
    assert 'data-js-url="https://js.stripe.com/v3/"' in html
    assert 'data-confirm-url="/bookings/K7M2Q9XD/pay/confirm/"' in html
    assert 'data-return-url="/payments/return/K7M2Q9XD/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts == [(' src="/static/payments/stripe-card.js" defer', "")]
    assert "pi_1_secret_2" not in html  # the secret comes back with a confirm answer when needed
    assert 'aria-labelledby="card-label"' in html
    assert 'aria-live="assertive"' in html
    assert "Pay UAH\xa0300.00 by card" in html  # money as every page writes it (money_text)


def test_the_card_form_speaks_ukrainian():
    html = render("uk")
    assert "Дані картки" in html
    assert "Сплатити 300,00\xa0грн карткою" in html
