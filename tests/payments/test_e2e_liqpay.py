"""Issue 11 end to end with LiqPay: the real site on Django's live server, LiqPay played by the
fake LiqPay (tests/payments/fake_liqpay.py, a real HTTP server that signs its callbacks and
posts them to the live server's `/payments/liqpay/callback`), mail to a real SMTP server.

- a customer in Chromium checks out, posts the payment page's form to LiqPay's checkout,
  presses Pay, comes back paid, gets the tickets, cancels, and LiqPay records the refund;
- the hard cases, driven by the test client and the fake: the callback sent twice, a failure
  arriving after the success, a forged callback, and the browser back before the callback.
"""

import re

import pytest
from django.urls import reverse

from marquee.booking.models import Booking, BookingStatus
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.notifications.worker import mail_deliver_due
from marquee.payments.models import Payment, PaymentStatus, ProviderNotification, Refund, RefundStatus
from tests.payments.e2e import CUSTOMER, a_showtime, check_out_in_browser, hold_in_session, plain
from tests.payments.fake_liqpay import PRIVATE_KEY, PUBLIC_KEY, FakeLiqPay, decode
from tests.stripe_server import rebuild_csp

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def liqpay(live_server, site_settings):
    """The fake LiqPay, and the site with LiqPay as its only online provider
    (PAYMENT_PROVIDERS="liqpay") and its addresses on the live server, where the fake's
    callbacks and the customer's browser come back."""
    with FakeLiqPay() as fake:
        site_settings.LIQPAY_PUBLIC_KEY = PUBLIC_KEY
        site_settings.LIQPAY_PRIVATE_KEY = PRIVATE_KEY
        site_settings.LIQPAY_API_URL = fake.api_url
        site_settings.LIQPAY_CHECKOUT_URL = fake.checkout_url
        site_settings.PAYMENT_PROVIDERS = ["liqpay"]
        site_settings.SITE_URL = live_server.url
        rebuild_csp(site_settings)  # the payment page's form may post to the fake's checkout
        yield fake


@pytest.fixture
def show():
    return a_showtime()


def tickets_mails() -> int:
    return OutgoingMail.objects.filter(kind=MailKind.TICKETS).count()


@pytest.mark.browser
def test_a_customer_pays_on_liqpays_page_gets_the_tickets_and_the_refund_on_cancel(
    liqpay, live_server, show, smtp_server, browser, shoot
):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        check_out_in_browser(page, live_server.url, show)
        page.get_by_role("button", name=re.compile(r"^Pay UAH\s300\.00 with LiqPay")).click()
        shoot(page, "e2e-liqpay-01-payment-page")
        page.get_by_role("button", name="Continue to the payment page").click()
        expect(page.get_by_role("heading", name=re.compile(r"^Pay 300(\.0+)? UAH$"))).to_be_visible()  # LiqPay's
        page.get_by_role("button", name="Pay", exact=True).click()

        # LiqPay called the site back, then sent the browser to the return page, which shows the booking.
        expect(page.get_by_role("heading", name="Your tickets")).to_be_visible()
        booking = Booking.objects.get()
        assert page.url == f"{live_server.url}/bookings/{booking.reference}/"
        expect(page.locator(".money-lines")).to_contain_text(re.compile(r"Paid UAH\s300\.00"))
        shoot(page, "e2e-liqpay-02-paid")
        [callback] = liqpay.callbacks
        assert callback.answered == 200 and callback.url == f"{live_server.url}/payments/liqpay/callback"
        payment = Payment.objects.get()
        assert (booking.status, payment.provider, payment.status) == (BookingStatus.PAID, "liqpay", "succeeded")
        assert mail_deliver_due() == 1
        [tickets] = smtp_server.messages
        assert tickets["To"] == CUSTOMER and booking.reference in tickets["Subject"] + plain(tickets)

        page.get_by_role("link", name="Cancel this booking").click()
        page.get_by_role("button", name="Yes, cancel the booking").click()
        expect(page.locator(".money-lines")).to_contain_text(re.compile(r"Refund of UAH\s300\.00 to your card: done"))
        shoot(page, "e2e-liqpay-03-refunded")
    finally:
        context.close()

    order = liqpay.orders[payment.provider_id]
    assert (order.status, order.refunded) == ("reversed", payment.amount)  # LiqPay gave it all back
    # The refunded total read first (LiqPay has no id per refund), then one refund.
    assert [r["action"] for r in liqpay.requests] == ["status", "refund"]
    refund = Refund.objects.get()
    assert (refund.status, refund.amount) == (RefundStatus.SUCCEEDED, payment.amount)
    assert liqpay.callbacks[-1].data["action"] == "refund" and liqpay.callbacks[-1].answered == 200
    assert mail_deliver_due() == 1
    assert "A refund of UAH 300.00 to the card or account you paid with" in plain(smtp_server.messages[1])
    assert tickets_mails() == 1


