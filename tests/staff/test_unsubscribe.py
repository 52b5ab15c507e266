"""One-click unsubscribe (RFC 8058): a signed link, no login, POST records the withdrawal."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from marquee.booking.models import Customer
from marquee.marketing.links import unsubscribe_headers, unsubscribe_token, unsubscribe_url
from tests import factories as f

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2030, 5, 6, 7, 8, tzinfo=dt.UTC)


@pytest.fixture
def customer(db):
    with time_machine.travel(WHEN - dt.timedelta(days=30), tick=False):
        show = f.showtime()
        f.hold(show, email="olena@example.com", marketing_consent=True)
    return Customer.objects.get(email="olena@example.com")


def test_one_click_post_without_login_or_csrf_withdraws_consent(customer):
    browser = Client(enforce_csrf_checks=True)
    url = f"/unsubscribe/{unsubscribe_token(customer.pk)}/"
    with time_machine.travel(WHEN, tick=False):
        response = browser.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.marketing_consent is False
    assert customer.marketing_withdrawn_at == WHEN
    assert browser.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200  # twice is harmless


def test_get_only_asks(customer):
    response = Client().get(f"/unsubscribe/{unsubscribe_token(customer.pk)}/")
    assert response.status_code == 200
    assert b'name="List-Unsubscribe" value="One-Click"' in response.content
    customer.refresh_from_db()
    assert customer.marketing_consent is True


@pytest.mark.parametrize("token", ["1:forged", "nonsense", "%00", "1"])
def test_a_forged_link_is_404(customer, token):
    assert Client().post(f"/unsubscribe/{token}/").status_code == 404
    assert Client().get(f"/unsubscribe/{token}/").status_code == 404
    customer.refresh_from_db()
    assert customer.marketing_consent is True


def test_link_for_another_customer_cannot_be_made_from_one(customer):
    token = unsubscribe_token(customer.pk)
    other = token.replace(f"{customer.pk}:", f"{customer.pk + 1}:", 1)
    assert Client().post(f"/unsubscribe/{other}/").status_code == 404


def test_headers_for_the_mail(customer):
    url = unsubscribe_url(customer.pk)
    assert unsubscribe_headers(url) == {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def test_both_pages_are_the_site_s_own_styled_pages_in_the_visitor_s_language(customer, settings):
    settings.LANGUAGE_CODE = "en"
    url = f"/unsubscribe/{unsubscribe_token(customer.pk)}/"
    for response in (Client().get(url), Client().post(url, {"List-Unsubscribe": "One-Click"})):
        html = response.content.decode()
        assert "/static/public/site.css" in html  # the site's stylesheet, header and footer
        assert '<main id="main"' in html and "<h1" in html
        assert 'name="robots" content="noindex"' in html
    uk = Client(headers={"accept-language": "uk"}).get(url).content.decode()
    assert '<html lang="uk">' in uk and "Мої бронювання" in uk
