"""Spending a gift voucher at checkout (issue 13, point 4): in part or whole, refused with the
reason, given back when a hold lapses or is cancelled, split on a refund, and the ledger's
reconciliation empty through all of it."""

import datetime as dt
from decimal import Decimal

import pytest

from marquee.booking.models import Booking, BookingStatus
from marquee.core import periodic
from marquee.core.errors import ValidationFailed
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.payments.checkout import checkout_hold
from marquee.payments.models import Payment, PaymentStatus, Refund, RefundStatus
from marquee.payments.selectors import reconciliation
from marquee.payments.services import AlreadyPaid, booking_cancel, booking_pay, payment_start, refund_create
from marquee.payments.voucher_money import voucher_amount
from marquee.vouchers.models import EntryKind, Voucher, VoucherEntry, VoucherStatus
from tests import factories as f
from tests.payments.conftest import NOW

pytestmark = pytest.mark.django_db


def _checkout(show, seat_ids, code, email="olena@example.com"):
    return checkout_hold(showtime_id=show.pk, seat_ids=seat_ids, customer=f.buyer(email), voucher_code=code)


def _balance(voucher) -> Decimal:
    return Voucher.objects.get(pk=voucher.pk).balance


def _entries_add_up(voucher) -> None:
    """The voucher's ledger: its entries sum to its balance, and each records the balance after it."""
    entries = list(VoucherEntry.objects.filter(voucher=voucher).order_by("created_at", "pk"))
    running = Decimal("0.00")
    for entry in entries:
        running += entry.amount
        assert entry.balance_after == running
    assert running == _balance(voucher)


def test_part_of_a_booking_paid_by_voucher_and_the_rest_by_card(demo, clock, show, seats, voucher_of):
    voucher = voucher_of("150.00")
    held = _checkout(show, seats[:2], voucher.printed_code.lower())  # any case, with dashes
    booking = held.booking
    assert booking.status == BookingStatus.PENDING and booking.total_price == Decimal("200.00")
    assert voucher_amount(booking.pk) == Decimal("150.00")
    assert _balance(voucher) == 0
    started = payment_start(reference=booking.reference, provider="demo")
    assert started.payment.amount == Decimal("50.00")  # only what the voucher did not pay
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PAID
    kinds = sorted(
        Payment.objects.filter(booking=booking, status=PaymentStatus.SUCCEEDED).values_list("purpose", "amount")
    )
    assert kinds == [("booking", Decimal("50.00")), ("voucher", Decimal("150.00"))]
    assert OutgoingMail.objects.filter(booking=booking, kind=MailKind.TICKETS).count() == 1
    assert reconciliation().healthy
    _entries_add_up(voucher)


def test_a_booking_the_voucher_covers_whole_is_paid_at_once(demo, clock, show, seats, voucher_of):
    voucher = voucher_of("500.00")
    booking = _checkout(show, seats[:2], voucher.code).booking
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PAID
    assert booking.payment_method == "voucher"
    assert OutgoingMail.objects.filter(booking=booking, kind=MailKind.TICKETS).count() == 1
    assert _balance(voucher) == Decimal("300.00")
    with pytest.raises(AlreadyPaid):
        payment_start(reference=booking.reference, provider="demo")
    assert reconciliation().healthy
    # What is left pays the next booking in part.
    second = _checkout(show, seats[2:6], voucher.code, email="petro@example.com").booking
    assert voucher_amount(second.pk) == Decimal("300.00")
    assert _balance(voucher) == 0
    _entries_add_up(voucher)


@pytest.mark.parametrize("case", ["unknown", "expired", "not_paid", "cancelled", "empty"])
def test_a_refused_voucher_says_why_and_holds_nothing(demo, clock, show, seats, voucher_of, case):
    voucher = voucher_of("100.00")
    code = voucher.code
    if case == "unknown":
        code = "ABCD-EFGH-JKMN-PQRS-TUVW"
    elif case == "expired":
        Voucher.objects.filter(pk=voucher.pk).update(expires_at=NOW + dt.timedelta(hours=1))
        clock.shift(dt.timedelta(hours=2))
    elif case == "not_paid":
        Voucher.objects.filter(pk=voucher.pk).update(status=VoucherStatus.PENDING_PAYMENT)
    elif case == "cancelled":
        Voucher.objects.filter(pk=voucher.pk).update(status=VoucherStatus.CANCELLED)
    else:
        _checkout(show, seats[:1], code, email="first@example.com")
    before = Booking.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        _checkout(show, seats[2:4], code)
    reasons = {
        "unknown": "No gift voucher has this code.",
        "expired": "This gift voucher has expired.",
        "not_paid": "This gift voucher has not been paid for yet.",
        "cancelled": "This gift voucher was cancelled.",
        "empty": "Nothing is left on this gift voucher.",
    }
    assert refused.value.fields == {"voucher_code": [reasons[case]]}
    assert Booking.objects.count() == before  # the hold rolled back with the refusal


