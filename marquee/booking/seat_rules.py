"""The seating rules as pure functions: which seats are side by side, which free seat a hold
would leave stranded, and which block of seats is the best one free. No database: the hold
(booking/services.py) and the best-available service give them the hall's places and the
seats taken, and act on the answer.

Side by side means the same row and columns that differ by one; a missing column is an aisle
or a gap. A *stranded* seat is a free seat left alone: its neighbours on both sides are taken,
an aisle or the row's end. A seat alone between two aisles (a section of one) is never counted:
no hold makes it so. The rule is about holds that *create* a stranded seat.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

# How many adjacent rows a party may be split over when no row has room for it together.
MAX_SPLIT_ROWS = 3
# A block's distance from the zone's centre: a row away weighs this many columns; a block in
# front of the centre (nearer the screen) pays a little more than one behind it.
ROW_WEIGHT = 2.0
IN_FRONT_PENALTY = 0.25


@dataclass(frozen=True)
class Place:
    """One seat as the rules see it."""

    seat_id: int
    row: int
    column: int
    seat_type: str
    best_zone: bool


def _anyone(_place: Place) -> bool:
    return True


def _sections(places: Iterable[Place]) -> list[list[Place]]:
    """Runs of places side by side, row by row, left to right (aisles split a row)."""
    by_row: dict[int, list[Place]] = {}
    for place in places:
        by_row.setdefault(place.row, []).append(place)
    sections: list[list[Place]] = []
    for row in sorted(by_row):
        current: list[Place] = []
        for place in sorted(by_row[row], key=lambda p: p.column):
            if current and place.column != current[-1].column + 1:
                sections.append(current)
                current = []
            current.append(place)
        sections.append(current)
    return sections


def _stranded_in(section: Sequence[Place], taken: set[int]) -> set[int]:
    if len(section) < 2:
        return set()  # a seat alone between aisles: nothing strands it
    stranded: set[int] = set()
    for index, place in enumerate(section):
        if place.seat_id in taken:
            continue
        left_closed = index == 0 or section[index - 1].seat_id in taken
        right_closed = index == len(section) - 1 or section[index + 1].seat_id in taken
        if left_closed and right_closed:
            stranded.add(place.seat_id)
    return stranded


def stranded_seats(places: Iterable[Place], taken: set[int]) -> set[int]:
    """The free seats left single: each side taken, an aisle or the row's end."""
    stranded: set[int] = set()
    for section in _sections(places):
        stranded |= _stranded_in(section, taken)
    return stranded


def new_stranded_seats(places: Iterable[Place], taken: set[int], chosen: Sequence[int]) -> set[int]:
    """The seats that taking `chosen` (free, besides `taken`) would leave stranded anew."""
    places = list(places)
    wanted = set(chosen)
    rows = {p.row for p in places if p.seat_id in wanted}
    touched = [p for p in places if p.row in rows]
    before = stranded_seats(touched, taken)
    after = stranded_seats(touched, taken | wanted)
    return after - before


def leaves_single_gap(places: Iterable[Place], taken: set[int], chosen: Sequence[int]) -> bool:
    """Whether taking `chosen` leaves a free seat stranded that was not before."""
    return bool(new_stranded_seats(places, taken, chosen))


# --- scoring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Centre:
    row: float
    column: float


def _zone_centre(places: Sequence[Place]) -> _Centre:
    zone = [p for p in places if p.best_zone] or list(places)
    if not zone:
        return _Centre(0.0, 0.0)
    return _Centre(sum(p.row for p in zone) / len(zone), sum(p.column for p in zone) / len(zone))


def _distance(block: Sequence[Place], centre: _Centre) -> float:
    row = sum(p.row for p in block) / len(block)
    column = sum(p.column for p in block) / len(block)
    distance = ROW_WEIGHT * abs(row - centre.row) + abs(column - centre.column)
    if row < centre.row:
        distance += IN_FRONT_PENALTY
    return distance


class Layout:
    """A hall's places indexed for scoring many blocks: by position, and the zone's centre."""

    def __init__(self, places: Iterable[Place]) -> None:
        self.places = list(places)
        self.at = {(p.row, p.column): p for p in self.places}
        self.centre = _zone_centre(self.places)

    def strands(self, taken: set[int], block: Iterable[Place]) -> bool:
        """leaves_single_gap in time of the block's size: only a free neighbour of a seat
        taken now can be stranded anew, and it was not stranded before (that seat was free)."""
        chosen = {(p.row, p.column) for p in block}

        def closed(position: tuple[int, int]) -> bool:
            place = self.at.get(position)
            return place is None or position in chosen or place.seat_id in taken

        for row, column in chosen:
            for side in (column - 1, column + 1):
                neighbour = self.at.get((row, side))
                if neighbour is None or (row, side) in chosen or neighbour.seat_id in taken:
                    continue
                if closed((row, side - 1)) and closed((row, side + 1)):
                    return True
        return False


