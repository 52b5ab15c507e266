"""The pricing rule of domain.md, at its boundaries and for any input (hypothesis)."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marquee.pricing.models import ALL_DAYS
from marquee.pricing.prices import ranges_overlap, seat_price, tariff_applies, tariff_for


@dataclass
class T:
    start_time: dt.time
    end_time: dt.time
    price_multiplier: Decimal
    days_mask: int = ALL_DAYS
    name: str = "t"


MONDAY = dt.date(2026, 3, 2)
EVENING = T(dt.time(18), dt.time(22), Decimal("1.25"))


def at(hour: int, minute: int = 0, day: dt.date = MONDAY, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second))


def test_the_start_is_inclusive():
    assert tariff_for([EVENING], at(18)) is EVENING


def test_the_end_is_exclusive():
    assert tariff_for([EVENING], at(22)) is None
    assert tariff_for([EVENING], at(21, 59, second=59)) is EVENING


def test_a_moment_before_the_start_is_outside():
    assert tariff_for([EVENING], at(17, 59, second=59)) is None


def test_no_tariff_means_times_one():
    assert seat_price(Decimal("150.00"), None) == Decimal("150.00")
    assert seat_price(Decimal("99.99"), tariff_for([EVENING], at(10))) == Decimal("99.99")


@pytest.mark.parametrize(
    ("base", "multiplier", "expected"),
    [
        ("0.10", "1.25", "0.13"),  # 0.125 rounds half up, not to even
        ("0.50", "0.25", "0.13"),
        ("1.00", "1.005", "1.01"),  # 1.005 → 1.01
        ("100.00", "1.25", "125.00"),
        ("150.00", "0.8", "120.00"),
        ("0.00", "1.5", "0.00"),
        ("33.33", "1.1", "36.66"),  # 36.663
        ("33.35", "1.1", "36.69"),  # 36.685 → 36.69
    ],
)
def test_rounding_is_half_up_to_cents(base, multiplier, expected):
    tariff = T(dt.time(0), dt.time(23), Decimal(multiplier))
    assert seat_price(Decimal(base), tariff) == Decimal(expected)


def test_days_mask_limits_the_weekdays():
    weekend = T(dt.time(10), dt.time(23), Decimal("1.5"), days_mask=0b1100000)  # Sat, Sun
    saturday = MONDAY + dt.timedelta(days=5)
    sunday = MONDAY + dt.timedelta(days=6)
    assert not tariff_applies(weekend, at(12, day=MONDAY))
    assert not tariff_applies(weekend, at(12, day=MONDAY + dt.timedelta(days=4)))  # Friday
    assert tariff_applies(weekend, at(12, day=saturday))
    assert tariff_applies(weekend, at(12, day=sunday))


def test_the_tariff_in_force_is_chosen_among_many():
    morning = T(dt.time(9), dt.time(12), Decimal("0.8"))
    day = T(dt.time(12), dt.time(18), Decimal("1.0"))
    assert tariff_for([morning, day, EVENING], at(11, 59)) is morning
    assert tariff_for([morning, day, EVENING], at(12)) is day
    assert tariff_for([morning, day, EVENING], at(18)) is EVENING
    assert tariff_for([morning, day, EVENING], at(23)) is None


def test_an_aware_local_time_is_read_as_its_wall_clock():
    kyiv = dt.timezone(dt.timedelta(hours=2))
    assert tariff_for([EVENING], dt.datetime.combine(MONDAY, dt.time(18), tzinfo=kyiv)) is EVENING


def test_touching_ranges_do_not_overlap():
    day = T(dt.time(12), dt.time(18), Decimal(1))
    assert not ranges_overlap(day, EVENING)
    assert not ranges_overlap(EVENING, day)


def test_ranges_on_different_days_do_not_overlap():
    weekdays = T(dt.time(10), dt.time(20), Decimal(1), days_mask=0b0011111)
    weekend = T(dt.time(10), dt.time(20), Decimal(1), days_mask=0b1100000)
    assert not ranges_overlap(weekdays, weekend)


# --- properties ---------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2, allow_nan=False, allow_infinity=False)
multipliers = st.decimals(
    min_value=Decimal("0.001"), max_value=Decimal("100"), places=3, allow_nan=False, allow_infinity=False
)
times = st.times().map(lambda t: t.replace(microsecond=0))
masks = st.integers(min_value=1, max_value=ALL_DAYS)


@st.composite
def tariffs(draw):
    start, end = sorted(draw(st.tuples(times, times).filter(lambda pair: pair[0] != pair[1])))
    return T(start, end, draw(multipliers), draw(masks))


@given(base=money, multiplier=multipliers)
def test_price_is_the_product_rounded_half_up(base, multiplier):
    price = seat_price(base, T(dt.time(0), dt.time(1), multiplier))
    assert price == (base * multiplier).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert price >= 0
    assert price.as_tuple().exponent == -2


@given(base=money)
def test_price_without_a_tariff_is_the_base_price(base):
    assert seat_price(base, None) == base


@given(a=tariffs(), b=tariffs())
def test_overlap_is_symmetric(a, b):
    assert ranges_overlap(a, b) == ranges_overlap(b, a)


@given(
    a=tariffs(), b=tariffs(), moment=st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1))
)
def test_two_tariffs_that_apply_at_one_moment_overlap(a, b, moment):
    if tariff_applies(a, moment) and tariff_applies(b, moment):
        assert ranges_overlap(a, b)


@given(tariff=tariffs(), moment=st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1)))
def test_a_tariff_applies_exactly_within_its_range_on_its_days(tariff, moment):
    inside = tariff.start_time <= moment.time() < tariff.end_time
    on_day = bool(tariff.days_mask & (1 << moment.weekday()))
    assert tariff_applies(tariff, moment) == (inside and on_day)
