"""Buying a gift voucher (issue 13, point 4): on the site with the demo provider, end to end
to the email read back through the real SMTP server (the code, the QR that decodes to it,
the printable PDF), to the person it is for with the message and a receipt to the buyer."""

import io
import re
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from marquee.notifications.models import MailKind, OutgoingMail
from marquee.notifications.worker import mail_deliver_due
from marquee.payments.models import Payment, PaymentStatus
from marquee.payments.selectors import reconciliation
from marquee.vouchers.models import EntryKind, Voucher, VoucherStatus

pytestmark = pytest.mark.django_db


def _attachments(message):
    return {part.get_filename(): part for part in message.walk() if part.get_filename()}


def _form(**extra):
    return {
        "preset": "500",
        "custom_amount": "",
        "buyer_name": "Taras Shevchenko",
        "buyer_email": "taras@example.com",
        "send_to": "them",
        "recipient_name": "Oksana",
        "recipient_email": "oksana@example.com",
        "message": "Happy birthday! Go and see something good.",
        "provider": "demo",
        **extra,
    }


def test_a_voucher_bought_on_the_site_reaches_the_person_it_is_for(demo, client, smtp_server, settings):
    settings.VOUCHER_PRESETS = [200, 500, 1000]
    page = client.get("/vouchers/")
    assert page.status_code == 200 and b"Happy" not in page.content
    answer = client.post("/vouchers/", _form())
    assert answer.status_code == 302
    landing = client.get(answer["Location"])
    assert "oksana@example.com" in landing.content.decode()
    voucher = Voucher.objects.get()
    assert voucher.code not in landing.content.decode()  # the code goes by email only
    assert voucher.status == VoucherStatus.ACTIVE and voucher.balance == Decimal("500.00")
    assert voucher.entries.get().kind == EntryKind.ISSUED
    payment = Payment.objects.get(voucher=voucher)
    assert payment.status == PaymentStatus.SUCCEEDED and payment.booking_id is None
    assert reconciliation().healthy

    assert mail_deliver_due() == 2
    by_to = {m["To"]: m for m in smtp_server.messages}
    gift = by_to["oksana@example.com"]
    assert "Taras Shevchenko sent you a gift voucher" in gift["Subject"]
    text = gift.get_body(("plain",)).get_content()
    assert voucher.printed_code in text and "Happy birthday!" in text
    files = _attachments(gift)
    pdf = PdfReader(io.BytesIO(files["voucher.pdf"].get_content()))
    page_text = pdf.pages[0].extract_text()
    assert voucher.printed_code in page_text and "Oksana" in page_text
    qr = next(p for p in gift.walk() if p.get_content_type() == "image/png")
    [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.get_content())))
    assert decoded.text == voucher.printed_code
    receipt = by_to["taras@example.com"]
    receipt_text = receipt.get_body(("plain",)).get_content()
    assert voucher.printed_code not in receipt_text and "Oksana" in receipt_text
    assert OutgoingMail.objects.filter(kind=MailKind.VOUCHER_RECEIPT).count() == 1


def test_a_voucher_sent_to_the_buyer_and_a_custom_amount(demo, client, smtp_server):
    answer = client.post("/vouchers/", _form(preset="custom", custom_amount="333.50", send_to="me"))
    assert answer.status_code == 302
    voucher = Voucher.objects.get()
    assert voucher.amount == Decimal("333.50")
    assert mail_deliver_due() == 1  # the voucher itself is the buyer's receipt
    [message] = smtp_server.messages
    assert message["To"] == "taras@example.com"
    assert re.search(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){4}", message.get_body(("plain",)).get_content())


def test_the_voucher_page_in_ukrainian_and_its_refusals(demo, client):
    page = client.get("/vouchers/", HTTP_ACCEPT_LANGUAGE="uk")
    assert "Подарунковий сертифікат" in page.content.decode() or "сертифікат" in page.content.decode()
    too_much = client.post("/vouchers/", _form(preset="custom", custom_amount="999999"))
    assert too_much.status_code == 200 and b"From 50 to 5000" in too_much.content
    no_recipient = client.post("/vouchers/", _form(recipient_email=""))
    assert no_recipient.status_code == 200 and b"Give an email address." in no_recipient.content
    assert Voucher.objects.count() == 0
