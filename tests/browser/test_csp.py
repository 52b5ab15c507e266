"""The Content-Security-Policy blocks nothing the site needs (issue 10, points 6 and 7):
the home page, a seat map, the booking pages, the staff pages and the API docs load in
Chromium with no violation reported, and Swagger UI renders with every request outside the
site refused. The payment providers' pages run under the policy that their settings build:
Stripe's card form (Stripe.js from localstripe, payments/stripe-card.js) pays, and LiqPay's
form leaves for a fake LiqPay's checkout and comes back paid."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from marquee.booking.links import manage_link_token
from marquee.booking.models import Booking, BookingStatus
from marquee.core.clock import local_today
from marquee.core.clock import now as clock_now
from tests import factories
from tests.stripe_server import payment_policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def watched(browser, live_server):
    """A desktop page that records CSP violations and console errors, and refuses every
    request that leaves the site (so nothing can come from a CDN)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.add_init_script(
        "window.__csp = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    outside: list[str] = []
    allowed = [live_server.url]  # a test adds a fake provider's address

    def only_local(route):
        if route.request.url.startswith(tuple(allowed)):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.set_default_timeout(15_000)
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text) if msg.type == "error" else None)
    page.outside = outside  # type: ignore[attr-defined]
    page.allowed = allowed  # type: ignore[attr-defined]
    page.console = console  # type: ignore[attr-defined]
    yield page
    context.close()


def _assert_clean(page, where: str) -> None:
    violations = page.evaluate("window.__csp")
    assert violations == [], (where, violations)
    csp_errors = [m for m in page.console if "Content Security Policy" in m or "Content-Security-Policy" in m]
    assert csp_errors == [], (where, csp_errors)
    assert page.outside == [], (where, page.outside)


def test_pages_run_under_the_policy(live_server, site_settings, watched):
    from playwright.sync_api import expect

    film = factories.movie(title="The Long Night")
    hall = factories.hall(rows=4, seats=6)
    show = factories.showtime(
        movie_obj=film, hall_obj=hall, starts_at=factories.local_dt(local_today() + dt.timedelta(days=1), 19)
    )
    booking = factories.hold(show).booking
    tariff = factories.tariff()
    door = factories.showtime(
        movie_obj=film, hall_obj=hall, starts_at=(clock_now() + dt.timedelta(minutes=40)).replace(microsecond=0)
    )
    get_user_model().objects.create_superuser("boss", "boss@example.com", "not-a-real-password-42")
    page = watched
    base = live_server.url

    page.goto(base + "/")
    expect(page.get_by_role("link", name="The Long Night").first).to_be_visible()
    _assert_clean(page, "home")

    page.goto(f"{base}/showtimes/{show.pk}/")
    page.locator("label.seat.is-free").first.click()  # seatmap.js and htmx at work
    expect(page.locator("#seat-summary")).to_contain_text("1 seat")
    _assert_clean(page, "seat map")

    for path in (
        f"/bookings/{booking.reference}/?key={manage_link_token(booking)}",
        f"/bookings/{booking.reference}/cancel/",
        f"/payments/return/{booking.reference}/",
        "/my-bookings/",
    ):
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        _assert_clean(page, path)

    page.goto(f"{base}/admin/login/?next=/staff/")
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill("not-a-real-password-42")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("main h1").first).to_be_visible()
    staff_pages = [
        "/staff/",
        f"/staff/schedule/?hall={hall.pk}",
        f"/staff/showtimes/{show.pk}/",
        f"/staff/halls/{hall.pk}/",
        "/staff/tariffs/",
        f"/staff/tariffs/{tariff.pk}/",
        "/staff/bookings/",
        f"/staff/bookings/{booking.reference}/",
        "/staff/reports/occupancy/",
        "/staff/reports/sales/",
        "/staff/customers/",
        f"/staff/customers/{booking.customer_id}/",
        f"/staff/customers/{booking.customer_id}/erase/",
        "/staff/campaign/",
        "/staff/checkin/",
        f"/staff/checkin/{door.pk}/",
        "/staff/mail/",
        "/staff/payments/",
        "/staff/reconciliation/",
        "/admin/",
        "/admin/booking/booking/",
    ]
    for path in staff_pages:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        _assert_clean(page, path)

    # A confirm dialog from data-confirm (the static script, not an onsubmit attribute).
    page.goto(f"{base}/staff/bookings/{booking.reference}/")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Cancel booking").click()
    assert asked and booking.reference in asked[0]
    _assert_clean(page, "confirm")

    # backoffice/forms.js: a form that comes back with errors has its summary focused.
    page.goto(f"{base}/staff/tariffs/")
    tariff_form = page.locator("section[aria-labelledby=tariff-form-title] form")
    tariff_form.evaluate("f => { f.noValidate = true; f.submit(); }")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    _assert_clean(page, "form error")


