"""A family on a phone picks a Child ticket for one of two seats at checkout: the line and the
total follow the pick at once, the page passes axe and fits the phone, and the hold charges the
child's price (the server's word)."""

import re
from decimal import Decimal

import pytest

from marquee.booking.models import BookingSeat
from tests import factories
from tests.browser.test_every_page import PHONE, check
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_child_seat_chosen_on_a_phone(live_server, site_settings, browser):
    from playwright.sync_api import expect

    factories.ticket_type("child", "Child", multiplier=Decimal("0.6"), min_price=Decimal("60.00"), max_age_rating=12)
    factories.ticket_type(
        "student", "Student", rule="amount_off", amount_off=Decimal("30.00"), door_note_en="Show student ID"
    )
    show = factories.showtime(movie_obj=factories.movie(age_rating=6), hall_obj=factories.hall(rows=2, seats=4))
    a, b = show.hall.seats.order_by("row_number", "seat_number").values_list("pk", flat=True)[:2]
    # CSP bypassed for axe's injected script only; tests/browser/test_csp.py holds the site to its policy.
    context = browser.new_context(**PHONE, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + f"/showtimes/{show.pk}/checkout/?seat={a}&seat={b}")
    total = page.locator("[data-total]")
    expect(total).to_have_text(re.compile(r"200\.00"))
    page.get_by_label("Ticket type for row 1, seat 2").select_option("child")
    expect(total).to_have_text(re.compile(r"160\.00"))  # 100 + 60 (the child's floor)
    expect(page.locator(".ticket-line").nth(1).locator("[data-line-price]")).to_have_text(re.compile(r"60\.00"))
    problems: list[str] = []
    check(page, "checkout-child", phone=True, problems=problems)
    assert not problems, "\n".join(problems)
    page.screenshot(path=str(ARTIFACTS / "phone-checkout-child.png"), full_page=True)

    page.get_by_label("First name").fill("Olena")
    page.get_by_label("Last name").fill("Koval")
    page.get_by_label("Email", exact=True).fill("olena@example.com")
    page.get_by_role("button", name="Hold my seats and continue to payment").click()
    page.wait_for_url(re.compile(r"/bookings/"))
    sold = dict(BookingSeat.objects.values_list("ticket_type_code", "final_price"))
    assert sold == {"adult": Decimal("100.00"), "child": Decimal("60.00")}
    expect(page.locator("main")).to_contain_text("Child")
    context.close()
