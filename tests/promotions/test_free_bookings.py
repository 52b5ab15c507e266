"""A promo code that takes the whole price off: nothing is left for a card or a voucher to pay,
so the booking is paid when it is held, its tickets go out, no voucher money is spent, and the
ledger has nothing to disagree about. (Before, such a hold could not be paid and lapsed.)"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from marquee.booking.models import FREE, Booking, BookingStatus
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.payments.models import Payment
from marquee.payments.selectors import reconciliation
from marquee.vouchers.services import voucher_issue
from tests.promotions.conftest import buy, make_code

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_a_code_that_takes_the_whole_price_off_pays_the_booking_at_once(show, seats):
    make_code("GUEST", "percent", "100")
    held = buy(show, seats[:2], "guest")
    booking = Booking.objects.get(pk=held.booking.pk)
    assert booking.status == BookingStatus.PAID and booking.total_price == Decimal("0.00")
    assert booking.payment_method == FREE
    assert set(booking.seats.values_list("status", flat=True)) == {BookingStatus.PAID}
    assert not Payment.objects.filter(booking=booking).exists()
    assert OutgoingMail.objects.filter(booking=booking, kind=MailKind.TICKETS).count() == 1
    assert reconciliation().healthy


def test_a_free_booking_leaves_the_voucher_untouched(show, seats):
    make_code("HUGE", "amount", "1000")
    voucher = voucher_issue(amount="300.00", reason="Prize", staff_user=None)
    held = buy(show, seats[:1], "huge", voucher_code=voucher.code)
    assert Booking.objects.get(pk=held.booking.pk).status == BookingStatus.PAID
    voucher.refresh_from_db()
    assert voucher.balance == Decimal("300.00")
    assert reconciliation().healthy


def test_a_code_that_leaves_something_to_pay_keeps_the_hold_pending(show, seats):
    make_code("HALF", "percent", "50")
    held = buy(show, seats[:1], "half")
    assert Booking.objects.get(pk=held.booking.pk).status == BookingStatus.PENDING


def test_a_free_booking_can_be_cancelled_and_gives_its_use_back(show, seats):
    from marquee.booking.promo import promo_code_uses
    from marquee.payments.models import Refund
    from marquee.payments.services import booking_cancel

    code = make_code("ONCE", "percent", "100", max_uses=1)
    held = buy(show, seats[:1], "once")
    booking_cancel(reference=held.booking.reference, token=held.token)
    booking = Booking.objects.get(pk=held.booking.pk)
    assert booking.status == BookingStatus.CANCELLED
    assert not Refund.objects.exists()  # nothing was paid, so nothing goes back
    assert promo_code_uses([code.pk], NOW).get(code.pk, 0) == 0
    assert reconciliation().healthy
