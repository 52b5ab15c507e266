"""The waiting room in Chromium: the page moves by itself (its script polls the queue's JSON,
no reload), shows the place and the wait, goes on to the seat map when the turn comes, and
says "sold out" as soon as every seat is taken. Desktop and phone, English and Ukrainian;
screenshots in test-artifacts/browser/queue-*."""

import datetime as dt
import re

import pytest

from marquee.core.clock import local_today, now
from marquee.payments.services import payment_record_box_office
from marquee.waiting_room.services import arrival_join, queued_sale_create, sale_draw
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def _premiere():
    film = factories.movie(title="Opening Night", duration_min=110)
    hall = factories.hall(rows=2, seats=5, price="200.00")
    return factories.showtime(
        movie_obj=film, hall_obj=hall, starts_at=factories.local_dt(local_today() + dt.timedelta(days=2), 20)
    )


def _page(browser, live_server, device: str, language: str):
    context = browser.new_context(**(PHONE if device == "phone" else DESKTOP))
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


@pytest.mark.parametrize(("device", "language"), [("desktop", "en"), ("phone", "uk")])
def test_the_waiting_page_goes_on_to_the_seat_map_when_the_turn_comes(
    live_server, site_settings, browser, shoot, device, language
):
    from playwright.sync_api import expect

    show = _premiere()
    sale = queued_sale_create(
        showtime_id=show.pk, opens_at=now() + dt.timedelta(seconds=3), admit_per_minute=60, staff_user=None
    )
    for _ in range(2):  # two others came early too: the draw places the three at random
        arrival_join(sale_id=sale.pk)
    context, page = _page(browser, live_server, device, language)
    try:
        page.goto(f"{live_server.url}/showtimes/{show.pk}/")
        expect(page).to_have_url(re.compile(rf"/queue/{sale.pk}/"))  # the gate sent it to the queue
        expect(page.locator('[data-queue-state="before"]')).to_be_visible()
        expect(page.locator('[data-queue-state="waiting"]')).to_be_hidden()
        shoot(page, f"queue-{device}-{language}-1-before")
        # One a second from the opening: its turn comes within a few polls, and the page moves on.
        page.wait_for_url(re.compile(rf"/showtimes/{show.pk}/$"), timeout=30_000)
        expect(page.locator("#seat-grid")).to_be_visible()
        shoot(page, f"queue-{device}-{language}-2-let-through")
    finally:
        context.close()


@pytest.mark.parametrize(("device", "language"), [("desktop", "uk"), ("phone", "en")])
def test_the_waiting_page_shows_the_place_and_then_sold_out_without_a_reload(
    live_server, site_settings, browser, shoot, device, language
):
    from playwright.sync_api import expect

    show = _premiere()
    sale = queued_sale_create(
        showtime_id=show.pk, opens_at=now() - dt.timedelta(seconds=5), admit_per_minute=1, staff_user=None
    )
    sale_draw(sale_id=sale.pk)
    for _ in range(40):  # forty ahead, at one a minute
        arrival_join(sale_id=sale.pk)
    context, page = _page(browser, live_server, device, language)
    try:
        page.goto(f"{live_server.url}/showtimes/{show.pk}/")
        waiting = page.locator('[data-queue-state="waiting"]')
        expect(waiting).to_be_visible()
        expect(page.locator("[data-queue-position]")).to_have_text("41")
        expect(page.locator("[data-queue-minutes]")).to_have_text(re.compile(r"^\d+$"))
        shoot(page, f"queue-{device}-{language}-3-waiting")
        page.evaluate("window.stayed = true")  # gone if the page reloads
        seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
        booking = factories.hold(show, seats, email="all@example.com").booking
        payment_record_box_office(reference=booking.reference)
        sold_out = page.locator('[data-queue-state="sold_out"]')
        expect(sold_out).to_be_visible(timeout=10_000)  # the next poll or the one after
        expect(waiting).to_be_hidden()
        expect(sold_out.get_by_role("link")).to_have_attribute("href", "/schedule/")
        assert page.evaluate("window.stayed") is True
        shoot(page, f"queue-{device}-{language}-4-sold-out")
    finally:
        context.close()


def test_an_expired_pass_is_drawn_once_not_at_every_poll(live_server, site_settings, browser):
    from playwright.sync_api import expect

    site_settings.QUEUE_PASS_MINUTES = 0  # the turn comes and its pass is over at once
    show = _premiere()
    queued_sale_create(
        showtime_id=show.pk, opens_at=now() - dt.timedelta(seconds=5), admit_per_minute=600, staff_user=None
    )
    context, page = _page(browser, live_server, "desktop", "en")
    redraws: list[str] = []
    polls: list[str] = []
    page.on(
        "request", lambda r: (redraws if "/status/" in r.url else polls if "format=json" in r.url else []).append(r.url)
    )
    try:
        page.goto(f"{live_server.url}/showtimes/{show.pk}/")
        expect(page.get_by_role("button", name="Join the end of the queue again")).to_be_visible()
        page.wait_for_timeout(9_000)  # two of the script's polls, each answering "expired"
        assert len(polls) >= 2
        assert redraws == []  # the server drew it with the page: the script does not ask again
        expect(page.get_by_role("button", name="Join the end of the queue again")).to_be_visible()
    finally:
        context.close()
