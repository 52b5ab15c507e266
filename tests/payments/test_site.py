"""The public payment flow on the site, the providers' notification endpoint, and the
start-up check."""

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse

from marquee.booking.models import BookingStatus
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.payments.checks import check_demo_in_production
from marquee.payments.models import Payment, PaymentStatus, ProviderNotification
from marquee.payments.providers.base import (
    BadSignature,
    NextStep,
    Notification,
    PaymentRequest,
    PaymentState,
    ProviderPayment,
    Started,
)
from tests import factories as f
from tests.payments import fakes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _static(settings):
    Path(django_settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _open(client, show, seats):
    held = f.hold(show, seats[:2])
    client.get(reverse("public:booking", args=[held.booking.reference]), {"token": held.token})
    return held.booking


class RedirectProvider(fakes.CardProvider):
    """Like LiqPay: a form the customer posts to the provider's page."""

    name = "redirect"

    def start(self, request: PaymentRequest) -> Started:
        started = super().start(request)
        return Started(
            provider_id=started.provider_id,
            status=PaymentState.PENDING,
            next=NextStep(
                "redirect_form", url="https://pay.example/checkout", fields={"data": "abc", "signature": "s"}
            ),
        )


def test_the_booking_page_offers_the_enabled_providers(client, show, seats, bank):
    booking = _open(client, show, seats)
    html = client.get(reverse("public:booking", args=[booking.reference])).content.decode()
    assert 'value="demo"' in html and 'value="card"' in html and 'value="cash"' not in html


def test_card_form_page_then_confirm_then_booking_paid(client, show, seats, bank):
    booking = _open(client, show, seats)
    page = client.post(reverse("public:booking_pay", args=[booking.reference]), {"method": "card"})
    html = page.content.decode()
    assert page.status_code == 200 and "card form" in html
    assert f'data-confirm-url="/bookings/{booking.reference}/pay/confirm/"' in html
    url = reverse("public:booking_pay_confirm", args=[booking.reference])
    declined = client.post(url, {"payment_method": "pm_declined"}).json()
    assert declined["status"] == "failed" and declined["message"]
    # Another card, which asks for 3-D Secure: the browser acts, then confirms again.
    bank.payments.update(
        {k: ProviderPayment(k, PaymentState.PENDING, v.amount, "UAH", v.payment_id) for k, v in bank.payments.items()}
    )
    action = client.post(url, {"payment_method": "pm_3ds"}).json()
    assert action["status"] == "action" and action["next"]["type"] == "action"
    done = client.post(url, {"payment_method": "pm_ok"}).json()
    assert done == {"status": "succeeded", "redirect": f"/bookings/{booking.reference}/"}
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PAID
    assert OutgoingMail.objects.filter(kind=MailKind.TICKETS).count() == 1


def test_redirect_form_posts_to_the_provider(client, show, seats, bank, monkeypatch):
    fakes.use_provider(monkeypatch, "redirect", RedirectProvider)
    booking = _open(client, show, seats)
    html = client.post(reverse("public:booking_pay", args=[booking.reference]), {"method": "redirect"}).content.decode()
    assert 'action="https://pay.example/checkout"' in html
    assert 'name="data" value="abc"' in html and 'name="signature" value="s"' in html


def test_return_page_waits_then_shows_the_paid_booking(client, show, seats, bank):
    booking = _open(client, show, seats)
    client.post(reverse("public:booking_pay", args=[booking.reference]), {"method": "card"})
    back = client.get(reverse("payments:return", args=[booking.reference]))
    assert back.status_code == 200 and b'http-equiv="refresh"' in back.content
    bank.pay(Payment.objects.get().provider_id)
    paid = client.get(reverse("payments:return", args=[booking.reference]))
    assert paid.status_code == 302 and paid["Location"] == f"/bookings/{booking.reference}/"
    assert OutgoingMail.objects.filter(kind=MailKind.TICKETS).count() == 1


def test_the_booking_page_says_a_started_payment_waits_for_the_bank(client, show, seats, bank):
    booking = _open(client, show, seats)
    client.post(reverse("public:booking_pay", args=[booking.reference]), {"method": "card"})
    html = client.get(reverse("public:booking", args=[booking.reference])).content.decode().replace("\xa0", " ")
    assert f"Payment of UAH {booking.total_price}: waiting for your bank." in html


def test_return_page_after_a_decline_offers_to_try_again(client, show, seats, bank):
    booking = _open(client, show, seats)
    client.post(reverse("public:booking_pay", args=[booking.reference]), {"method": "card"})
    bank.decline(Payment.objects.get().provider_id)
    html = client.get(reverse("payments:return", args=[booking.reference])).content.decode()
    assert "did not go through" in html and "refresh" not in html


def test_provider_down_keeps_the_hold_with_a_clear_message(client, show, seats, bank):
    booking = _open(client, show, seats)
    bank.down = True
    answer = client.post(reverse("public:booking_pay", args=[booking.reference]), {"method": "card"}, follow=True)
    assert "not answering" in answer.content.decode() and "seats stay held" in answer.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING


def test_the_booking_page_tells_the_customer_about_the_refund(client, show, seats, bank):
    booking = _open(client, show, seats)
    client.post(reverse("public:booking_pay", args=[booking.reference]), {"method": "card"})
    client.post(reverse("public:booking_pay_confirm", args=[booking.reference]), {"payment_method": "pm_ok"})
    bank.refunds_down = True
    client.post(reverse("public:booking_cancel", args=[booking.reference]), {"confirm": "yes"})
    html = client.get(reverse("public:booking", args=[booking.reference])).content.decode().replace("\xa0", " ")
    assert f"Refund of UAH {booking.total_price} to your card: under way." in html


SECRET = b"whsec_test"


class SignedProvider(fakes.CardProvider):
    """Signs its notifications with an HMAC of the body, as providers do."""

    name = "stripe"

    def parse_notification(self, *, body: bytes, headers: Mapping[str, str]) -> Notification:
        expected = hmac.new(SECRET, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(headers.get("X-Signature", ""), expected):
            raise BadSignature("bad signature")
        event = json.loads(body)
        return Notification(event_id=event["id"], type=event["type"], payment=fakes.BANK.payments[event["pi"]])


def _send(client, body: bytes, signature: str):
    return client.post("/payments/stripe/webhook", body, content_type="application/json", HTTP_X_SIGNATURE=signature)


def test_notification_endpoint_verifies_and_acts_once(client, show, seats, bank, monkeypatch):
    fakes.use_provider(monkeypatch, "stripe", SignedProvider)
    booking = _open(client, show, seats)
    client.post(reverse("public:booking_pay", args=[booking.reference]), {"method": "stripe"})
    payment = Payment.objects.get()
    bank.pay(payment.provider_id)
    body = json.dumps({"id": "evt_1", "type": "payment_intent.succeeded", "pi": payment.provider_id}).encode()
    forged = _send(client, body, "0" * 64)
    assert forged.status_code == 400
    assert Payment.objects.get().status == PaymentStatus.PENDING and not ProviderNotification.objects.exists()
    good = hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    assert _send(client, body, good).json() == {"received": True, "outcome": "payment succeeded"}
    assert _send(client, body, good).json() == {"received": True, "outcome": "duplicate"}
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PAID
    assert OutgoingMail.objects.filter(kind=MailKind.TICKETS).count() == 1


def test_liqpay_callback_is_csrf_exempt_and_refuses_a_bad_signature(monkeypatch, bank):
    from django.test import Client

    fakes.use_provider(monkeypatch, "liqpay", SignedProvider)
    strict = Client(enforce_csrf_checks=True)
    answer = strict.post("/payments/liqpay/callback", {"data": "x", "signature": "forged"})
    assert answer.status_code == 400  # refused for its signature, not for CSRF (403)
    assert not ProviderNotification.objects.exists()


def test_start_up_check_warns_about_demo_with_debug_off(settings):
    settings.DEBUG = False
    settings.PAYMENT_PROVIDERS = ["demo"]
    [warning] = check_demo_in_production(None)
    assert warning.id == "marquee.W001"
    settings.PAYMENT_PROVIDERS = ["stripe"]
    assert check_demo_in_production(None) == []
    settings.DEBUG = True
    settings.PAYMENT_PROVIDERS = ["demo"]
    assert check_demo_in_production(None) == []


def test_every_paid_demo_booking_has_its_payment(settings):
    import io

    from marquee.booking.models import Booking

    call_command("seed_demo", "--halls", "1", "--days", "2", "--customers", "20", stdout=io.StringIO())

    paid = Booking.objects.filter(paid_at__isnull=False, total_price__gt=0)
    assert paid.exists()
    assert not paid.filter(payments__isnull=True).exists()
    # Gift vouchers bought are payments without a booking (issue 13).
    assert Payment.objects.filter(status=PaymentStatus.SUCCEEDED, booking__isnull=False).count() == paid.count()
    # Cancelled after paying: refunded in full, so the ledger adds up.
    refunded = Payment.objects.filter(booking__status=BookingStatus.CANCELLED)
    assert all(p.amount_refunded == p.amount for p in refunded)


def test_the_migration_gives_paid_bookings_of_before_the_ledger_their_payment(show, seats):
    """As the data migration does (the same function): box office money is cash, a booking
    cancelled after paying is refunded in the ledger too."""
    from django.db import transaction

    from marquee.booking.models import Booking
    from marquee.booking.services import booking_cancel, booking_lock, booking_settle_paid
    from marquee.core.clock import now
    from marquee.payments.backfill import backfill_ledger
    from marquee.payments.models import Refund

    def paid_the_old_way(seat_ids, method):
        held = f.hold(show, seat_ids)
        with transaction.atomic():
            booking = booking_lock(reference=held.booking.reference)
            booking_settle_paid(booking=booking, method=method, payment_reference="", at=now())
        return held.booking

    box = paid_the_old_way(seats[:1], "box_office")
    demo = paid_the_old_way(seats[1:2], "demo")
    gone = paid_the_old_way(seats[2:3], "demo")
    booking_cancel(reference=gone.reference, money_back=lambda b: {})
    f.hold(show, seats[3:4])  # a hold: no payment
    made = backfill_ledger(booking_model=Booking, payment_model=Payment, refund_model=Refund, currency="UAH")
    assert made == 3
    assert Payment.objects.get(booking=box).provider == "cash"
    assert Payment.objects.get(booking=demo).provider == "demo"
    refunded = Payment.objects.get(booking=gone)
    assert refunded.amount_refunded == refunded.amount and Refund.objects.get().payment == refunded
    assert backfill_ledger(booking_model=Booking, payment_model=Payment, refund_model=Refund, currency="UAH") == 0


def test_booking_never_imports_payments():
    """payments stands above booking (issue 11's layering)."""
    root = Path(__file__).resolve().parents[2] / "marquee" / "booking"
    importing = re.compile(r"^\s*(from|import)\s+marquee\.payments", re.MULTILINE)
    offenders = [p.name for p in root.rglob("*.py") if importing.search(p.read_text())]
    assert offenders == []
