"""A customer on a phone types a promo code at checkout: a refused one says why on the form
(and holds nothing), the right one shows its discount on the booking; both pages pass axe and
fit the screen."""

import datetime as dt

import pytest

from marquee.booking.models import Booking
from tests import factories
from tests.browser.conftest import site_settings  # noqa: F401 (a fixture)
from tests.browser.test_every_page import PHONE, check
from tests.conftest import ARTIFACTS
from tests.promotions.conftest import make_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_promo_code_on_a_phone(live_server, site_settings, browser):  # noqa: F811
    show = factories.showtime(hall_obj=factories.hall(rows=3, seats=6, price="150.00"))
    make_code("KINO20", "percent", "20")
    make_code("OLDONE", valid_until=dt.date(2020, 1, 1))
    seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True)[:2])
    context = browser.new_context(**PHONE, bypass_csp=True)  # axe is injected as a script
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + f"/showtimes/{show.pk}/checkout/?seat={seats[0]}&seat={seats[1]}")
    page.fill("#id_first_name", "Olena")
    page.fill("#id_last_name", "Koval")
    page.fill("#id_email", "olena@example.com")
    page.fill("#id_promo_code", "oldone")
    page.get_by_role("button", name="Hold my seats and continue to payment").click()
    page.wait_for_load_state()
    page.screenshot(path=str(ARTIFACTS / "phone-promo-refused.png"), full_page=True)
    assert "This promo code has expired." in page.locator("main").inner_text()
    assert not Booking.objects.exists()
    problems: list[str] = []
    check(page, "checkout-promo-refused", phone=True, problems=problems)
    page.screenshot(path=str(ARTIFACTS / "phone-promo-refused.png"), full_page=True)

    page.fill("#id_promo_code", "kino20")
    page.get_by_role("button", name="Hold my seats and continue to payment").click()
    page.wait_for_load_state()
    booking = Booking.objects.get()
    assert page.url.endswith(f"/bookings/{booking.reference}/")
    text = page.locator("main").inner_text()
    assert "Promo code KINO20" in text and "UAH 240.00" in text.replace("\xa0", " ")
    check(page, "booking-promo", phone=True, problems=problems)
    page.screenshot(path=str(ARTIFACTS / "phone-promo-booking.png"), full_page=True)
    assert not problems, "\n".join(problems)
    context.close()