def _sweep() -> None:
    """The worker's sweep, now: lapsed holds expire, then vouchers get their money back."""
    periodic.job("booking.holds_expire").fn()
    periodic.job("payments.voucher_money_give_back").fn()


def test_a_lapsed_hold_gives_the_voucher_back_at_the_sweep(demo, clock, show, seats, voucher_of):
    voucher = voucher_of("150.00")
    booking = _checkout(show, seats[:2], voucher.code).booking
    clock.shift(dt.timedelta(minutes=11))  # HOLD_MINUTES is 10
    assert reconciliation().healthy  # waiting for the sweep is not a mismatch
    _sweep()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and booking.cancel_reason == "expired"
    assert _balance(voucher) == Decimal("150.00")
    refund = Refund.objects.get(payment__booking=booking)
    assert refund.status == RefundStatus.SUCCEEDED and refund.amount == Decimal("150.00")
    assert VoucherEntry.objects.filter(voucher=voucher, kind=EntryKind.GIVEN_BACK, refund_id=refund.pk).exists()
    assert reconciliation().healthy
    _sweep()  # again: nothing more comes back
    assert _balance(voucher) == Decimal("150.00")
    _entries_add_up(voucher)


def test_a_lapsed_hold_gives_the_money_back_before_the_sweeper_runs(demo, clock, show, seats, voucher_of):
    """No sweep: the next checkout with the voucher finds its money there."""
    voucher = voucher_of("200.00")
    _checkout(show, seats[:3], voucher.code)  # 300: the voucher pays 200, the card never comes
    clock.shift(dt.timedelta(minutes=11))
    again = _checkout(show, seats[:2], voucher.code).booking  # the same money pays two of the seats
    again.refresh_from_db()
    assert again.status == BookingStatus.PAID
    assert _balance(voucher) == 0
    assert reconciliation().healthy
    _entries_add_up(voucher)


def test_a_cancelled_hold_gives_the_voucher_back(demo, clock, show, seats, voucher_of):
    voucher = voucher_of("150.00")
    held = _checkout(show, seats[:2], voucher.code)
    booking_cancel(reference=held.booking.reference, token=held.token)
    assert _balance(voucher) == Decimal("150.00")
    assert reconciliation().healthy
    _entries_add_up(voucher)


def test_a_refund_goes_back_the_way_it_came(demo, clock, show, seats, voucher_of):
    """150 from the voucher, 50 by card: a partial refund of 80 takes the card's 50 first (the
    newest payment), then 30 back to the voucher; cancelling gives back the remaining 120."""
    voucher = voucher_of("150.00")
    held = _checkout(show, seats[:2], voucher.code)
    booking_pay(reference=held.booking.reference, method="demo")
    refund_create(reference=held.booking.reference, amount="80.00", reason="Broken seat")
    card = Payment.objects.get(booking=held.booking, provider="demo")
    assert card.amount_refunded == Decimal("50.00")
    assert _balance(voucher) == Decimal("30.00")
    assert OutgoingMail.objects.filter(kind=MailKind.REFUND, booking=held.booking).count() == 1
    booking_cancel(reference=held.booking.reference, by_staff=True)
    assert _balance(voucher) == Decimal("150.00")
    assert sum(r.amount for r in Refund.objects.filter(payment__booking=held.booking)) == Decimal("200.00")
    assert reconciliation().healthy
    _entries_add_up(voucher)


def test_card_money_arriving_after_the_voucher_went_back_is_refunded(demo, clock, bank, show, seats, voucher_of):
    """The card payment is started, the hold lapses and the voucher gets its money back, then
    the bank says yes: the booking is not paid by half, the card's money goes back."""
    voucher = voucher_of("150.00")
    held = _checkout(show, seats[:2], voucher.code)
    started = payment_start(reference=held.booking.reference, provider="card")
    assert started.payment.amount == Decimal("50.00")
    clock.shift(dt.timedelta(minutes=11))
    _sweep()
    assert _balance(voucher) == Decimal("150.00")
    bank.pay(started.payment.provider_id)
    from marquee.payments.services import payment_check

    payment = payment_check(booking_id=held.booking.pk)
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.problem.startswith("Paid after the hold lapsed, and its gift voucher part")
    assert payment.amount_refunded == payment.amount
    held.booking.refresh_from_db()
    assert held.booking.status == BookingStatus.CANCELLED
