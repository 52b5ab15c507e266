"""A phone (390 × 844, touch): the whole 300-seat hall in view, row numbers clear of the
seats, the seat limit's notice in sight, poster titles and chart labels whole; focus goes
to the error summary after a form error."""

import re

import pytest

from marquee.public.posters import poster_svg
from tests import factories
from tests.browser.conftest import STAFF_PASSWORD
from tests.browser.test_every_page import check
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEAT_MAP = """() => {
  const rect = el => el.getBoundingClientRect();
  const seats = [...document.querySelectorAll("#seat-grid .seat")].map(rect);
  const labels = [...document.querySelectorAll("#seat-grid .row-label")].map(rect);
  const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  return {
    seats: seats.length,
    outside: seats.filter(r => r.left < 0 || r.right > window.innerWidth).length,
    labelsOnSeats: labels.filter(l => seats.some(s => meets(l, s))).length,
    labels: labels.length,
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
    viewport: document.querySelector('meta[name="viewport"]').content,
  };
}"""


def test_the_whole_300_seat_hall_fits_a_phone_and_the_limit_shows(live_server, site_settings, phone):
    from playwright.sync_api import expect

    site_settings.MAX_SEATS_PER_BOOKING = 2
    hall = factories.hall(rows=15, seats=20, price="150.00", vip_rows=(14, 15))
    assert hall.seats.count() == 300
    show = factories.showtime(hall_obj=hall)
    page = phone
    page.goto(live_server.url + f"/showtimes/{show.pk}/")
    found = page.evaluate(SEAT_MAP)
    assert found["seats"] == 300 and found["labels"] == 30
    assert found["outside"] == 0, found  # every seat within the phone's width
    assert found["innerWidth"] == 390 and found["scrollWidth"] <= 390, found
    assert found["labelsOnSeats"] == 0, found
    assert "user-scalable=no" not in found["viewport"] and "maximum-scale" not in found["viewport"]  # pinch-zoom
    page.screenshot(path=str(ARTIFACTS / "phone-300-seats.png"))

    # Seats that small get a "Larger seats" switch: finger-sized seats, the hall scrolls in its box.
    zoom = page.get_by_role("button", name="Larger seats")
    zoom.click()
    expect(zoom).to_have_attribute("aria-pressed", "true")
    seat = page.locator("#seat-grid .seat").first.bounding_box()
    assert seat is not None and seat["width"] >= 24
    larger = page.evaluate(SEAT_MAP)
    assert larger["labelsOnSeats"] == 0 and larger["scrollWidth"] <= 390, larger
    page.screenshot(path=str(ARTIFACTS / "phone-300-seats-larger.png"))
    zoom.click()
    expect(zoom).to_have_attribute("aria-pressed", "false")

    for n in (1, 2, 3):  # a third seat is one over the limit of two
        page.get_by_label(re.compile(rf"^Row 8, seat {n}, ")).dispatch_event("click")
    notice = page.locator("#seat-notice")
    expect(notice).to_contain_text("at most 2 seats")
    box = notice.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844  # on screen
    # …and nothing (the sticky bar, say) lies over it.
    on_top = page.evaluate(
        "([x, y]) => document.getElementById('seat-notice').contains(document.elementFromPoint(x, y))",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top
    page.screenshot(path=str(ARTIFACTS / "phone-300-seats-limit.png"))


BOXES = (
    "() => [...document.querySelectorAll('text')].map(t => { const b = t.getBBox(); return {x: b.x, width: b.width}; })"
)


def test_poster_titles_and_chart_labels_are_never_cut(browser):
    from marquee.backoffice.charts import bar_chart

    context = browser.new_context(viewport={"width": 800, "height": 900})
    page = context.new_page()
    try:
        for title in ("The Extraordinarily Long Night of the Lighthouse Keeper", "Тіні забутих предків", "Up"):
            page.set_content(poster_svg(title, 2026))
            boxes = page.evaluate(BOXES)
            assert boxes and all(b["x"] >= 0 and b["x"] + b["width"] <= 400 for b in boxes), (title, boxes)
        css = (ARTIFACTS.parents[1] / "marquee/backoffice/static/backoffice/backoffice.css").read_text()
        chart = bar_chart([("The Extraordinarily Long Night of the Lighthouse Keeper", 12), ("Up", 3)], title="t")
        page.set_content(f"<style>{css}</style><div style='width:560px'>{chart}</div>")
        labels = page.evaluate("() => [...document.querySelectorAll('.c-label')].map(t => t.getBBox().x)")
        assert len(labels) == 2 and min(labels) >= 0, labels
    finally:
        context.close()


def test_focus_moves_to_the_error_summary_after_a_form_error(live_server, site_settings, browser, staff_admin):
    from playwright.sync_api import expect

    hall = factories.hall(rows=3, seats=4)
    show = factories.showtime(hall_obj=hall)
    seat = hall.seats.order_by("pk").first()
    context = browser.new_context(viewport={"width": 1024, "height": 800}, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + f"/showtimes/{show.pk}/checkout/?seat={seat.pk}")
        page.get_by_role("button", name="Hold my seats and continue to payment").click()
        expect(page.locator("#error-summary")).to_be_focused()
        problems: list[str] = []
        check(page, "checkout-errors", phone=False, problems=problems)

        page.goto(live_server.url + "/admin/login/?next=/staff/halls/")
        page.fill("#id_username", "admin")
        page.fill("#id_password", STAFF_PASSWORD)
        page.locator("form#login-form [type=submit]").click()
        page.wait_for_url(re.compile(r"/staff/halls/$"))
        # A hall whose number is taken: the server refuses it (the browser's own checks pass).
        taken = {"number": hall.number, "name": "Again", "rows": 2, "seats": 2, "base_price": 100}
        for field, value in taken.items():
            page.fill(f"#id_{field}", str(value))
        page.locator("form:has(#id_number) [type=submit]").click()
        summary = page.locator("[data-error-summary]")
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("Please correct")
        check(page, "staff-hall-errors", phone=False, problems=problems)
        assert not problems, "\n".join(problems)
    finally:
        context.close()


def test_no_larger_seats_switch_where_seats_are_large_enough(live_server, site_settings, browser):
    from playwright.sync_api import expect

    show = factories.showtime(hall_obj=factories.hall(rows=15, seats=20))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_server.url + f"/showtimes/{show.pk}/")
        expect(page.locator("#seat-grid .seat").first).to_be_visible()
        expect(page.get_by_role("button", name="Larger seats")).to_be_hidden()
    finally:
        context.close()
