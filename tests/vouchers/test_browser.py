"""A gift voucher from the buyer's browser to the friend's checkout, in Chromium on a phone:
the voucher page (a custom amount, sent straight to a friend with a message), the email read
back from the real SMTP server, and the code typed at checkout paying part of two seats, the
card (demo) the rest."""

import datetime as dt
import re

import pytest

from marquee.booking.models import Booking, BookingStatus
from marquee.core.clock import local_today
from marquee.notifications.worker import mail_deliver_due
from marquee.vouchers.models import Voucher
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_voucher_bought_on_a_phone_pays_part_of_a_friends_tickets(
    live_server, site_settings, phone, shoot, smtp_server
):
    from playwright.sync_api import expect

    site_settings.PAYMENT_PROVIDERS = ["demo"]
    site_settings.VOUCHER_MIN_AMOUNT = 50
    hall = factories.hall(rows=3, seats=6, price="150.00")
    show = factories.showtime(hall_obj=hall, starts_at=factories.local_dt(local_today() + dt.timedelta(days=1), 15))

    page = phone
    page.goto(live_server.url + "/vouchers/")
    page.get_by_label("Another amount", exact=True).first.check()
    page.locator("#id_custom_amount").fill("250")
    page.get_by_label("Your name").fill("Taras")
    page.get_by_label("Your email").fill("taras@example.com")
    page.get_by_label("straight to them").check()
    page.get_by_label("Their name").fill("Oksana")
    page.get_by_label("Their email").fill("oksana@example.com")
    page.get_by_label("Your message").fill("Go and see something good.")
    shoot(page, "voucher-01-form")
    page.get_by_role("button", name="Buy the gift voucher").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("250.00")
    shoot(page, "voucher-02-bought")

    assert mail_deliver_due() == 2
    gift = next(m for m in smtp_server.messages if m["To"] == "oksana@example.com")
    code = re.search(r"[A-Z2-9]{4}(?:-[A-Z2-9]{4}){4}", gift.get_body(("plain",)).get_content()).group(0)

    seats = list(hall.seats.order_by("pk").values_list("pk", flat=True)[:2])
    page.goto(f"{live_server.url}/showtimes/{show.pk}/checkout/?seat={seats[0]}&seat={seats[1]}")
    page.get_by_label("First name").fill("Oksana")
    page.get_by_label("Last name").fill("Bondar")
    page.get_by_label("Email").first.fill("oksana@example.com")
    page.get_by_label("Gift voucher code").fill(code.lower())
    shoot(page, "voucher-03-checkout")
    page.get_by_role("button", name="Hold my seats and continue to payment").click()
    expect(page.get_by_text("Paid with a gift voucher")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"Pay UAH\s50\.00"))).to_be_visible()
    shoot(page, "voucher-04-to-pay")
    page.get_by_role("button", name=re.compile(r"Pay UAH\s50\.00")).click()
    expect(page.get_by_text("Payment received")).to_be_visible()
    booking = Booking.objects.get(customer__email="oksana@example.com")
    assert booking.status == BookingStatus.PAID
    assert Voucher.objects.get().balance == 0
