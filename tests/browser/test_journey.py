"""A newcomer buys a gift ticket on a phone: listing → movie → showtime → two seats →
gift checkout → pay (demo) → confirmation. Debian's Chromium through Playwright."""

import datetime as dt
import re

import pytest

from marquee.core.clock import local_today
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_gift_journey_on_a_phone(live_server, site_settings, phone, shoot):
    from playwright.sync_api import expect

    drama = factories.genre("Drama")
    factories.genre("Comedy")
    film = factories.movie(
        title="The Long Night",
        genres=[drama],
        duration_min=118,
        age_rating=12,
        description="A lighthouse keeper and a storm that will not end.",
    )
    other = factories.movie(title="Paper Moons", genres=[drama], duration_min=96)
    hall = factories.hall(rows=8, seats=10, price="150.00", vip_rows=(7, 8))
    small = factories.hall(rows=4, seats=8, price="120.00")
    tomorrow = local_today() + dt.timedelta(days=1)
    show = factories.showtime(movie_obj=film, hall_obj=hall, starts_at=factories.local_dt(tomorrow, 19, 30))
    factories.showtime(movie_obj=film, hall_obj=small, starts_at=factories.local_dt(tomorrow, 22))
    factories.showtime(movie_obj=other, hall_obj=hall, starts_at=factories.local_dt(tomorrow, 15))
    taken = list(hall.seats.filter(row_number=5, seat_number__in=[4, 5, 6]).values_list("pk", flat=True))
    factories.hold(show, seat_ids=taken, email="early@example.com")

    page = phone
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Now showing")).to_be_visible()
    shoot(page, "01-listing")

    page.get_by_role("link", name="The Long Night").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("The Long Night")
    shoot(page, "02-movie")

    page.locator(f'a[href="/showtimes/{show.pk}/"]').click()
    expect(page.get_by_text("Screen", exact=True)).to_be_visible()
    shoot(page, "03-showtime")

    page.get_by_label(re.compile(r"^Row 7, seat 5, VIP, UAH\s150\.00, free$")).check()
    page.get_by_label(re.compile(r"^Row 7, seat 6, VIP, UAH\s150\.00, free$")).check()
    expect(page.locator("#seat-summary")).to_contain_text("2 seats")
    expect(page.locator("#seat-summary")).to_contain_text("UAH\xa0300.00")
    expect(page.get_by_label(re.compile(r"^Row 5, seat 5, .*held by another customer$"))).to_be_disabled()
    shoot(page, "04-two-seats")

    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your seats")).to_be_visible()
    page.get_by_label("First name").fill("Olena")
    page.get_by_label("Last name").fill("Koval")
    page.get_by_label("Email", exact=True).fill("olena@example.com")
    page.get_by_label("Phone").fill("+380501234567")
    expect(page.get_by_label("Recipient's name")).to_be_hidden()
    page.get_by_label("These tickets are a gift").check()
    expect(page.get_by_label("Recipient's name")).to_be_visible()
    page.get_by_label("Recipient's name").fill("Taras Koval")
    page.get_by_label("Recipient's email").fill("taras@example.com")
    page.get_by_label("Message to the recipient").fill("Happy birthday!")
    expect(page.get_by_label(re.compile("Send me news"))).not_to_be_checked()
    shoot(page, "05-gift-details")

    page.get_by_role("button", name="Hold my seats and continue to payment").click()
    expect(page.locator(".countdown")).to_contain_text(re.compile(r"\(\d+:\d\d\)"))
    shoot(page, "06-pay")

    page.get_by_role("button", name=re.compile(r"Pay UAH\s300\.00")).click()
    expect(page.get_by_role("heading", name="Your tickets")).to_be_visible()
    tickets = page.locator(".ticket-list")
    expect(tickets).to_contain_text(hall.name)
    expect(tickets).to_contain_text(f"#{hall.number}")
    expect(tickets).to_contain_text("Row 7, seat 5")
    expect(tickets).to_contain_text("Row 7, seat 6")
    expect(page.locator(".booking-facts")).to_contain_text("taras@example.com")
    shoot(page, "07-confirmation")


