"""The Content-Security-Policy blocks nothing the site needs (issue 10, points 6 and 7):
the home page, a seat map, the staff pages and the API docs load in Chromium with no
violation reported, and Swagger UI renders with every request outside the site refused."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from marquee.core.clock import local_today
from tests import factories

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

    def only_local(route):
        if route.request.url.startswith(live_server.url):
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
        "/staff/campaign/",
        "/staff/checkin/",
        "/staff/mail/",
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


def test_swagger_ui_renders_offline(live_server, site_settings, watched, settings):
    from playwright.sync_api import expect

    settings.API_DOCS_PUBLIC = True
    page = watched
    page.goto(live_server.url + "/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Marquee API")
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    expect(page.get_by_text("/api/v1/showtimes/{id}/seats").first).to_be_attached()
    _assert_clean(page, "docs")
