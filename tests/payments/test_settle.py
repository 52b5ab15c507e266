"""The hard cases of issue 11, point 5, at the service level: the provider's word fed to
the ledger in every order, as notifications, browser returns and status requests."""

import datetime as dt
import logging
from decimal import Decimal

import pytest

from marquee.booking.models import Booking, BookingStatus, CancelReason
from marquee.core.errors import InvalidState, ValidationFailed
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.payments.models import Payment, PaymentStatus, ProviderNotification, Refund, RefundStatus, RequestedBy
from marquee.payments.providers.base import Notification, PaymentState, ProviderPayment, ProviderUnavailable
from marquee.payments.services import (
    LATE_SEATS_GONE,
    notification_handle,
    payment_check,
    payment_confirm,
    payment_settle,
    payment_start,
    payments_reconcile,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def _tickets() -> int:
    return OutgoingMail.objects.filter(kind=MailKind.TICKETS).count()


def _start(show, seats, n: int = 2, email: str = "olena@example.com"):
    held = f.hold(show, seats[:n], email=email)
    started = payment_start(reference=held.booking.reference, provider="card")
    return held.booking, started.payment


def _note(event: str, word: ProviderPayment) -> Notification:
    return Notification(event_id=event, type="payment_intent.succeeded", payment=word)


def test_start_records_a_pending_payment_and_starting_again_answers_it(clock, show, seats, bank):
    booking, payment = _start(show, seats)
    assert (payment.status, payment.amount, payment.provider_id) == (
        "pending",
        booking.total_price,
        payment.provider_id,
    )
    again = payment_start(reference=booking.reference, provider="card")
    assert again.payment.pk == payment.pk and not again.created
    assert again.next.type == "card_form"
    assert Payment.objects.count() == 1


def test_browser_first_then_notification_then_its_copy(clock, show, seats, bank):
    booking, payment = _start(show, seats)
    word = bank.pay(payment.provider_id)
    assert payment_check(booking_id=booking.pk).status == PaymentStatus.SUCCEEDED  # the browser came back
    assert notification_handle(provider="card", notification=_note("evt_1", word)) == "payment succeeded"
    assert notification_handle(provider="card", notification=_note("evt_1", word)) == "duplicate"
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.PAID
    assert _tickets() == 1
    assert ProviderNotification.objects.count() == 1


def test_notification_first_then_browser(clock, show, seats, bank):
    booking, payment = _start(show, seats)
    word = bank.pay(payment.provider_id)
    notification_handle(provider="card", notification=_note("evt_1", word))
    assert payment_check(booking_id=booking.pk).status == PaymentStatus.SUCCEEDED
    assert "fetch" not in bank.calls  # settled already: the browser's return asks nobody
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.PAID and _tickets() == 1


def test_never_a_browser_nor_a_notification_the_worker_asks(clock, show, seats, bank, settings):
    booking, payment = _start(show, seats)
    bank.pay(payment.provider_id)
    assert payments_reconcile() == 0  # not stale yet
    clock.shift(dt.timedelta(minutes=settings.PAYMENT_RECONCILE_MINUTES + 1))
    assert payments_reconcile() == 1
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.PAID and _tickets() == 1
    assert payments_reconcile() == 0  # settled: never asked again


def test_the_worker_settles_a_stale_demo_payment(clock, show, seats, settings):
    """A demo payment left pending (as if the process died after the provider answered)."""
    held = f.hold(show, seats[:1])
    payment = Payment.objects.create(
        booking=held.booking,
        provider="demo",
        provider_id="demo-stale",
        amount=held.booking.total_price,
        currency="UAH",
        status=PaymentStatus.PENDING,
        idempotency_key="stale",
    )
    # The hold lapsed meanwhile, and every seat is still free: the seats are taken again.
    clock.shift(dt.timedelta(minutes=settings.PAYMENT_RECONCILE_MINUTES + 1))
    assert payments_reconcile() == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert Booking.objects.get(pk=held.booking.pk).status == BookingStatus.PAID and _tickets() == 1


def test_failed_after_succeeded_changes_nothing(clock, show, seats, bank):
    booking, payment = _start(show, seats)
    word = bank.pay(payment.provider_id)
    notification_handle(provider="card", notification=_note("evt_ok", word))
    failed = ProviderPayment(provider_id=payment.provider_id, status=PaymentState.FAILED, amount=None, currency="")
    notification_handle(provider="card", notification=Notification("evt_late_fail", "payment_failed", payment=failed))
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUCCEEDED
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.PAID and _tickets() == 1


def test_succeeded_after_failed_is_accepted(clock, show, seats, bank):
    booking, payment = _start(show, seats)
    payment_settle(provider="card", word=bank.decline(payment.provider_id))
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.FAILED
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.PENDING
    payment_settle(provider="card", word=bank.pay(payment.provider_id))
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUCCEEDED
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.PAID and _tickets() == 1


def test_late_payment_with_every_seat_free_takes_them_again(clock, show, seats, bank, settings):
    booking, payment = _start(show, seats)
    clock.shift(dt.timedelta(minutes=settings.HOLD_MINUTES + 1))
    payment_settle(provider="card", word=bank.pay(payment.provider_id))
    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason, booking.cancelled_at) == (BookingStatus.PAID, "", None)
    assert set(booking.seats.values_list("status", flat=True)) == {BookingStatus.PAID}
    assert _tickets() == 1 and not Refund.objects.exists()
    assert Payment.objects.get(pk=payment.pk).problem == ""