# --- the hard cases, through the real views ------------------------------------------------


def checkout_form(client, booking: Booking) -> dict[str, str]:
    """The payment page's form for LiqPay's checkout, as the customer's browser would post it."""
    page = client.post(reverse("public:booking_pay", args=[booking.reference]), {"method": "liqpay"}).content.decode()
    return {name: re.search(rf'name="{name}" value="([^"]+)"', page).group(1) for name in ("data", "signature")}


def test_a_callback_sent_twice_pays_once_and_sends_one_email(liqpay, show, client):
    booking = hold_in_session(client, show)
    liqpay.duplicate_callbacks = True

    liqpay.pay(checkout_form(client, booking))

    assert [c.answered for c in liqpay.callbacks] == [200, 200]
    assert list(ProviderNotification.objects.values_list("outcome", flat=True)) == ["payment succeeded"]
    assert Booking.objects.get().status == BookingStatus.PAID
    assert Payment.objects.filter(status=PaymentStatus.SUCCEEDED).count() == 1
    assert tickets_mails() == 1


def test_a_failure_arriving_after_the_success_leaves_the_booking_paid(liqpay, show, client):
    booking = hold_in_session(client, show)
    fields = checkout_form(client, booking)
    liqpay.hold_callbacks = True
    liqpay.pay(fields, decline=True)  # a first try declined…
    liqpay.pay(fields)  # …then paid
    assert [c.data["status"] for c in liqpay.held] == ["failure", "success"]

    liqpay.release_callbacks(reverse=True)  # the success reaches the site first

    assert [(c.data["status"], c.answered) for c in liqpay.callbacks] == [("success", 200), ("failure", 200)]
    assert Booking.objects.get().status == BookingStatus.PAID
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED
    assert tickets_mails() == 1


def test_a_forged_callback_is_refused_and_changes_nothing(liqpay, show, client):
    booking = hold_in_session(client, show)
    order_id = decode(checkout_form(client, booking)["data"])["order_id"]
    paid = {
        "version": 3,
        "public_key": PUBLIC_KEY,
        "action": "pay",
        "status": "success",
        "order_id": order_id,
        "payment_id": 1,
        "amount": 300.0,
        "currency": "UAH",
        "end_date": 1,
    }
    forger = FakeLiqPay(private_key="not-the-cinemas-key")
    callback = reverse("payments:liqpay_callback")

    forged = client.post(callback, forger.signed(paid))
    swapped = client.post(callback, {"data": forger.signed(paid)["data"], "signature": liqpay.signed({})["signature"]})

    assert (forged.status_code, swapped.status_code) == (400, 400)
    assert Booking.objects.get().status == BookingStatus.PENDING
    assert Payment.objects.get().status == PaymentStatus.PENDING
    assert not ProviderNotification.objects.exists() and tickets_mails() == 0


def test_the_browser_back_before_the_callback_asks_liqpay_and_pays_once(liqpay, show, client):
    booking = hold_in_session(client, show)
    liqpay.hold_callbacks = True
    liqpay.pay(checkout_form(client, booking))

    back = client.get(reverse("payments:return", args=[booking.reference]))  # no callback yet

    assert back.status_code == 302 and back["Location"] == f"/bookings/{booking.reference}/"
    assert [r["action"] for r in liqpay.requests] == ["status"]
    assert Booking.objects.get().status == BookingStatus.PAID and tickets_mails() == 1

    liqpay.release_callbacks()  # the callback, late

    assert [c.answered for c in liqpay.callbacks] == [200]
    assert Booking.objects.get().status == BookingStatus.PAID
    assert Payment.objects.filter(status=PaymentStatus.SUCCEEDED).count() == 1
    assert tickets_mails() == 1
