"""The pricing rule of domain.md, with no database: easy to reason about and to test.

final_price = round_half_up(seat.base_price × multiplier, 2), where the multiplier is
that of the tariff whose [start, end) range holds the showtime's local start time,
or 1 where none does; then the ticket type's rule and the format's surcharge (`seat_price`).
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol

from marquee.core.money import to_money


class TariffLike(Protocol):
    start_time: dt.time
    end_time: dt.time
    price_multiplier: Decimal
    days_mask: int


def tariff_applies(tariff: TariffLike, local_start: dt.datetime) -> bool:
    on_day = bool(tariff.days_mask & (1 << local_start.weekday()))
    moment = local_start.time().replace(tzinfo=None)
    return on_day and tariff.start_time <= moment < tariff.end_time


def tariff_for[T: TariffLike](tariffs: Iterable[T], local_start: dt.datetime) -> T | None:
    """The tariff in force at `local_start` (tariffs never overlap, so at most one)."""
    for tariff in tariffs:
        if tariff_applies(tariff, local_start):
            return tariff
    return None


class TicketTypeLike(Protocol):
    rule: str  # "multiplier" or "amount_off" (marquee.pricing.models.PriceRule)
    multiplier: Decimal
    amount_off: Decimal
    min_price: Decimal


def seat_price(
    base_price: Decimal,
    tariff: TariffLike | None,
    ticket_type: TicketTypeLike | None = None,
    surcharge: Decimal = Decimal(0),
) -> Decimal:
    """The price of one seat, rounded half up once, at the end.

    The tariff's price of the seat (base × multiplier), then the ticket type's rule (times its
    multiplier, or less its amount off), never below the type's floor nor above the tariff's
    price (a type is a reduction, never a charge), then the format's surcharge, which no type
    reduces.
    """
    full = base_price * (tariff.price_multiplier if tariff is not None else Decimal(1))
    price = full
    if ticket_type is not None:
        off = ticket_type.rule == "amount_off"
        price = full - ticket_type.amount_off if off else full * ticket_type.multiplier
        price = min(max(price, ticket_type.min_price), full)
    return to_money(max(price, Decimal(0)) + surcharge)


def ranges_overlap(a: TariffLike, b: TariffLike) -> bool:
    """Two tariffs overlap when they share a weekday and a moment of the day."""
    share_day = bool(a.days_mask & b.days_mask)
    return share_day and a.start_time < b.end_time and b.start_time < a.end_time