def test_late_payment_with_a_seat_gone_is_refunded_and_told(clock, show, seats, bank, settings):
    booking, payment = _start(show, seats)
    clock.shift(dt.timedelta(minutes=settings.HOLD_MINUTES + 1))
    f.hold(show, seats[1:3], email="ivan@example.com")  # takes one of the lapsed seats
    payment_settle(provider="card", word=bank.pay(payment.provider_id))
    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason) == (BookingStatus.CANCELLED, CancelReason.EXPIRED)
    payment.refresh_from_db()
    assert (payment.status, payment.problem) == (PaymentStatus.SUCCEEDED, LATE_SEATS_GONE)
    refund = Refund.objects.get(payment=payment)
    assert (refund.amount, refund.requested_by, refund.status) == (
        payment.amount,
        RequestedBy.SYSTEM,
        RefundStatus.SUCCEEDED,
    )
    assert "refund" in bank.calls
    mail = OutgoingMail.objects.get(kind=MailKind.REFUND)
    assert mail.to_email == "olena@example.com" and mail.context["late"] is True
    assert _tickets() == 0
    # The same word again (a notification's copy, a status request) changes nothing more.
    payment_settle(provider="card", word=bank.payments[payment.provider_id])
    assert Refund.objects.count() == 1 and OutgoingMail.objects.filter(kind=MailKind.REFUND).count() == 1


@pytest.mark.parametrize(("amount", "currency"), [(Decimal("1.00"), "UAH"), (None, "EUR")])
def test_a_different_amount_or_currency_is_not_paid_and_is_flagged(clock, show, seats, bank, amount, currency):
    booking, payment = _start(show, seats)
    payment_settle(provider="card", word=bank.pay(payment.provider_id, amount=amount, currency=currency))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED and payment.problem
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.PENDING and _tickets() == 0


def test_provider_down_at_start_keeps_the_hold_and_a_retry_works(clock, show, seats, bank):
    held = f.hold(show, seats[:2])
    bank.down = True
    with pytest.raises(ProviderUnavailable) as raised:
        payment_start(reference=held.booking.reference, provider="card")
    assert raised.value.status == 503 and raised.value.code == "provider_unavailable"
    failed = Payment.objects.get()
    assert failed.status == PaymentStatus.FAILED and "down" in failed.message
    assert Booking.objects.get(pk=held.booking.pk).status == BookingStatus.PENDING
    bank.down = False
    again = payment_start(reference=held.booking.reference, provider="card")
    assert again.created and again.payment.status == PaymentStatus.PENDING


def test_a_notification_for_an_unknown_payment_is_acknowledged_and_logged(clock, bank, caplog):
    word = ProviderPayment(provider_id="pi_nobody", status=PaymentState.SUCCEEDED, amount=Decimal("1"), currency="UAH")
    with caplog.at_level(logging.WARNING, logger="marquee.payments"):
        assert notification_handle(provider="card", notification=_note("evt_x", word)) == "unknown payment"
    assert "not in the ledger" in caplog.text
    assert ProviderNotification.objects.get().outcome == "unknown payment"


def test_confirm_declined_then_another_card_then_3ds(clock, show, seats, bank):
    booking, payment = _start(show, seats)
    declined = payment_confirm(booking_id=booking.pk, data={"payment_method": "pm_declined"})
    assert declined.payment.status == PaymentStatus.FAILED
    bank.payments[payment.provider_id] = ProviderPayment(
        provider_id=payment.provider_id, status=PaymentState.PENDING, amount=payment.amount, currency="UAH"
    )
    action = payment_confirm(booking_id=booking.pk, data={"payment_method": "pm_3ds"})
    assert action.next.type == "action"
    done = payment_confirm(booking_id=booking.pk, data={"payment_method": "pm_ok"})
    assert done.payment.status == PaymentStatus.SUCCEEDED
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.PAID and _tickets() == 1


def test_paying_a_paid_or_cancelled_booking_is_refused(clock, show, seats, bank):
    booking, payment = _start(show, seats)
    payment_settle(provider="card", word=bank.pay(payment.provider_id))
    with pytest.raises(InvalidState):
        payment_start(reference=booking.reference, provider="card")
    with pytest.raises(ValidationFailed):
        payment_start(reference=booking.reference, provider="cash")  # the box office's, not a customer's
