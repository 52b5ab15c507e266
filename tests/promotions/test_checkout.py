"""A promo code at checkout: applied in the hold's transaction, refused with its reason and
nothing held, its uses counted from the active bookings that carry it."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import User

from marquee.booking.models import Booking, BookingSeat
from marquee.booking.promo import promo_code_uses
from marquee.core.errors import ValidationFailed
from marquee.payments.counter import counter_sell
from marquee.payments.models import Payment
from marquee.payments.services import booking_cancel, booking_pay
from marquee.promotions import rules
from marquee.scheduling.models import Format
from tests import factories as f
from tests.promotions.conftest import buy, make_code

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _refused(show, seats, code, **kw) -> str:
    with pytest.raises(ValidationFailed) as caught:
        buy(show, seats, code, **kw)
    return caught.value.fields["promo_code"][0]


def test_percent_code_discounts_every_seat_and_the_total(show, seats):
    make_code("KINO20", "percent", "20")
    held = buy(show, seats[:3], "  kino20 ")
    booking = Booking.objects.get(pk=held.booking.pk)
    assert booking.promo_code_text == "KINO20" and booking.total_price == Decimal("240.00")
    rows = list(BookingSeat.objects.filter(booking=booking).values_list("final_price", "discount"))
    assert rows == [(Decimal("80.00"), Decimal("20.00"))] * 3
    # what the hold answers is what is stored
    assert held.booking.total_price == Decimal("240.00") and [s.discount for s in held.seats] == [Decimal("20.00")] * 3


def test_amount_code_is_spread_over_the_seats_and_never_more_than_the_total(show, seats):
    make_code("TEN", "amount", "10")
    booking = buy(show, seats[:3], "ten").booking
    assert booking.total_price == Decimal("290.00")
    assert sorted(BookingSeat.objects.filter(booking=booking).values_list("discount", flat=True)) == [
        Decimal("3.33"),
        Decimal("3.33"),
        Decimal("3.34"),
    ]
    make_code("HUGE", "amount", "1000")
    assert buy(show, seats[3:4], "huge", email="b@example.com").booking.total_price == Decimal("0.00")


def test_without_a_code_nothing_changes(show, seats):
    booking = buy(show, seats[:2]).booking
    assert booking.total_price == Decimal("200.00") and booking.promo_code is None
    assert set(BookingSeat.objects.filter(booking=booking).values_list("discount", flat=True)) == {Decimal("0.00")}


def test_a_refused_code_holds_nothing(show, seats):
    assert _refused(show, seats[:2], "NOPE") == rules.UNKNOWN
    assert _refused(show, seats[:2], "<script>") == rules.UNKNOWN
    assert not Booking.objects.exists() and not BookingSeat.objects.exists()


@pytest.mark.parametrize(
    ("kw", "reason"),
    [
        ({"is_active": False}, rules.INACTIVE),
        ({"valid_from": dt.date(2026, 12, 2)}, rules.NOT_YET),
        ({"valid_until": dt.date(2026, 11, 30)}, rules.EXPIRED),
        ({"days_mask": 0b1111110}, rules.WRONG_DAY),  # not on Mondays
    ],
)
def test_each_reason_reaches_the_customer(show, seats, kw, reason):
    make_code("CODE1", **kw)
    assert _refused(show, seats[:1], "code1") == reason
    assert not Booking.objects.exists()


def test_codes_for_other_films_formats_and_showtimes(show, seats):
    other = f.showtime(hall_obj=show.hall, starts_at=show.ends_at + dt.timedelta(hours=1))
    make_code("FILM", movie_ids=(other.movie_id,))
    make_code("SHOW", showtime_ids=(other.pk,))
    imax = Format.objects.create(code="imax-t", name="IMAX test")
    make_code("IMAX", format_ids=(imax.pk,))
    assert _refused(show, seats[:1], "film") == rules.WRONG_MOVIE
    assert _refused(show, seats[:1], "show") == rules.WRONG_SHOWTIME
    assert _refused(show, seats[:1], "imax") == rules.WRONG_FORMAT
    assert buy(other, seats[:1], "film").booking.promo_code_text == "FILM"
    assert buy(other, seats[1:2], "show").booking.promo_code_text == "SHOW"


def test_used_up_and_uses_given_back_by_a_lapsed_hold(show, seats, clock):
    code = make_code("LAST", max_uses=1)
    first = buy(show, seats[:1], "last", email="a@example.com").booking
    assert _refused(show, seats[1:2], "last", email="b@example.com") == rules.USED_UP
    assert promo_code_uses([code.pk], dt.datetime.now(dt.UTC)) == {code.pk: 1}
    # The first hold lapses (nobody sweeps it): its use is free again at once.
    clock.shift(dt.timedelta(minutes=11))
    assert Booking.objects.get(pk=first.pk).status == "pending"
    assert promo_code_uses([code.pk], dt.datetime.now(dt.UTC)) == {code.pk: 0}
    second = buy(show, seats[1:2], "last", email="b@example.com").booking
    assert second.promo_code_id == code.pk


def test_a_cancelled_booking_gives_its_use_back_and_a_paid_one_keeps_it(show, seats):
    make_code("ONCE", max_uses=1)
    held = buy(show, seats[:1], "once", email="a@example.com")
    booking_cancel(reference=held.booking.reference, token=held.token)
    paid = buy(show, seats[1:2], "once", email="b@example.com")
    booking_pay(reference=paid.booking.reference, method="demo", token=paid.token)
    assert _refused(show, seats[2:3], "once", email="c@example.com") == rules.USED_UP


def test_once_per_customer(show, seats):
    make_code("WELCOME", max_uses_per_customer=1)
    buy(show, seats[:1], "welcome", email="a@example.com")
    assert _refused(show, seats[1:2], "welcome", email="A@Example.com") == rules.ALREADY_USED
    assert buy(show, seats[1:2], "welcome", email="b@example.com").booking.promo_code_text == "WELCOME"


def test_a_counter_sale_takes_a_promo_code_and_its_payment_is_the_discounted_total(show, seats):
    cashier = User.objects.create_user("cashier", is_staff=True)
    make_code("DESK", "amount", "30", max_uses=2, max_uses_per_customer=1)
    walk_in = counter_sell(
        showtime_id=show.pk, seat_ids=seats[:2], method="cash", staff_user=cashier, promo_code="desk"
    )
    assert walk_in.total_price == Decimal("170.00") and walk_in.promo_code_text == "DESK"
    assert Payment.objects.get(booking=walk_in).amount == Decimal("170.00")
    # a second walk-in (no email) is nobody's second use; the code's total is counted
    counter_sell(showtime_id=show.pk, seat_ids=seats[2:3], method="cash", staff_user=cashier, promo_code="desk")
    with pytest.raises(ValidationFailed) as caught:
        counter_sell(showtime_id=show.pk, seat_ids=seats[3:4], method="cash", staff_user=cashier, promo_code="desk")
    assert caught.value.fields == {"promo_code": [rules.USED_UP]}
    with pytest.raises(ValidationFailed):
        counter_sell(
            showtime_id=show.pk,
            seat_ids=seats[3:4],
            method="comp",
            comp_reason="press",
            staff_user=cashier,
            promo_code="desk",
        )
    assert Booking.objects.count() == 2
