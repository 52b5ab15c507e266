"""The promo code's pure rules: every reason a code is refused, and exact cents."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marquee.promotions import rules

MONDAY = dt.datetime(2026, 12, 7, 19, 0)  # a Monday


def _rules(**kw) -> rules.CodeRules:
    base = {
        "is_active": True,
        "valid_from": None,
        "valid_until": None,
        "days_mask": 0b1111111,
        "movie_ids": frozenset(),
        "format_ids": frozenset(),
        "showtime_ids": frozenset(),
    }
    return rules.CodeRules(**{**base, **kw})


OCCASION = rules.Occasion(bought_on=dt.date(2026, 12, 6), showtime_id=5, movie_id=7, format_id=3, starts_local=MONDAY)


@pytest.mark.parametrize(
    ("kw", "reason"),
    [
        ({}, None),
        ({"is_active": False}, rules.INACTIVE),
        ({"valid_from": dt.date(2026, 12, 7)}, rules.NOT_YET),
        ({"valid_from": dt.date(2026, 12, 6)}, None),
        ({"valid_until": dt.date(2026, 12, 5)}, rules.EXPIRED),
        ({"valid_until": dt.date(2026, 12, 6)}, None),
        ({"days_mask": 0b1111110}, rules.WRONG_DAY),  # every day but Monday
        ({"days_mask": 0b0001111}, None),  # Monday to Thursday
        ({"movie_ids": frozenset({8})}, rules.WRONG_MOVIE),
        ({"movie_ids": frozenset({7, 8})}, None),
        ({"format_ids": frozenset({4})}, rules.WRONG_FORMAT),
        ({"format_ids": frozenset({3})}, None),
        ({"showtime_ids": frozenset({6})}, rules.WRONG_SHOWTIME),
        ({"showtime_ids": frozenset({5})}, None),
    ],
)
def test_each_rule_refuses_with_its_reason(kw, reason):
    assert rules.refusal(_rules(**kw), OCCASION) == reason


def test_a_showtime_without_a_format_is_refused_by_a_code_for_formats():
    plain = rules.Occasion(
        bought_on=dt.date(2026, 12, 6), showtime_id=5, movie_id=7, format_id=None, starts_local=MONDAY
    )
    assert rules.refusal(_rules(format_ids=frozenset({3})), plain) == rules.WRONG_FORMAT


@pytest.mark.parametrize(
    ("kw", "reason"),
    [
        ({"max_uses": None, "uses": 100, "max_uses_per_customer": None, "customer_uses": 5}, None),
        ({"max_uses": 3, "uses": 2, "max_uses_per_customer": None, "customer_uses": 0}, None),
        ({"max_uses": 3, "uses": 3, "max_uses_per_customer": None, "customer_uses": 0}, rules.USED_UP),
        ({"max_uses": None, "uses": 3, "max_uses_per_customer": 1, "customer_uses": 1}, rules.ALREADY_USED),
        ({"max_uses": None, "uses": 3, "max_uses_per_customer": 2, "customer_uses": 1}, None),
    ],
)
def test_uses(kw, reason):
    assert rules.uses_refusal(**kw) == reason


def test_codes_are_compared_in_capitals_without_spaces():
    assert rules.normalise_code("  kino 20 ") == "KINO20"


def test_percent_rounds_each_seat_half_up():
    # 12.5 % of 100.10 is 12.5125 → 12.51; of 0.20 is 0.025 → 0.03 (half up, not to even)
    assert rules.discounts([Decimal("100.10"), Decimal("0.20")], kind="percent", value=Decimal("12.5")) == [
        Decimal("12.51"),
        Decimal("0.03"),
    ]


def test_amount_is_spread_by_price_and_the_cents_by_largest_remainder():
    # 10.00 over 3 equal seats: 3.33 each and the cent left to the first
    assert rules.discounts([Decimal("50.00")] * 3, kind="amount", value=Decimal("10.00")) == [
        Decimal("3.34"),
        Decimal("3.33"),
        Decimal("3.33"),
    ]
    # in proportion: 150 + 75 (2:1) with 30 off → 20 + 10
    assert rules.discounts([Decimal("150.00"), Decimal("75.00")], kind="amount", value=Decimal("30")) == [
        Decimal("20.00"),
        Decimal("10.00"),
    ]


def test_amount_never_more_than_the_total():
    assert rules.discounts([Decimal("40.00"), Decimal("20.00")], kind="amount", value=Decimal("500")) == [
        Decimal("40.00"),
        Decimal("20.00"),
    ]
    assert rules.discounts([Decimal("0.00")], kind="amount", value=Decimal("5")) == [Decimal("0.00")]


PRICES = st.lists(
    st.decimals(min_value=Decimal("0.00"), max_value=Decimal("5000.00"), places=2, allow_nan=False),
    min_size=1,
    max_size=10,
)


@given(prices=PRICES, value=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100"), places=2))
def test_percent_is_each_seat_rounded_half_up(prices, value):
    off = rules.discounts(prices, kind="percent", value=value)
    for price, d in zip(prices, off, strict=True):
        assert d == (price * value / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert Decimal("0") <= d <= price and d == d.quantize(Decimal("0.01"))


@given(prices=PRICES, value=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2))
def test_amount_adds_up_exactly_and_each_share_is_within_a_cent_of_its_proportion(prices, value):
    off = rules.discounts(prices, kind="amount", value=value)
    total = sum(prices, Decimal("0"))
    taken = min(value, total)
    assert sum(off, Decimal("0")) == taken
    for price, d in zip(prices, off, strict=True):
        assert Decimal("0") <= d <= price and d == d.quantize(Decimal("0.01"))
        if total:
            assert abs(d - price * taken / total) < Decimal("0.01")
