"""The price of a seat with a ticket type and a format surcharge (`seat_price`), for any input.

The reference below computes in exact fractions and rounds half up once, by hand: if the
Decimal arithmetic of `seat_price` ever rounded early, lost a digit or rounded half-even, the
two would part.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from hypothesis import example, given
from hypothesis import strategies as st

from marquee.pricing.models import ALL_DAYS
from marquee.pricing.prices import seat_price


@dataclass
class Tariff:
    price_multiplier: Decimal
    start_time: dt.time = dt.time(0)
    end_time: dt.time = dt.time(23, 59)
    days_mask: int = ALL_DAYS


@dataclass
class Type:
    rule: str
    multiplier: Decimal = Decimal(1)
    amount_off: Decimal = Decimal(0)
    min_price: Decimal = Decimal(0)


def _places(places: int, low: str, high: str) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=places)


money = _places(2, "0", "5000")
tariffs = st.none() | st.builds(Tariff, price_multiplier=_places(3, "0.001", "5"))
types = st.none() | st.one_of(
    st.builds(Type, rule=st.just("multiplier"), multiplier=_places(3, "0.001", "1"), min_price=money),
    st.builds(Type, rule=st.just("amount_off"), amount_off=money, min_price=money),
)


def half_up(value: Fraction) -> Decimal:
    """`value` (≥ 0) in hundredths, rounded half up, by integer arithmetic."""
    cents = (value * 100 * 2 + 1) // 2  # floor(x + 1/2)
    return Decimal(cents) / 100


def reference(base: Decimal, tariff: Tariff | None, kind: Type | None, surcharge: Decimal) -> Decimal:
    full = Fraction(base) * (Fraction(tariff.price_multiplier) if tariff else 1)
    price = full
    if kind is not None:
        off = kind.rule == "amount_off"
        price = full - Fraction(kind.amount_off) if off else full * Fraction(kind.multiplier)
        price = min(max(price, Fraction(kind.min_price)), full)
    return half_up(max(price, Fraction(0)) + Fraction(surcharge))


@given(base=money, tariff=tariffs, kind=types, surcharge=money)
@example(base=Decimal("0.05"), tariff=Tariff(Decimal("0.5")), kind=None, surcharge=Decimal(0))  # 0.025 → 0.03
@example(base=Decimal("100.05"), tariff=None, kind=Type("multiplier", Decimal("0.5")), surcharge=Decimal(0))
@example(
    base=Decimal("0.01"), tariff=Tariff(Decimal("0.5")), kind=Type("multiplier", Decimal("0.5")), surcharge=Decimal(0)
)
def test_the_price_is_the_exact_price_rounded_half_up_once(base, tariff, kind, surcharge):
    assert seat_price(base, tariff, kind, surcharge) == reference(base, tariff, kind, surcharge)


@given(base=money, tariff=tariffs, kind=types, surcharge=money)
def test_a_type_never_charges_more_than_the_adult_price_nor_less_than_its_floor(base, tariff, kind, surcharge):
    price = seat_price(base, tariff, kind, surcharge)
    adult = seat_price(base, tariff, None, surcharge)
    assert price <= adult
    if kind is not None:
        # The floor holds up to the adult price (a floor above it would be a charge).
        assert price >= min(seat_price(kind.min_price, None) + surcharge, adult)
    assert price == price.quantize(Decimal("0.01"))


@given(base=money, tariff=tariffs)
def test_adult_without_surcharge_is_the_old_rule(base, tariff):
    adult = Type("multiplier", Decimal(1))
    old = half_up(Fraction(base) * (Fraction(tariff.price_multiplier) if tariff else 1))
    assert seat_price(base, tariff, adult, Decimal(0)) == seat_price(base, tariff) == old


def test_the_surcharge_is_never_reduced_by_the_type():
    child = Type("multiplier", Decimal("0.6"), min_price=Decimal("60.00"))
    assert seat_price(Decimal("100.00"), None, child, Decimal("50.00")) == Decimal("110.00")
    student = Type("amount_off", amount_off=Decimal("300.00"))
    assert seat_price(Decimal("100.00"), None, student, Decimal("50.00")) == Decimal("50.00")
