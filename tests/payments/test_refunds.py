"""Refunds that happen (issue 11, point 6): customer cancel, showtime cancel, staff
full / none / part, cash at the counter, and a refund the worker tries again."""

import datetime as dt
from decimal import Decimal

import pytest

from marquee.booking.models import Booking, BookingStatus
from marquee.core import periodic
from marquee.core.errors import CancelWindowClosed, InvalidState, ValidationFailed
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.notifications.rendering.email import render_mail
from marquee.payments.models import Payment, Refund, RefundStatus, RequestedBy
from marquee.payments.refunds import REFUND_MAX_ATTEMPTS, refunds_retry_due
from marquee.payments.services import (
    booking_cancel,
    booking_pay,
    payment_record_box_office,
    payment_settle,
    payment_start,
    refund_create,
    showtime_cancel,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def _card_paid(show, seats, bank, n=2, email="olena@example.com") -> Booking:
    held = f.hold(show, seats[:n], email=email)
    started = payment_start(reference=held.booking.reference, provider="card")
    payment_settle(provider="card", word=bank.pay(started.payment.provider_id))
    return Booking.objects.get(pk=held.booking.pk)


def _text(kind: str) -> str:
    mail = OutgoingMail.objects.filter(kind=kind).order_by("-pk").first()
    assert mail is not None
    return render_mail(mail).body


def test_a_customer_cancel_refunds_the_whole_amount_through_the_provider(clock, show, seats, bank):
    booking = _card_paid(show, seats, bank)
    booking_cancel(reference=booking.reference)
    refund = Refund.objects.get()
    assert (refund.amount, refund.status, refund.requested_by) == (
        booking.total_price,
        RefundStatus.SUCCEEDED,
        RequestedBy.CUSTOMER,
    )
    assert refund.provider_refund_id.startswith("re_") and bank.calls.count("refund") == 1
    # Queued with the cancellation, before the provider answered: "under way", which it was.
    body = _text(MailKind.CANCELLATION).replace("\xa0", " ")
    assert f"A refund of UAH {booking.total_price} to the card or account you paid with is under way" in body


def test_the_cancellation_email_says_under_way_while_the_provider_has_not_answered(clock, show, seats, bank):
    booking = _card_paid(show, seats, bank)
    bank.refunds_down = True
    booking_cancel(reference=booking.reference)
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.FAILED and refund.next_attempt_at is not None  # to be tried again
    body = _text(MailKind.CANCELLATION).replace("\xa0", " ")
    assert "is under way" in body and "goes back the way you paid" not in body


def test_a_failed_refund_is_tried_again_by_the_worker(clock, show, seats, bank):
    booking = _card_paid(show, seats, bank)
    bank.refunds_down = True
    booking_cancel(reference=booking.reference)
    assert refunds_retry_due() == 0  # not due yet
    bank.refunds_down = False
    clock.shift(dt.timedelta(minutes=5))
    periodic.job("payments.reconcile").fn()  # the worker's money jobs, run now
    periodic.job("payments.refunds_retry").fn()
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.SUCCEEDED and refund.attempts == 2
    assert Payment.objects.get().amount_refunded == booking.total_price


def test_a_refund_that_keeps_failing_fails_for_good_and_frees_its_amount(clock, show, seats, bank):
    booking = _card_paid(show, seats, bank)
    bank.refunds_down = True
    booking_cancel(reference=booking.reference)
    for _ in range(REFUND_MAX_ATTEMPTS):
        clock.shift(dt.timedelta(hours=7))
        refunds_retry_due()
    refund = Refund.objects.get()
    assert (refund.status, refund.next_attempt_at, refund.attempts) == (RefundStatus.FAILED, None, REFUND_MAX_ATTEMPTS)
    assert Payment.objects.get().amount_refunded == 0  # staff may refund it again by hand
    assert refunds_retry_due() == 0


def test_a_cancelled_showtime_refunds_every_paid_booking(clock, show, seats, bank):
    one = _card_paid(show, seats, bank, n=2)
    two = _card_paid(show, seats[2:], bank, n=1, email="ivan@example.com")
    cash = f.hold(show, seats[5:6], email="petro@example.com").booking
    payment_record_box_office(reference=cash.reference, method="cash")
    f.hold(show, seats[7:8], email="hold@example.com")  # only held: nothing to refund
    showtime_cancel(showtime_id=show.pk)
    refunds = {r.payment.booking_id: r for r in Refund.objects.select_related("payment")}
    assert set(refunds) == {one.pk, two.pk, cash.pk}
    assert all(r.status == RefundStatus.SUCCEEDED and r.requested_by == RequestedBy.SYSTEM for r in refunds.values())
    assert refunds[one.pk].amount == one.total_price
    bodies = [render_mail(m).body.replace("\xa0", " ") for m in OutgoingMail.objects.filter(kind="showtime_cancelled")]
    assert sum("collect it at the box office" in b for b in bodies) == 1
    assert sum("is under way" in b for b in bodies) == 2


def test_staff_cancel_with_part_or_no_refund_needs_a_reason(clock, show, seats, bank):
    part = _card_paid(show, seats, bank, n=2)
    none = _card_paid(show, seats[2:], bank, n=1, email="ivan@example.com")
    with pytest.raises(ValidationFailed):
        booking_cancel(reference=part.reference, by_staff=True, refund="10.00")
    assert Booking.objects.get(pk=part.pk).status == BookingStatus.PAID
    booking_cancel(reference=part.reference, by_staff=True, refund="10.00", reason="Came late")
    booking_cancel(reference=none.reference, by_staff=True, refund="none", reason="No-show policy")
    assert [(r.payment.booking_id, r.amount) for r in Refund.objects.all()] == [(part.pk, Decimal("10.00"))]
    body = _text(MailKind.CANCELLATION).replace("\xa0", " ")
    assert "No refund has been made" in body


def test_staff_cancel_of_more_than_was_paid_changes_nothing(clock, show, seats, bank):
    booking = _card_paid(show, seats, bank)
    with pytest.raises(ValidationFailed):
        booking_cancel(reference=booking.reference, by_staff=True, refund="99999.00", reason="Typo")
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.PAID and not Refund.objects.exists()


def test_staff_refund_part_without_cancelling(clock, show, seats, bank):
    booking = _card_paid(show, seats, bank)
    with pytest.raises(ValidationFailed) as missing:
        refund_create(reference=booking.reference, amount="10.00", reason=" ")
    assert "reason" in (missing.value.fields or {})
    refund = refund_create(reference=booking.reference, amount="10.00", reason="Broken seat")
    assert refund.status == RefundStatus.SUCCEEDED
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.PAID
    body = _text(MailKind.REFUND).replace("\xa0", " ")
    assert "UAH 10.00" in body and "Your tickets stay valid." in body
    with pytest.raises(ValidationFailed):
        refund_create(reference=booking.reference, amount=str(booking.total_price), reason="Too much")


def test_cash_is_refunded_at_the_counter_at_once(clock, show, seats):
    held = f.hold(show, seats[:1])
    payment_record_box_office(reference=held.booking.reference, method="cash")
    refund = refund_create(reference=held.booking.reference, amount="5.00", reason="Discount")
    assert refund.status == RefundStatus.SUCCEEDED and refund.succeeded_at is not None
    assert "collect it at the box office" in _text(MailKind.REFUND)


def test_customer_cancel_after_the_cut_off_refunds_nothing(clock, show, seats):
    held = f.hold(show, seats[:1])
    booking_pay(reference=held.booking.reference, method="demo")
    clock.move_to(show.starts_at - dt.timedelta(minutes=30))
    with pytest.raises(CancelWindowClosed):
        booking_cancel(reference=held.booking.reference)
    assert not Refund.objects.exists()


def test_a_hold_cancelled_has_no_refund_and_no_refund_words(clock, show, seats):
    held = f.hold(show, seats[:1])
    booking_cancel(reference=held.booking.reference)
    assert not Refund.objects.exists() and not OutgoingMail.objects.exists()
    with pytest.raises(InvalidState):
        refund_create(reference=held.booking.reference, amount="1.00", reason="x")
