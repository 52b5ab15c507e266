"""A gift voucher paid by card through Stripe (localstripe, a real process): the API answers
the card form's step and no code; the card is confirmed as Stripe.js would; the buyer's
browser comes back to the return page, the ledger asks Stripe, and the voucher is active
and emailed once, however many times the page is opened."""

from decimal import Decimal

import pytest

from marquee.notifications.models import MailKind, OutgoingMail
from marquee.payments.models import Payment, PaymentStatus
from marquee.payments.selectors import reconciliation
from marquee.payments.voucher_sales import voucher_handle
from marquee.vouchers.models import Voucher, VoucherStatus
from tests.payments.test_stripe_provider import VISA, card

pytestmark = pytest.mark.django_db


def test_a_voucher_paid_by_card_at_stripe(stripe_settings, localstripe, api, clock):
    stripe_settings.VOUCHER_MIN_AMOUNT = 50
    answer = api.post(
        "/vouchers",
        {"amount": "400.00", "buyer": {"name": "Taras", "email": "taras@example.com"}, "provider": "stripe"},
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["voucher"]["status"] == "pending_payment" and body["voucher"]["code"] is None
    assert body["payment"]["next"]["type"] == "card_form"
    payment = Payment.objects.get(pk=body["payment"]["id"])
    assert payment.status == PaymentStatus.PENDING and payment.amount == Decimal("400.00")
    voucher = Voucher.objects.get()
    assert api.get(f"/vouchers/{voucher.code}").status_code == 404  # not paid: as if unknown

    # The buyer types the card on our page; Stripe.js makes a payment method and the page
    # posts it to the voucher's confirm address, which finalizes the payment on the server.
    confirmed = api.client.post(
        f"/vouchers/bought/{voucher_handle(voucher)}/confirm/", {"payment_method": card(localstripe, VISA)}
    )
    assert confirmed.json()["status"] == "succeeded", confirmed.json()
    page = api.client.get(confirmed.json()["redirect"])
    assert page.status_code == 200 and "taras@example.com" in page.content.decode()
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.ACTIVE and voucher.balance == Decimal("400.00")
    api.client.get(f"/vouchers/bought/{voucher_handle(voucher)}/")  # again: nothing more happens
    assert OutgoingMail.objects.filter(kind=MailKind.VOUCHER, to_email="taras@example.com").count() == 1
    assert reconciliation().healthy
