"""The counter sale in Debian's Chromium on a box office's tablet, held both ways: choose the
showtime, then two seats sold for cash in three actions (a tap on a seat, a seat ticked from
the keyboard, "Cash"), then the 80 mm tickets opened and read back."""

import datetime as dt
import io
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.db import connections
from pypdf import PdfReader
from reportlab.lib.units import mm

from marquee.booking.models import Booking, BookingStatus, Channel
from marquee.core.clock import local_today
from marquee.payments.models import Payment
from marquee.staff.roles import BOX_OFFICE, sync_roles
from tests import factories as f
from tests.browser.conftest import site_settings  # noqa: F401
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLETS = {
    "landscape": {"width": 1024, "height": 768},
    "portrait": {"width": 768, "height": 1024},
}


@pytest.mark.usefixtures("site_settings")
@pytest.mark.parametrize("held", list(TABLETS))
def test_two_seats_for_cash_on_a_tablet_then_the_80mm_tickets(live_server, browser, held):
    sync_roles(apps)  # a transactional test flushes the groups the migration made
    cashier = User.objects.create_user(username="anna", password="till-pass-123", is_staff=True, first_name="Anna")
    cashier.groups.add(Group.objects.get(name=BOX_OFFICE))
    hall = f.hall(rows=8, seats=12, price="120.00")
    show = f.showtime(
        movie_obj=f.movie(title="Кайдашева сім'я"),
        hall_obj=hall,
        starts_at=f.local_dt(local_today() + dt.timedelta(days=1), 18),
    )
    row4 = list(hall.seats.filter(row_number=4).order_by("seat_number"))
    viewport = TABLETS[held]
    context = browser.new_context(viewport=viewport, has_touch=True, is_mobile=True, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/admin/login/?next=/staff/sell/")
        page.fill("#id_username", "anna")
        page.fill("#id_password", "till-pass-123")
        page.click("input[type=submit]")
        page.wait_for_url(re.compile(r"/staff/sell/$"))
        page.get_by_role("link", name=re.compile("Кайдашева сім'я")).tap()  # choosing the showtime
        page.wait_for_url(re.compile(rf"/staff/sell/{show.pk}/$"))

        # 1: a finger on row 4, seat 6.
        page.locator(f"label:has(#seat-{row4[5].pk})").tap()
        # 2: row 4, seat 7 from the keyboard (Space ticks the focused seat).
        page.focus(f"#seat-{row4[6].pk}")
        page.keyboard.press("Space")
        assert page.locator(f"#seat-{row4[5].pk}").is_checked()
        assert page.locator(f"#seat-{row4[6].pk}").is_checked()
        page.locator("#seat-summary").get_by_text("2 seats").wait_for()
        # The page fits the tablet: nothing wider than the screen.
        assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]
        cash = page.get_by_role("button", name="Cash", exact=True)
        assert cash.is_visible() and cash.bounding_box()["y"] + cash.bounding_box()["height"] <= viewport["height"]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"sell-tablet-{held}.png"))
        # 3: "Cash".
        cash.tap()
        page.wait_for_url(re.compile(r"/staff/sell/sold/\w+/$"))
        assert "Print tickets (80 mm)" in page.inner_text("main")

        booking = Booking.objects.get()
        assert booking.status == BookingStatus.PAID and booking.channel == Channel.BOX_OFFICE
        assert sorted(booking.seats.values_list("seat_id", flat=True)) == [row4[5].pk, row4[6].pk]
        assert Payment.objects.get(booking=booking).taken_by == cashier

        link = page.get_by_role("link", name="Print tickets (80 mm)")
        pdf = page.request.get(live_server.url + link.get_attribute("href"))
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(pdf.body()))
        assert len(reader.pages) == 2
        assert round(float(reader.pages[0].mediabox.width) / mm) == 80
        text = reader.pages[0].extract_text()
        assert "Кайдашева сім'я" in text and booking.reference in text
    finally:
        page.wait_for_load_state("networkidle")
        context.close()
        connections.close_all()
