"""A gift voucher at the box office (issue 13, point 4): part or whole of a counter sale, the
rest in cash; the cash-up counts only the cash; a refused voucher sells nothing."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from marquee.booking.models import Booking, BookingStatus
from marquee.core.clock import local_today
from marquee.core.errors import ValidationFailed
from marquee.payments.cash_up import cash_up
from marquee.payments.counter import counter_sell
from marquee.payments.models import Payment, PaymentStatus
from marquee.payments.selectors import reconciliation
from marquee.vouchers.models import Voucher

pytestmark = pytest.mark.django_db


@pytest.fixture
def cashier(db):
    return User.objects.create_user("cashier", is_staff=True)


def test_a_voucher_pays_part_and_cash_the_rest(demo, clock, show, seats, voucher_of, cashier):
    voucher = voucher_of("150.00")
    booking = counter_sell(
        showtime_id=show.pk, seat_ids=seats[:2], method="cash", staff_user=cashier, voucher_code=voucher.printed_code
    )
    assert booking.status == BookingStatus.PAID
    paid = dict(
        Payment.objects.filter(booking=booking, status=PaymentStatus.SUCCEEDED).values_list("provider", "amount")
    )
    assert paid == {"voucher": Decimal("150.00"), "cash": Decimal("50.00")}
    assert Voucher.objects.get(pk=voucher.pk).balance == 0
    till = cash_up(day=local_today())
    assert till.total.cash_taken == Decimal("50.00")  # the voucher's part never passed the till
    assert reconciliation().healthy


def test_a_voucher_pays_a_whole_counter_sale(demo, clock, show, seats, voucher_of, cashier):
    voucher = voucher_of("500.00")
    booking = counter_sell(
        showtime_id=show.pk, seat_ids=seats[:2], method="card_terminal", staff_user=cashier, voucher_code=voucher.code
    )
    assert list(Payment.objects.filter(booking=booking).values_list("provider", flat=True)) == ["voucher"]
    assert Voucher.objects.get(pk=voucher.pk).balance == Decimal("300.00")
    assert reconciliation().healthy


def test_a_refused_voucher_sells_nothing(demo, clock, show, seats, cashier):
    with pytest.raises(ValidationFailed) as refused:
        counter_sell(
            showtime_id=show.pk, seat_ids=seats[:2], method="cash", staff_user=cashier, voucher_code="nope-nope"
        )
    assert refused.value.fields == {"voucher_code": ["No gift voucher has this code."]}
    assert Booking.objects.count() == 0


def test_the_sell_page_takes_a_voucher_code(demo, clock, show, seats, voucher_of, client):
    from tests.backoffice.conftest import _staff

    client.force_login(_staff("till", "Box office"))
    voucher = voucher_of("150.00")
    answer = client.post(
        f"/staff/sell/{show.pk}/", {"seat": seats[:2], "method": "cash", "voucher_code": voucher.printed_code}
    )
    assert answer.status_code == 302, answer.content.decode()[:500]
    done = client.get(answer["Location"]).content.decode()
    assert "150.00" in done or "150,00" in done
    refused = client.post(f"/staff/sell/{show.pk}/", {"seat": seats[2:4], "method": "cash", "voucher_code": "X"})
    assert refused.status_code == 422 and "No gift voucher has this code." in refused.content.decode()
