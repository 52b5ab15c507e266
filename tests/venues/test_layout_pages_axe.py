"""The pages that draw a hall with aisles, a wheelchair space, a companion seat and the
best-seats zone pass axe-core and fit a phone, in English and Ukrainian: the layout builder
(with a seat chosen), the staff showtime page (its map and the house-seats picker) and the
customer's seat map. (tests/browser/test_every_page.py visits these pages for a hall without
them.)"""

import datetime as dt
import re
from decimal import Decimal

import pytest

from marquee.core.clock import local_today
from marquee.venues.services import RowSpec, hall_create, seat_update
from tests import factories as f
from tests.browser.conftest import STAFF_PASSWORD, site_settings, staff_admin  # noqa: F401
from tests.browser.test_every_page import DESKTOP, PHONE, SHOTS, check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _hall():
    rows = [
        RowSpec(row=r, seats=14, base_price=Decimal("150.00"), aisles_after=(3, 11), offset=0 if r > 1 else 1)
        for r in range(1, 9)
    ]
    rows[0] = RowSpec(row=1, seats=12, base_price=Decimal("150.00"), aisles_after=(2, 10), offset=1)
    hall = hall_create(number=8, name="Aisles", rows=rows)
    first = {s.seat_number: s for s in hall.seats.filter(row_number=1)}
    seat_update(seat_id=first[1].pk, seat_type="wheelchair")
    seat_update(seat_id=first[2].pk, seat_type="companion")
    return hall, first[1]


@pytest.mark.parametrize("language", ["en", "uk"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.usefixtures("site_settings")
def test_pages_with_aisles_and_wheelchair_spaces_pass_axe(
    live_server,
    browser,
    staff_admin,  # noqa: F811  (the fixture, imported above)
    device,
    language,
):
    hall, space = _hall()
    show = f.showtime(hall_obj=hall, starts_at=f.local_dt(local_today() + dt.timedelta(days=1), 19))
    phone = device == "phone"
    context = browser.new_context(**(PHONE if phone else DESKTOP), bypass_csp=True)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    try:

        def visit(name: str, path: str) -> None:
            page.goto(live_server.url + path)
            check(page, name, phone=phone, problems=problems)
            page.screenshot(path=str(SHOTS / f"{device}-{language}-{name}.png"), full_page=True)

        visit("seat-map-aisles", f"/showtimes/{show.pk}/")
        page.goto(f"{live_server.url}/admin/login/?next=/staff/")
        page.fill("#id_username", "admin")
        page.fill("#id_password", STAFF_PASSWORD)
        page.locator("form#login-form [type=submit]").click()
        page.wait_for_url(re.compile(r"/staff/$"))
        visit("staff-hall-aisles", f"/staff/halls/{hall.pk}/")
        visit("staff-hall-aisles-seat", f"/staff/halls/{hall.pk}/?seat={space.pk}")
        visit("staff-showtime-aisles", f"/staff/showtimes/{show.pk}/")
    finally:
        context.close()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
