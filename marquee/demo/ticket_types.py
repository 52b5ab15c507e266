"""The demo's ticket types, and who sits in the demo's seats.

Adult is the default the migration makes; the demo adds Child (×0.6, never under 60.00, films
rated up to 12), Student (30.00 off, "show student ID") and Senior (×0.7, "show ID 60+"), through
the staff service as a cinema's admin would. The bulk bookings then seat some children, students
and seniors, each priced by the one rule (`seat_price`), drawn from a generator of the showtime's
own so that the rest of the demo draws as before.
"""

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from marquee.pricing.models import PriceRule, TicketType
from marquee.pricing.prices import TariffLike, seat_price
from marquee.pricing.ticket_types import ticket_type_allowed, ticket_type_create

DEMO_TYPES: list[dict[str, Any]] = [
    {
        "code": "child",
        "name_en": "Child",
        "name_uk": "Дитячий",
        "door_note_en": "Under 14",
        "door_note_uk": "До 14 років",
        "rule": PriceRule.MULTIPLIER,
        "multiplier": Decimal("0.600"),
        "min_price": Decimal("60.00"),
        "max_age_rating": 12,
        "position": 1,
    },
    {
        "code": "student",
        "name_en": "Student",
        "name_uk": "Студентський",
        "door_note_en": "Show student ID",
        "door_note_uk": "Покажіть студентський квиток",
        "rule": PriceRule.AMOUNT_OFF,
        "amount_off": Decimal("30.00"),
        "position": 2,
    },
    {
        "code": "senior",
        "name_en": "Senior",
        "name_uk": "Пенсійний",
        "door_note_en": "Show ID 60+",
        "door_note_uk": "Покажіть посвідчення 60+",
        "rule": PriceRule.MULTIPLIER,
        "multiplier": Decimal("0.700"),
        "position": 3,
    },
]

# How often a seat goes to each reduced type where the film allows it; the rest are adults.
SHARES = {"child": 0.10, "student": 0.09, "senior": 0.06}


def seed_ticket_types() -> list[TicketType]:
    """Adult (the default) and the demo's reduced types, default first (those already there,
    by code, are kept as they are: a cinema's own edits win)."""
    kept = {t.code: t for t in TicketType.objects.filter(code__in=[spec["code"] for spec in DEMO_TYPES])}
    made = [kept.get(spec["code"]) or ticket_type_create(**spec) for spec in DEMO_TYPES]
    return [TicketType.objects.get(is_default=True), *made]


@dataclass(frozen=True)
class SeatTypes:
    """One showtime's types as the bulk bookings draw them, each seat's price by the rule."""

    default: TicketType
    reduced: list[TicketType]  # those sold for this film
    prices: dict[tuple[str, Decimal], Decimal]  # (type code, base price) → price

    def draw(self, rng: random.Random, count: int) -> list[TicketType]:
        types = []
        for _seat in range(count):
            roll = rng.random()
            chosen = self.default
            for kind in self.reduced:
                roll -= SHARES.get(kind.code, 0.0)
                if roll < 0:
                    chosen = kind
                    break
            types.append(chosen)
        return types

    def price(self, kind: TicketType, base: Decimal) -> Decimal:
        return self.prices[(kind.code, base)]


def seat_types_for(
    types: Sequence[TicketType],
    *,
    age_rating: int,
    tariff: TariffLike | None,
    bases: Iterable[Decimal],
    surcharge: Decimal = Decimal(0),
) -> SeatTypes:
    sold = [t for t in types if ticket_type_allowed(t, age_rating)]
    prices = {(t.code, base): seat_price(base, tariff, t, surcharge) for t in sold for base in bases}
    default = next(t for t in types if t.is_default)
    return SeatTypes(default=default, reduced=[t for t in sold if not t.is_default], prices=prices)
