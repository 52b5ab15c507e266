"""The seat map as the page draws it: rows of cells with their labels worked out once.

Rendering a 300-seat hall with a translation tag per seat is slow, and the map is
re-rendered every few seconds while a customer looks at it; so the per-seat text is
built here, in Python, with one translation lookup per kind of text.
"""

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from marquee.booking.selectors import FREE, HELD, SeatMap, showtime_seat_map
from marquee.public.templatetags.marquee_public import money
from marquee.scheduling.models import Showtime
from marquee.scheduling.seat_map_cache import seat_map_body
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
    best_zone: bool = False


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
    """The map's rows as the grid draws them: each seat at its column (two grid columns per
    place, after the row label's), so aisles and gaps stay empty places that line up across
    rows, as in the room."""
    kinds = {value: str(label) for value, label in SeatType.choices}
    states = {FREE: _("free"), HELD: _("held by another customer")}
    sold = _("sold")
    seat_text = _("Row %(row)s, seat %(n)s, %(kind)s, %(price)s")
    zone_text = _("best seats zone")
    row_text = _("Row %(row)s")
    prices: dict[Decimal, str] = {}  # a hall has a few prices; formatting one costs more than the rest of a seat
    rows = []
    for row_number, seats in seat_map.rows:
        cells = []
        for state in seats:
            seat = state.seat
            price = prices.get(state.price) or prices.setdefault(state.price, money(state.price))
            text = seat_text % {
                "row": seat.row_number,
                "n": seat.seat_number,
                "kind": kinds[seat.seat_type],
                "price": price,
            }
            if seat.best_zone:
                text = f"{text}, {zone_text}"
            cells.append(
                Cell(
                    pk=seat.pk,
                    number=seat.seat_number,
                    column=2 * seat.column,
                    kind=seat.seat_type,
                    status=state.status,
                    price=f"{state.price:.2f}",
                    label=f"{text}, {states.get(state.status, sold)}",
                    checked=seat.pk in selected,
                    disabled=state.status != FREE or not on_sale,
                    best_zone=seat.best_zone,
                )
            )
        rows.append(Row(number=row_number, label=row_text % {"row": row_number}, cells=cells))
    return rows


def seat_map_version(seat_map: SeatMap, *, on_sale: bool) -> str:
    """Changes whenever any seat changes state: the page polls with it and gets
    "no change" (204) while it still matches."""
    taken = ",".join(f"{s.seat.pk}:{s.status}" for s in seat_map.seats if s.status != FREE)
    return hashlib.sha256(f"{on_sale}|{seat_map.showtime.pk}|{taken}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SeatMapPage:
    """What the showtime page draws from the seat map: the grid already rendered, its version
    (the page polls with it), the legend, the tariff's name and the widest row."""

    grid: str
    version: str
    legend: list[LegendEntry]
    tariff_name: str
    max_seat_number: int  # the grid's width in places (SeatMap.max_seat_number)
    has_zone: bool = False  # some seat is in the best-seats zone: the legend says how it looks

    def as_json(self) -> bytes:
        return json.dumps(
            {
                "grid": self.grid,
                "version": self.version,
                "legend": [[e.kind, e.label, None if e.price is None else str(e.price)] for e in self.legend],
                "tariff": self.tariff_name,
                "cols": self.max_seat_number,
                "zone": self.has_zone,
            }
        ).encode()

    @classmethod
    def from_json(cls, body: bytes) -> "SeatMapPage":
        data = json.loads(body)
        return cls(
            grid=mark_safe(data["grid"]),  # noqa: S308 -- rendered by our own template, escaped there
            version=data["version"],
            legend=[
                LegendEntry(kind=kind, label=label, price=None if price is None else Decimal(price))
                for kind, label, price in data["legend"]
            ],
            tariff_name=data["tariff"],
            max_seat_number=data["cols"],
            has_zone=data.get("zone", False),
        )


def seat_map_page(seat_map: SeatMap, *, on_sale: bool, selected: frozenset[int] = frozenset()) -> SeatMapPage:
    """The page's parts drawn from `seat_map`, the grid rendered in the active language."""
    version = seat_map_version(seat_map, on_sale=on_sale)
    rows = seat_rows(seat_map, selected=set(selected), on_sale=on_sale)
    grid = render_to_string("public/_seat_grid.html", {"rows": rows, "version": version})
    return SeatMapPage(
        grid=grid,
        version=version,
        legend=legend(seat_map),
        tariff_name=seat_map.tariff.name if seat_map.tariff else "",
        max_seat_number=seat_map.max_seat_number,
        has_zone=any(state.seat.best_zone for state in seat_map.seats),
    )


def cached_seat_map_page(showtime: Showtime, *, on_sale: bool) -> SeatMapPage:
    """The page's parts with no seat picked, kept like the API's map (SEAT_MAP_CACHE_SECONDS,
    a new version as soon as a hold, payment or cancellation of its seats commits): drawing
    and rendering 500 seats cost some 20 ms of CPU per view, serving them from the cache a
    tenth of one. Kept per language (the labels are translated) and per on-sale state."""

    def draw() -> bytes:
        return seat_map_page(showtime_seat_map(showtime), on_sale=on_sale).as_json()

    variant = f"page:{get_language()}:{int(on_sale)}"
    return SeatMapPage.from_json(seat_map_body(showtime.pk, draw, variant=variant))
