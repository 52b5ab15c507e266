"""Reading a row's shape back from where its seats stand (pure; no database)."""

import itertools
from collections.abc import Mapping


def row_shape(columns: Mapping[int, int]) -> tuple[int, tuple[int, ...]]:
    """The offset and aisles of a row whose seat numbers stand at `columns` (the inverse of
    marquee.venues.services.RowSpec.columns): how the builder shows a saved row. A gap of
    several places names the seat before it that many times."""
    numbers = sorted(columns)
    if not numbers:
        return 0, ()
    offset = max(columns[numbers[0]] - numbers[0], 0)
    aisles: list[int] = []
    for before, after in itertools.pairwise(numbers):
        aisles += [before] * max(columns[after] - columns[before] - 1, 0)
    return offset, tuple(aisles)
