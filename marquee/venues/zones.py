"""The hall's "best seats" zone as the layout first has it: the middle third of the rows, and
in them the middle half of the hall's width. Staff move it seat by seat afterwards."""

from collections.abc import Iterable

Place = tuple[int, int]  # (row number, column)


def default_best_zone(places: Iterable[Place]) -> set[Place]:
    """The places of `places` that fall in the default zone. A hall of one or two rows has
    every row in the middle; a narrow one has every column."""
    places = list(places)
    if not places:
        return set()
    rows = sorted({row for row, _column in places})
    third = len(rows) // 3
    middle_rows = set(rows[third : len(rows) - third])
    columns = [column for _row, column in places]
    first, last = min(columns), max(columns)
    quarter = (last - first + 1) // 4
    return {
        (row, column) for row, column in places if row in middle_rows and first + quarter <= column <= last - quarter
    }
