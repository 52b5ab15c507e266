"""Issue 16's done test: in Chromium, on a hall with aisles, a customer picks "Best seats for 3",
fills the checkout, and gets three seats together (same row, adjacent columns, no aisle between)
in the best-seats zone. Desktop and phone, English and Ukrainian; screenshots in
test-artifacts/browser/best-seats-*."""

import datetime as dt
import re

import pytest

from marquee.booking.models import Booking, BookingSeat
from marquee.core.clock import local_today
from marquee.venues.models import Seat
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def _hall_with_aisles():
    """Eight rows of fourteen seats in three blocks: seats 1–3, an aisle, 4–11, an aisle, 12–14."""
    hall = factories.hall(rows=8, seats=14, price="150.00")
    for seat in Seat.objects.filter(hall=hall).order_by("-seat_number"):  # never two seats in one place
        shift = 0 if seat.seat_number <= 3 else 1 if seat.seat_number <= 11 else 2
        Seat.objects.filter(pk=seat.pk).update(column=seat.seat_number + shift)
    return hall


@pytest.mark.parametrize("language", ["en", "uk"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_best_seats_for_three_together_in_the_zone(live_server, site_settings, browser, shoot, device, language):
    from playwright.sync_api import expect

    site_settings.SINGLE_SEAT_GAPS = "refuse"  # the default; tests/settings.py allows gaps for the rest

    film = factories.movie(title="The Long Night", duration_min=118)
    hall = _hall_with_aisles()
    show = factories.showtime(
        movie_obj=film, hall_obj=hall, starts_at=factories.local_dt(local_today() + dt.timedelta(days=1), 19)
    )
    # Someone already sits in the middle of the zone's best row.
    middle = list(hall.seats.filter(row_number=4, seat_number__in=[6, 7]).values_list("pk", flat=True))
    factories.hold(show, seat_ids=middle, email="early@example.com")

    context = browser.new_context(**(PHONE if device == "phone" else DESKTOP))
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    name = f"best-seats-{device}-{language}"
    try:
        page.goto(f"{live_server.url}/showtimes/{show.pk}/")
        page.locator('select[name="count"]').select_option("3")
        page.locator('button[name="action"][value="best"]').click()
        note = page.locator("#best-note")
        expect(note).to_contain_text("3")  # htmx put the note (and the ticked seats) in place
        expect(page.locator('#seat-grid input[name="seat"]:checked')).to_have_count(3)
        expect(page.locator("#seat-summary")).to_contain_text("3")
        shoot(page, f"{name}-1-suggested")

        page.locator('#seat-summary-bar button[type="submit"]').click()
        page.locator("#id_first_name").fill("Olena")
        page.locator("#id_last_name").fill("Koval")
        page.locator("#id_email").fill("olena@example.com")
        expect(page.locator(".ticket-line")).to_have_count(3)
        shoot(page, f"{name}-2-checkout")

        page.locator('#checkout-form button[type="submit"]').last.click()
        expect(page.locator(".countdown")).to_contain_text(re.compile(r"\(\d+:\d\d\)"))
        shoot(page, f"{name}-3-held")
    finally:
        context.close()

    booking = Booking.objects.get(customer__email="olena@example.com")
    seats = list(
        Seat.objects.filter(pk__in=BookingSeat.objects.filter(booking=booking).values("seat_id")).order_by("column")
    )
    assert len(seats) == 3
    assert len({s.row_number for s in seats}) == 1, "together in one row"
    columns = [s.column for s in seats]
    assert columns == list(range(columns[0], columns[0] + 3)), "adjacent columns, no aisle between"
    assert all(s.best_zone for s in seats), "in the best-seats zone"
    assert not {s.pk for s in seats} & set(middle)