type Score = tuple[int, int, int, float, int, int]


def block_score(layout: Layout, taken: set[int], block: Sequence[Place]) -> Score:
    """How good a block is, smaller is better: a block that strands a seat last; then fewer
    rows; then fewer seats outside the zone; then nearer the zone's centre (rows weigh more
    than columns, a little less in front); then front-to-back, left-to-right for ties."""
    return (
        1 if layout.strands(taken, block) else 0,
        len({p.row for p in block}),
        sum(1 for p in block if not p.best_zone),
        round(_distance(block, layout.centre), 6),
        min(p.row for p in block),
        min(p.column for p in block),
    )


def _usable(
    places: Sequence[Place], taken: set[int], seat_type: str | None, allowed: Callable[[Place], bool]
) -> Callable[[Place], bool]:
    def usable(place: Place) -> bool:
        return place.seat_id not in taken and (seat_type is None or place.seat_type == seat_type) and allowed(place)

    return usable


def _windows(section: Sequence[Place], size: int, usable: Callable[[Place], bool]) -> list[list[Place]]:
    """Every run of `size` usable places side by side in the section."""
    windows: list[list[Place]] = []
    run: list[Place] = []
    for place in section:
        if usable(place):
            run.append(place)
            if len(run) >= size:
                windows.append(run[-size:])
        else:
            run = []
    return windows


def row_blocks(
    places: Sequence[Place],
    taken: set[int],
    count: int,
    *,
    seat_type: str | None = None,
    allowed: Callable[[Place], bool] = _anyone,
) -> list[list[Place]]:
    """Every block of `count` usable seats side by side in one row."""
    usable = _usable(places, taken, seat_type, allowed)
    return [w for section in _sections(places) for w in _windows(section, count, usable)]


def _compositions(total: int, parts: int) -> list[tuple[int, ...]]:
    if parts == 1:
        return [(total,)]
    return [(first, *rest) for first in range(1, total - parts + 2) for rest in _compositions(total - first, parts - 1)]


def _overlap(a: Sequence[Place], b: Sequence[Place]) -> bool:
    return a[0].column <= b[-1].column and b[0].column <= a[-1].column


def _split_blocks(places: Sequence[Place], count: int, rows: int, usable: Callable[[Place], bool]) -> list[list[Place]]:
    """Blocks of `count` seats over `rows` adjacent rows, one run per row, each run's columns
    overlapping the next one's."""
    sections_by_row: dict[int, list[list[Place]]] = {}
    for section in _sections(places):
        sections_by_row.setdefault(section[0].row, []).append(section)
    windows: dict[tuple[int, int], list[list[Place]]] = {}

    def row_windows(row: int, size: int) -> list[list[Place]]:
        key = (row, size)
        if key not in windows:
            windows[key] = [w for s in sections_by_row.get(row, []) for w in _windows(s, size, usable)]
        return windows[key]

    found: list[list[Place]] = []
    for first in sorted(sections_by_row):
        span = list(range(first, first + rows))
        if any(r not in sections_by_row for r in span):
            continue
        for sizes in _compositions(count, rows):
            partial: list[list[list[Place]]] = [[w] for w in row_windows(span[0], sizes[0])]
            for row, size in zip(span[1:], sizes[1:], strict=True):
                partial = [[*runs, w] for runs in partial for w in row_windows(row, size) if _overlap(runs[-1], w)]
            found.extend([p for run in runs for p in run] for runs in partial)
    return found


def best_block(
    places: Sequence[Place],
    taken: set[int],
    count: int,
    *,
    seat_type: str | None = None,
    allowed: Callable[[Place], bool] = _anyone,
    needs: Callable[[Sequence[Place]], bool] | None = None,
) -> list[int] | None:
    """The best free block of `count` seats (ids, left to right, front to back), or None.

    Together in one row when any row has room; else split over as few adjacent rows as
    possible (columns overlapping) as a last resort. A block that strands a seat is chosen
    only when every block does. Only seats of `seat_type` (when given) that `allowed` admits,
    and only blocks that `needs` admits, when given (a wheelchair space among them, say).
    """
    places = list(places)
    if count < 1:
        return None
    usable = _usable(places, taken, seat_type, allowed)
    layout = Layout(places)
    fallback: list[Place] | None = None
    for rows in range(1, min(count, MAX_SPLIT_ROWS) + 1):
        if rows == 1:
            blocks = row_blocks(places, taken, count, seat_type=seat_type, allowed=allowed)
        else:
            blocks = _split_blocks(places, count, rows, usable)
        if needs is not None:
            blocks = [block for block in blocks if needs(block)]
        if not blocks:
            continue
        best = min(blocks, key=lambda block: block_score(layout, taken, block))
        if not layout.strands(taken, best):
            return _ids(best)
        if fallback is None:
            fallback = best
    return _ids(fallback) if fallback is not None else None


