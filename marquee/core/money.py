"""Money is Decimal with two places, rounded half up, in one currency (a setting)."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(value: Decimal) -> str:
    """The API's money string: two decimals, no grouping (`"150.00"`)."""
    return f"{to_money(value):.2f}"
