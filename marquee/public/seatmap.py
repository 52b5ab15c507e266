"""The seat map as the page draws it: rows of cells with their labels worked out once.

Rendering a 300-seat hall with a translation tag per seat is slow, and the map is
re-rendered every few seconds while a customer looks at it; so the per-seat text is
built here, in Python, with one translation lookup per kind of text.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from marquee.booking.selectors import FREE, HELD, SeatMap
from marquee.public.templatetags.marquee_public import money
from marquee.venues.models import SeatType


@dataclass(frozen=True)
class Cell:
    pk: int
    number: int
    column: int
    kind: str
    status: str
    price: str
    label: str
    checked: bool
    disabled: bool


@dataclass(frozen=True)
class Row:
    number: int
    label: str
    cells: list[Cell]


@dataclass(frozen=True)
class LegendEntry:
    kind: str
    label: str
    price: Decimal | None  # None where seats of the kind differ in price


def legend(seat_map: SeatMap) -> list[LegendEntry]:
    """The seat types of this hall with their prices, in the usual order."""
    prices = seat_map.prices_by_type()
    return [LegendEntry(kind=v, label=str(label), price=prices[v]) for v, label in SeatType.choices if v in prices]


def seat_rows(seat_map: SeatMap, *, selected: set[int], on_sale: bool) -> list[Row]:
    kinds = {value: str(label) for value, label in SeatType.choices}
    states = {FREE: _("free"), HELD: _("held by another customer")}
    sold = _("sold")
    seat_text = _("Row %(row)s, seat %(n)s, %(kind)s, %(price)s")
    row_text = _("Row %(row)s")
    widest = seat_map.max_seat_number
    rows = []
    for row_number, seats in seat_map.rows:
        # Rows shorter than the widest are centred on the screen, as in the room. The grid
        # has two columns per seat, so a row can move by half a seat.
        offset = widest - max(state.seat.seat_number for state in seats)
        cells = []
        for state in seats:
            seat = state.seat
            price = money(state.price)
            text = seat_text % {
                "row": seat.row_number,
                "n": seat.seat_number,
                "kind": kinds[seat.seat_type],
                "price": price,
            }
            cells.append(
                Cell(
                    pk=seat.pk,
                    number=seat.seat_number,
                    column=2 * seat.seat_number + offset,
                    kind=seat.seat_type,
                    status=state.status,
                    price=f"{state.price:.2f}",
                    label=f"{text}, {states.get(state.status, sold)}",
                    checked=seat.pk in selected,
                    disabled=state.status != FREE or not on_sale,
                )
            )
        rows.append(Row(number=row_number, label=row_text % {"row": row_number}, cells=cells))
    return rows


def seat_map_version(seat_map: SeatMap, *, on_sale: bool) -> str:
    """Changes whenever any seat changes state: the page polls with it and gets
    "no change" (204) while it still matches."""
    taken = ",".join(f"{s.seat.pk}:{s.status}" for s in seat_map.seats if s.status != FREE)
    return hashlib.sha256(f"{on_sale}|{seat_map.showtime.pk}|{taken}".encode()).hexdigest()[:16]