def seats_for(places: Sequence[Place], taken: set[int], count: int, *, allowed: Callable[[Place], bool]) -> list[int]:
    """The best block (best_block), else the first `count` free seats front to back, split
    anywhere: for an offer to someone waiting, which a missing block must not stop. [] when
    fewer are free."""
    chosen = best_block(places, taken, count, allowed=allowed)
    if chosen is not None:
        return chosen
    usable = _usable(places, taken, None, allowed)
    free = sorted((p for p in places if usable(p)), key=lambda p: (p.row, p.column, p.seat_id))
    return _ids(free[:count]) if count >= 1 and len(free) >= count else []


def _ids(block: Sequence[Place]) -> list[int]:
    return [p.seat_id for p in sorted(block, key=lambda p: (p.row, p.column))]


# --- a choice that strands nobody ---------------------------------------------------------


def _section_choices(
    section: Sequence[Place], taken: set[int], usable: Callable[[Place], bool], most: int
) -> dict[int, list[int]]:
    """For each number t of seats (0..most), one choice of t usable seats of the section that
    leaves no seat stranded anew, where there is one.

    A walk along the section: each place is taken already (T), picked (P) or left free (F).
    A free place goes wrong when both its sides are taken, picked or the end, and one of
    them was picked (both taken already: it was stranded before, not by this choice)."""
    if len(section) < 2:
        only = section[0] if section else None
        single: dict[int, list[int]] = {0: []}
        if only is not None and only.seat_id not in taken and usable(only) and most >= 1:
            single[1] = [only.seat_id]
        return single
    # state: (count, status of the previous place, status of the one before) → seats picked
    edge = "E"
    states: dict[tuple[int, str, str], list[int]] = {(0, edge, edge): []}
    for place in section:
        options = ["T"] if place.seat_id in taken else (["F", "P"] if usable(place) else ["F"])
        following: dict[tuple[int, str, str], list[int]] = {}
        for (picked, previous, before), seats in states.items():
            for status in options:
                if previous == "F" and _strands(before, status):
                    continue
                total = picked + (status == "P")
                if total > most:
                    continue
                key = (total, status, previous)
                if key not in following:
                    following[key] = [*seats, place.seat_id] if status == "P" else seats
        states = following
    choices: dict[int, list[int]] = {}
    for (picked, previous, before), seats in states.items():
        if previous == "F" and _strands(before, edge):
            continue
        choices.setdefault(picked, seats)
    return choices


def _strands(left: str, right: str) -> bool:
    closed = {"T", "P", "E"}
    return left in closed and right in closed and "P" in (left, right)


def _near(places: Sequence[Place], target: Sequence[Place]) -> Callable[[Sequence[Place]], float]:
    row = sum(p.row for p in target) / len(target)
    column = sum(p.column for p in target) / len(target)

    def distance(section: Sequence[Place]) -> float:
        return min(ROW_WEIGHT * abs(p.row - row) + abs(p.column - column) for p in section)

    return distance


def gap_free_alternative(
    places: Sequence[Place],
    taken: set[int],
    chosen: Sequence[int],
    *,
    allowed: Callable[[Place], bool] = _anyone,
) -> list[int] | None:
    """A choice of as many seats as `chosen` (free seats besides `taken`) that strands no
    seat, near them: a block in one row if there is one, else seats from the sections nearest
    them. None when every choice of that many seats would strand one."""
    places = list(places)
    count = len(chosen)
    if count < 1:
        return None
    wanted = set(chosen)
    target = [p for p in places if p.seat_id in wanted] or places
    usable = _usable(places, taken, None, allowed)
    distance = _near(places, target)
    layout = Layout(places)
    blocks = [
        block
        for section in _sections(places)
        for block in _windows(section, count, usable)
        if not layout.strands(taken, block)
    ]
    if blocks:
        return _ids(min(blocks, key=lambda b: (distance(b), min(p.row for p in b), min(p.column for p in b))))
    # Seats from several sections: the nearest sections first, each giving what it can.
    reachable: dict[int, list[int]] = {0: []}
    for section in sorted(_sections(places), key=distance):
        choices = _section_choices(section, taken, usable, count)
        grown = dict(reachable)
        for have, seats in reachable.items():
            for more, extra in choices.items():
                if more and have + more <= count and have + more not in grown:
                    grown[have + more] = [*seats, *extra]
        reachable = grown
        if count in reachable:
            by_id = {p.seat_id: p for p in places}
            return _ids([by_id[i] for i in reachable[count]])
    return None
