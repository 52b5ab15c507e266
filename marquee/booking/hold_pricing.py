"""What a hold's prices rest on, kept per process, and the prices themselves.

A hold prices its seats in Python (marquee.pricing: `tariff_for`, `ticket_types_choose`,
`seat_price`), which needs the tariffs, the ticket types, the showtime (start, format, film's
age rating) and its hall's seats. Reading them costs round trips on every hold, though they
change a few times a season. So each process keeps a copy, and on PostgreSQL the hold's
database function checks the copy against the rows it reads anyway (hold_sql.py): a copy out
of date answers "stale", the copy is dropped and read again, and the hold runs once more. No
price is ever frozen from a copy the database did not confirm.

On SQLite nothing is kept: the hold reads the same data inside its transaction (one writer at
a time, no round trip to save) and prices it with the same `price_seats`.
"""

import datetime as dt
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from marquee.core.clock import local
from marquee.pricing.models import Tariff, TicketType
from marquee.pricing.prices import seat_price, tariff_for
from marquee.pricing.ticket_types import ticket_types_choose
from marquee.scheduling.models import Showtime
from marquee.venues.models import Seat

# How many showtimes and halls a process keeps: a night's programme many times over, and a
# bound on memory (a hall's seats are kept as tuples, a few dozen bytes each).
MAX_SHOWTIMES = 2048
MAX_HALLS = 256


@dataclass(frozen=True)
class PricingCopy:
    """Every tariff and ticket type, with the fingerprint the database gave them (PostgreSQL)."""

    fingerprint: str
    tariffs: tuple[Tariff, ...]
    ticket_types: tuple[TicketType, ...]


# A seat of the hall as the copy has it: row, number, seat type, base price.
type SeatFacts = tuple[int, int, str, Decimal]


@dataclass(frozen=True)
class ShowtimeCopy:
    showtime: Showtime  # with its hall, movie and format; never changed once kept
    seats: Mapping[int, SeatFacts]  # every seat of its hall, by id

    @property
    def versions(self) -> list[dt.datetime | None]:
        """What the database compares: when the showtime, its movie, hall and format last changed."""
        show = self.showtime
        return [
            show.updated_at,
            show.movie.updated_at,
            show.hall.updated_at,
            show.format.updated_at if show.format else None,
        ]


_lock = threading.Lock()
_pricing: PricingCopy | None = None
_showtimes: dict[int, ShowtimeCopy] = {}
_halls: dict[int, Mapping[int, SeatFacts]] = {}


def forget() -> None:
    """Drop every copy (the database answered "stale"): the next hold reads them again."""
    global _pricing
    with _lock:
        _pricing = None
        _showtimes.clear()
        _halls.clear()


def pricing_copy() -> PricingCopy:
    global _pricing
    copy = _pricing
    if copy is None:
        # The fingerprint first, then the rows: rows changed in between are newer than the
        # fingerprint says, so the next hold finds it stale and reads again, never the reverse.
        with connection.cursor() as cursor:
            cursor.execute("SELECT marquee_hold_pricing_fingerprint()")
            fingerprint = cursor.fetchone()[0]
        copy = PricingCopy(fingerprint, tuple(Tariff.objects.all()), tuple(TicketType.objects.all()))
        with _lock:
            _pricing = copy
    return copy


def showtime_copy(showtime_id: int) -> ShowtimeCopy | None:
    """The showtime (and its hall's seats) as kept, read on first use; None if there is none."""
    copy = _showtimes.get(showtime_id)
    if copy is not None:
        return copy
    showtime = Showtime.objects.select_related("hall", "movie", "format").filter(pk=showtime_id).first()
    if showtime is None:
        return None
    seats = _halls.get(showtime.hall_id)
    if seats is None:
        seats = hall_seats(showtime.hall_id)
    copy = ShowtimeCopy(showtime, seats)
    with _lock:
        if len(_showtimes) >= MAX_SHOWTIMES:
            _showtimes.clear()
        if len(_halls) >= MAX_HALLS:
            _halls.clear()
        _showtimes[showtime_id] = copy
        _halls[showtime.hall_id] = seats
    return copy


def hall_seats(hall_id: int) -> dict[int, SeatFacts]:
    rows = Seat.objects.filter(hall_id=hall_id).values_list(
        "pk", "row_number", "seat_number", "seat_type", "base_price"
    )
    return {pk: (row, number, kind, base) for pk, row, number, kind, base in rows}


def seat_from_facts(seat_id: int, hall_id: int, facts: SeatFacts) -> Seat:
    """The Seat the hold's answer shows, built from the copy (the database checked it)."""
    row, number, kind, base = facts
    seat = Seat(pk=seat_id, hall_id=hall_id, row_number=row, seat_number=number, seat_type=kind, base_price=base)
    seat._state.adding = False
    seat._state.db = "default"
    return seat


@dataclass(frozen=True)
class PricedSeats:
    tariff: Tariff | None
    # In the order of the seats given: the seat, its ticket type and its price.
    lines: list[tuple[Seat, TicketType | None, Decimal]]

    @property
    def total(self) -> Decimal:
        return sum((price for _seat, _kind, price in self.lines), Decimal("0.00"))


def price_seats(
    *,
    showtime: Showtime,
    seats: Sequence[Seat],
    tariffs: Sequence[Tariff],
    ticket_types: Sequence[TicketType],
    chosen: Mapping[int, str] | None,
) -> PricedSeats:
    """Each seat priced by the tariff in force at the showtime's start, its ticket type (chosen,
    else the default) and the format's surcharge. ValidationFailed for a ticket type refused."""
    types = ticket_types_choose(
        types=ticket_types, seat_ids=[s.pk for s in seats], chosen=chosen, age_rating=showtime.movie.age_rating
    )
    tariff = tariff_for(tariffs, local(showtime.starts_at))
    surcharge = showtime.surcharge
    lines = [(s, types[s.pk], seat_price(s.base_price, tariff, types[s.pk], surcharge)) for s in seats]
    return PricedSeats(tariff, lines)
