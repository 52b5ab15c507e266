"""In Debian's Chromium: an admin builds a hall with an aisle in the layout builder, clicks a
seat in the preview to make it a wheelchair space, and the customer's seat map (desktop and
phone) draws the aisle as an empty place and the wheelchair space with its sign."""

import datetime as dt
import re

import pytest

from marquee.core.clock import local_today
from marquee.venues.models import Hall
from tests import factories as f
from tests.browser.conftest import STAFF_PASSWORD, phone, site_settings, staff_admin  # noqa: F401
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS, SEATS, AISLE_AFTER = 6, 8, 4


def seat_boxes(page, hall: Hall, row: int) -> dict[int, dict]:
    """Seat number → its face's box on the customer's map."""
    boxes = {}
    for seat in hall.seats.filter(row_number=row).order_by("seat_number"):
        boxes[seat.seat_number] = page.locator(f"label:has(#seat-{seat.pk}) .seat-face").bounding_box()
    return boxes


def assert_aisle_drawn(page, hall: Hall, row: int) -> None:
    boxes = seat_boxes(page, hall, row)
    step = boxes[3]["x"] - boxes[2]["x"]  # side by side
    gap = boxes[AISLE_AFTER + 1]["x"] - boxes[AISLE_AFTER]["x"]
    assert step > 0
    assert gap == pytest.approx(2 * step, rel=0.1), (step, gap)  # one empty place between


@pytest.mark.usefixtures("site_settings")
def test_an_aisle_built_in_the_builder_and_a_wheelchair_space_show_on_the_customers_map(
    live_server,
    browser,
    staff_admin,  # noqa: F811  (the fixture, imported above)
    phone,  # noqa: F811
):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/admin/login/?next=/staff/halls/")
        page.fill("#id_username", staff_admin.username)
        page.fill("#id_password", STAFF_PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(re.compile(r"/staff/halls/$"))

        # A plain hall first: 6 rows of 8 seats, no aisles.
        page.fill("#id_number", "5")
        page.fill("#id_name", "Aisle Hall")
        page.fill("#id_rows", str(ROWS))
        page.fill("#id_seats", str(SEATS))
        page.get_by_role("button", name="Create hall").click()
        page.wait_for_url(re.compile(r"/staff/halls/\d+/$"))
        hall = Hall.objects.get(number=5)

        # The builder: an aisle after seat 4 in every row; the preview shows it before saving.
        for i in range(ROWS):
            page.fill(f"#id_rows-{i}-aisles_after", str(AISLE_AFTER))
        page.locator("#preview").get_by_text("not saved yet").wait_for()
        preview_seat_5 = page.locator("#preview .seat-row").first.locator(".seat").nth(AISLE_AFTER)
        assert preview_seat_5.get_attribute("style") == f"grid-column: {AISLE_AFTER + 2 + 1}"
        page.get_by_role("button", name="Save layout").click()
        page.get_by_text(f"Saved the layout of Aisle Hall: {ROWS * SEATS} seats.").wait_for()
        assert sorted(hall.seats.filter(row_number=1).values_list("column", flat=True)) == [1, 2, 3, 4, 6, 7, 8, 9]

        # A seat clicked in the preview opens its form (htmx); it becomes a wheelchair space.
        page.locator("#preview").get_by_role("link", name=re.compile(r"^Row 1, seat 1 ")).click()
        page.locator("#seat-edit").get_by_role("heading", name="Row 1, seat 1").wait_for()
        assert page.locator("#seat-edit #id_row").input_value() == "1"
        page.locator("#seat-edit #id_type").select_option("wheelchair")
        page.locator("#seat-edit").get_by_role("button", name="Change seat").click()
        page.get_by_text("Row 1, seat 1 is now Wheelchair space").wait_for()
        space = hall.seats.get(row_number=1, seat_number=1)
        assert space.seat_type == "wheelchair"
        assert page.locator("#preview").get_by_role("link", name=re.compile(r"^Row 1, seat 1 ")).inner_text() == "♿"
        page.screenshot(path=str(ARTIFACTS / "layout-builder.png"), full_page=True)

        # The customer's map draws the aisle as an empty place, and the wheelchair space.
        show = f.showtime(hall_obj=hall, starts_at=f.local_dt(local_today() + dt.timedelta(days=1), 19))
        for view, name in ((page, "desktop"), (phone, "phone")):
            view.goto(f"{live_server.url}/showtimes/{show.pk}/")
            for row in (1, ROWS):
                assert_aisle_drawn(view, hall, row)
            face = view.locator(f"label:has(#seat-{space.pk}) .seat-face")
            assert face.inner_text() == "♿"
            assert "Wheelchair space" in view.locator(f"#seat-{space.pk}").get_attribute("aria-label")
            assert view.locator(".legend-types").get_by_text("Wheelchair space").is_visible()
            width = view.evaluate("document.documentElement.scrollWidth")
            assert width <= view.viewport_size["width"], (name, width)
            view.screenshot(path=str(ARTIFACTS / f"layout-customer-map-{name}.png"), full_page=True)
    finally:
        context.close()
