"""Which seats an offer proposes: side by side when a block is free, the zone and the middle first."""

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from marquee.waitlist.seating import choose_seats


@dataclass(frozen=True)
class P:
    pk: int
    row_number: int
    column: int
    best_zone: bool = False


def test_a_block_side_by_side_beats_scattered_seats():
    free = [P(1, 1, 1), P(2, 1, 3), P(3, 2, 4), P(4, 2, 5), P(5, 2, 6)]
    assert choose_seats(free, 2) in ([3, 4], [4, 5])
    assert choose_seats(free, 3) == [3, 4, 5]


def test_the_zone_first_then_the_middle_of_the_row():
    row = [P(i, 1, i) for i in range(1, 9)]
    zoned = [P(10 + i, 3, i, best_zone=True) for i in range(1, 4)]
    assert choose_seats(row + zoned, 2) in ([11, 12], [12, 13])
    assert choose_seats(row, 2) == [4, 5]


def test_split_only_when_no_row_has_the_block_and_empty_when_too_few():
    free = [P(1, 1, 1), P(2, 1, 3), P(3, 2, 2)]
    assert choose_seats(free, 2) == [1, 2]
    assert choose_seats(free, 4) == []


@st.composite
def free_places(draw):
    """Rows of places, each free or not; the middle rows are the zone."""
    rows = draw(st.lists(st.lists(st.booleans(), min_size=1, max_size=8), min_size=1, max_size=4))
    places = [(r, c) for r, row in enumerate(rows, start=1) for c, free in enumerate(row, start=1) if free]
    return [P(i, r, c, best_zone=r in (2, 3)) for i, (r, c) in enumerate(places, start=1)]


@given(free_places(), st.integers(1, 6))
def test_chosen_seats_are_free_distinct_and_together_when_possible(free, count):
    chosen = choose_seats(free, count)
    by_pk = {p.pk: p for p in free}
    if len(free) < count:
        assert chosen == []
        return
    assert len(set(chosen)) == count and set(chosen) <= set(by_pk)
    columns = {(p.row_number, p.column) for p in free}
    together_exists = any(all((r, c + k) in columns for k in range(count)) for r, c in columns)
    seats = sorted((by_pk[pk].row_number, by_pk[pk].column) for pk in chosen)
    together = len({r for r, _c in seats}) == 1 and seats[-1][1] - seats[0][1] == count - 1
    assert together == together_exists
