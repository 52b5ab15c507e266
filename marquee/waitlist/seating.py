"""Which free seats an offer holds: a pure choice, no database.

The first in line gets `count` seats side by side in one row where such a block is free: the
block with most seats in the best-seats zone, then the one nearest the middle of its row's
free places, then the nearer row to the screen. Where no row has such a block, the seats are
the first free ones by row and place (split, but never refused: the customer asked to be told
of any seats). The hold decides: this only proposes.
"""

from collections.abc import Sequence
from typing import Protocol


class Place(Protocol):
    @property
    def pk(self) -> int: ...

    @property
    def row_number(self) -> int: ...

    @property
    def column(self) -> int: ...

    @property
    def best_zone(self) -> bool: ...


def _runs(seats: Sequence[Place]) -> list[list[Place]]:
    """Maximal runs of side-by-side seats (columns one apart) in one row."""
    runs: list[list[Place]] = []
    for seat in sorted(seats, key=lambda s: (s.row_number, s.column, s.pk)):
        last = runs[-1][-1] if runs else None
        if last is not None and last.row_number == seat.row_number and seat.column == last.column + 1:
            runs[-1].append(seat)
        else:
            runs.append([seat])
    return runs


def choose_seats(free: Sequence[Place], count: int) -> list[int]:
    """`count` seat ids from `free` (side by side where possible); [] when too few are free."""
    if count < 1 or len(free) < count:
        return []
    row_middle: dict[int, float] = {}
    for row in {s.row_number for s in free}:
        columns = [s.column for s in free if s.row_number == row]
        row_middle[row] = (min(columns) + max(columns)) / 2
    best: tuple[tuple[int, float, int, int], list[Place]] | None = None
    for run in _runs(free):
        for start in range(len(run) - count + 1):
            block = run[start : start + count]
            middle = (block[0].column + block[-1].column) / 2
            row = block[0].row_number
            score = (-sum(s.best_zone for s in block), abs(middle - row_middle[row]), row, block[0].column)
            if best is None or score < best[0]:
                best = (score, block)
    if best is not None:
        return sorted(s.pk for s in best[1])
    ordered = sorted(free, key=lambda s: (s.row_number, s.column, s.pk))
    return sorted(s.pk for s in ordered[:count])