def _held_booking(live_server, watched) -> Booking:
    """A held booking, its page open in the watched browser."""
    hall = factories.hall(rows=4, seats=6)
    show = factories.showtime(hall_obj=hall, starts_at=factories.local_dt(local_today() + dt.timedelta(days=1), 19))
    booking = factories.hold(show).booking
    watched.goto(f"{live_server.url}/bookings/{booking.reference}/?key={manage_link_token(booking)}")
    return booking


def test_stripes_card_form_pays_under_the_policy(live_server, site_settings, stripe_settings, watched):
    from playwright.sync_api import expect

    page = watched
    page.allowed.append(stripe_settings.STRIPE_API_BASE)  # localstripe serves Stripe.js and its API
    booking = _held_booking(live_server, page)
    page.locator("main form:has(input[name=method][value=stripe]) [type=submit]").click()
    card = page.locator("#card-element")
    expect(card.get_by_placeholder("number")).to_be_visible()  # Stripe.js loaded and mounted
    _assert_clean(page, "card form")
    card.get_by_placeholder("number").fill("4242424242424242")
    card.get_by_placeholder("exp_month").fill("12")
    card.get_by_placeholder("exp_year").fill("30")
    card.get_by_placeholder("cvc").fill("123")
    card.get_by_placeholder("postal_code").fill("01001")
    page.locator("#stripe-card-form [type=submit]").click()
    page.wait_for_url(f"{live_server.url}/bookings/{booking.reference}/")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PAID
    _assert_clean(page, "paid by card")


def test_liqpays_form_leaves_for_its_checkout_under_the_policy(live_server, site_settings, watched):
    from tests.payments.fake_liqpay import PRIVATE_KEY, PUBLIC_KEY, FakeLiqPay

    settings = site_settings
    with FakeLiqPay() as liqpay:
        settings.PAYMENT_PROVIDERS = [*settings.PAYMENT_PROVIDERS, "liqpay"]
        settings.LIQPAY_PUBLIC_KEY, settings.LIQPAY_PRIVATE_KEY = PUBLIC_KEY, PRIVATE_KEY
        settings.LIQPAY_API_URL, settings.LIQPAY_CHECKOUT_URL = liqpay.api_url, liqpay.checkout_url
        settings.SITE_URL = live_server.url  # LiqPay calls back and returns the customer here
        payment_policy(settings)
        page = watched
        page.allowed.append(liqpay.url)
        booking = _held_booking(live_server, page)
        page.locator("main form:has(input[name=method][value=liqpay]) [type=submit]").click()
        page.locator("main form[action^='http'] [type=submit]").wait_for()
        _assert_clean(page, "payment page")
        page.locator("main form[action^='http'] [type=submit]").click()  # form-action lets it leave
        page.get_by_role("button", name="Pay", exact=True).click()  # on LiqPay's page
        page.wait_for_url(f"{live_server.url}/bookings/{booking.reference}/")
        booking.refresh_from_db()
        assert booking.status == BookingStatus.PAID
        assert page.evaluate("window.__csp") == []


def test_swagger_ui_renders_offline(live_server, site_settings, watched, settings):
    from playwright.sync_api import expect

    settings.API_DOCS_PUBLIC = True
    page = watched
    page.goto(live_server.url + "/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Marquee API")
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    expect(page.get_by_text("/api/v1/showtimes/{id}/seats").first).to_be_attached()
    _assert_clean(page, "docs")


def test_the_seat_map_polls_without_eval_and_not_in_a_hidden_tab(live_server, site_settings, watched):
    """The showtime page asks for fresh seats every 10 s while it is seen. The filter that said
    "only while seen" was htmx's own, which needs eval: refused, it logged an error on every
    page and polled hidden tabs too."""
    hall = factories.hall(rows=4, seats=6)
    show = factories.showtime(hall_obj=hall, starts_at=factories.local_dt(local_today() + dt.timedelta(days=1), 19))
    page = watched
    polls: list[str] = []
    page.on("request", lambda request: polls.append(request.url) if "/seats/" in request.url else None)
    page.goto(f"{live_server.url}/showtimes/{show.pk}/")
    page.wait_for_timeout(10_800)
    assert len(polls) == 1  # seen: it asked once in 10 s
    assert [m for m in page.console if "htmx" in m] == []
    page.evaluate("Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'hidden'})")
    page.wait_for_timeout(10_800)
    assert len(polls) == 1  # hidden: it asked nothing
    _assert_clean(page, "seat map poll")