def test_desktop_listing_schedule_and_live_seat_map(live_server, site_settings, browser, shoot):
    """On a desktop: the listing, the schedule timeline, and a seat map that learns of a seat
    taken by someone else while it is open, keeping the visitor's own choice."""
    from playwright.sync_api import expect

    drama, comedy = factories.genre("Drama"), factories.genre("Comedy")
    tomorrow = local_today() + dt.timedelta(days=1)
    halls = [factories.hall(rows=6, seats=12, price="140.00", vip_rows=(6,)) for _ in range(3)]
    titles = ["Harbour Lights", "The Quiet Year", "Small Hours", "Northern Line", "Glass Garden"]
    films = [
        factories.movie(title=t, genres=[drama if i % 2 else comedy], duration_min=90 + 7 * i)
        for i, t in enumerate(titles)
    ]
    shows = []
    for h, hall in enumerate(halls):
        for slot, hour in enumerate((11, 14, 17, 20)):
            film = films[(h + slot) % len(films)]
            shows.append(
                factories.showtime(movie_obj=film, hall_obj=hall, starts_at=factories.local_dt(tomorrow, hour, 15 * h))
            )
    show = shows[0]

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(live_server.url + "/")
        expect(page.get_by_role("heading", name="Now showing")).to_be_visible()
        shoot(page, "10-desktop-listing")

        page.goto(live_server.url + f"/schedule/?date={tomorrow.isoformat()}")
        expect(page.locator(".tl-block")).to_have_count(len(shows))
        shoot(page, "11-desktop-schedule")

        page.goto(live_server.url + f"/showtimes/{show.pk}/")
        mine = page.get_by_label(re.compile(r"^Row 3, seat 6, Standard, UAH\s140\.00, (best seats zone, )?free$"))
        mine.check()
        seats = list(show.hall.seats.filter(row_number=3, seat_number__in=[7, 8]).values_list("pk", flat=True))
        factories.hold(show, seat_ids=seats, email="rival@example.com")  # someone else, elsewhere
        expect(page.get_by_label(re.compile(r"^Row 3, seat 7, .*held by another customer$"))).to_be_disabled(
            timeout=15_000
        )
        expect(page.get_by_label(re.compile(r"^Row 3, seat 6, .*free$"))).to_be_checked()
        expect(page.locator("#seat-summary")).to_contain_text("UAH\xa0140.00")
        shoot(page, "12-desktop-seat-map-refreshed")

        page.get_by_role("button", name=re.compile("^UK")).click()
        expect(page.get_by_role("heading", level=2, name="Типи місць і ціни")).to_be_attached()
        expect(page.get_by_text("Екран", exact=True)).to_be_visible()
        shoot(page, "13-desktop-seat-map-ukrainian")
    finally:
        context.close()


def test_seats_by_keyboard_up_to_the_maximum(live_server, site_settings, browser):
    from playwright.sync_api import expect

    site_settings.MAX_SEATS_PER_BOOKING = 2
    hall = factories.hall(rows=2, seats=6, price="100.00")
    show = factories.showtime(hall_obj=hall)
    context = browser.new_context(viewport={"width": 1024, "height": 800}, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(live_server.url + f"/showtimes/{show.pk}/")
        first = page.get_by_label(re.compile(r"^Row 1, seat 1, "))
        first.focus()
        page.keyboard.press("Space")
        expect(first).to_be_checked()
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(page.get_by_label(re.compile(r"^Row 1, seat 2, "))).to_be_checked()
        page.keyboard.press("Tab")
        page.keyboard.press("Space")  # a third seat: over the maximum of two
        expect(page.get_by_label(re.compile(r"^Row 1, seat 3, "))).not_to_be_checked()
        expect(page.locator("#seat-notice")).to_contain_text("at most 2 seats")
        expect(page.locator("#seat-summary")).to_contain_text("UAH\xa0200.00")
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Space")  # unticking works as usual
        expect(page.get_by_label(re.compile(r"^Row 1, seat 2, "))).not_to_be_checked()
        expect(page.locator("#seat-summary")).to_contain_text("UAH\xa0100.00")
    finally:
        context.close()


def test_back_after_paying_shows_the_booking(live_server, site_settings, browser):
    """The browser's Back button after paying, then the details form sent again: the
    customer sees their own booking, not "these seats were just taken"."""
    from playwright.sync_api import expect

    hall = factories.hall(rows=3, seats=6, price="100.00")
    show = factories.showtime(hall_obj=hall)
    seats = list(hall.seats.filter(row_number=2).order_by("seat_number").values_list("pk", flat=True)[:2])
    context = browser.new_context(viewport={"width": 1024, "height": 800}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(live_server.url + f"/showtimes/{show.pk}/checkout/?seat={seats[0]}&seat={seats[1]}")
        page.get_by_label("First name").fill("Olena")
        page.get_by_label("Last name").fill("Koval")
        page.get_by_label("Email", exact=True).fill("olena@example.com")
        page.get_by_role("button", name="Hold my seats and continue to payment").click()
        page.get_by_role("button", name=re.compile(r"^Pay ")).click()
        expect(page.get_by_role("heading", name="Your tickets")).to_be_visible()

        page.go_back()  # the booking page as it was before paying
        page.go_back()  # the details step, whose seats are now this customer's own
        # The server answers with the booking; were the old form shown instead, sending it
        # again must lead there too.
        form_button = page.get_by_role("button", name="Hold my seats and continue to payment")
        if form_button.count():
            form_button.click()
        expect(page.get_by_role("heading", name="Your tickets")).to_be_visible()
        expect(page.locator(".messages")).to_contain_text("These seats are already yours")
        expect(page.locator("body")).not_to_contain_text("just taken")
    finally:
        context.close()
