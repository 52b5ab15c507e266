"""The promo code's rules, pure: whether a code applies to a booking, and what it takes off.

No database here, so every reason and every cent is easy to test (tests/promotions/test_rules.py,
with hypothesis for the rounding and the spreading).
"""

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_noop

from marquee.core.money import CENT, to_money

# What staff may type as a code: letters, digits, dash and underscore (customers type it, and it
# goes in CSV files and links); stored in capitals.
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,39}$")
PERCENT = "percent"
AMOUNT = "amount"

# Why a code is refused, in words a customer understands (marked for the catalogue: pages show
# them in the visitor's language through core.errors.in_language; the API answers the English).
UNKNOWN = gettext_noop("There is no such promo code.")
INACTIVE = gettext_noop("This promo code is no longer valid.")
NOT_YET = gettext_noop("This promo code is not valid yet.")
EXPIRED = gettext_noop("This promo code has expired.")
WRONG_DAY = gettext_noop("This promo code is not valid on this day of the week.")
WRONG_MOVIE = gettext_noop("This promo code is not valid for this film.")
WRONG_FORMAT = gettext_noop("This promo code is not valid for this format.")
WRONG_SHOWTIME = gettext_noop("This promo code is not valid for this showtime.")
USED_UP = gettext_noop("This promo code has been used up.")
ALREADY_USED = gettext_noop("You have already used this promo code.")


def normalise_code(raw: str) -> str:
    """A code as stored: trimmed, in capitals, inner spaces dropped ("kino 20" is KINO20)."""
    return "".join(raw.split()).upper()


@dataclass(frozen=True)
class CodeRules:
    """A code's rules as plain values (see promotions.models.PromoCode)."""

    is_active: bool
    valid_from: dt.date | None
    valid_until: dt.date | None
    days_mask: int
    movie_ids: frozenset[int]  # empty: every movie
    format_ids: frozenset[int]
    showtime_ids: frozenset[int]


@dataclass(frozen=True)
class Occasion:
    """What a code is checked against: the purchase and the showtime."""

    bought_on: dt.date  # the cinema's local day of the purchase
    showtime_id: int
    movie_id: int
    format_id: int | None
    starts_local: dt.datetime  # the showtime's start in the cinema's time zone


def refusal(rules: CodeRules, occasion: Occasion) -> str | None:
    """The reason the code does not apply (one of the sentences above), or None. Uses are
    counted apart (they need the database); they are checked after these."""
    if not rules.is_active:
        return INACTIVE
    if rules.valid_from is not None and occasion.bought_on < rules.valid_from:
        return NOT_YET
    if rules.valid_until is not None and occasion.bought_on > rules.valid_until:
        return EXPIRED
    if not rules.days_mask & (1 << occasion.starts_local.weekday()):
        return WRONG_DAY
    if rules.movie_ids and occasion.movie_id not in rules.movie_ids:
        return WRONG_MOVIE
    if rules.format_ids and occasion.format_id not in rules.format_ids:
        return WRONG_FORMAT
    if rules.showtime_ids and occasion.showtime_id not in rules.showtime_ids:
        return WRONG_SHOWTIME
    return None


def uses_refusal(
    *, max_uses: int | None, uses: int, max_uses_per_customer: int | None, customer_uses: int
) -> str | None:
    """Counted from the active bookings carrying the code (this one left out)."""
    if max_uses is not None and uses >= max_uses:
        return USED_UP
    if max_uses_per_customer is not None and customer_uses >= max_uses_per_customer:
        return ALREADY_USED
    return None


def discounts(prices: Sequence[Decimal], *, kind: str, value: Decimal) -> list[Decimal]:
    """What the code takes off each seat's price, in the seats' order.

    Percent: each seat's share rounded half up, so a seat's ticket says what it cost.
    Amount (off the whole booking, never more than its total): spread over the seats in
    proportion to their prices, the cents left by rounding down given to the largest
    remainders (ties to the earlier seat), so the shares add up to the amount exactly and no
    seat goes below zero.
    """
    if kind == PERCENT:
        rate = value / Decimal(100)
        return [min(price, (price * rate).quantize(CENT, rounding=ROUND_HALF_UP)) for price in prices]
    cents = [int(price * 100) for price in prices]
    total = sum(cents)
    off = min(int(to_money(value) * 100), total)
    if total == 0 or off == 0:
        return [Decimal("0.00") for _ in prices]
    shares = [c * off // total for c in cents]
    remainders = [c * off % total for c in cents]
    left = off - sum(shares)
    for index in sorted(range(len(cents)), key=lambda i: (-remainders[i], i))[:left]:
        shares[index] += 1
    return [Decimal(share) / 100 for share in shares]
