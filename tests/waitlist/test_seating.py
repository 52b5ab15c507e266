"""Which seats an offer proposes (booking.seat_rules.seats_for, the best-available rules):
side by side when a block is free, the zone first, split only when no row has room, and never
refused for want of a block."""

from hypothesis import given
from hypothesis import strategies as st

from marquee.booking.seat_rules import Place, leaves_single_gap, seats_for
from marquee.waitlist.selectors import Offerable


def _anyone(_place: Place) -> bool:
    return True


def _hall(rows: list[str]) -> list[Place]:
    """One string a row: "." a seat, " " an aisle, "z" a seat in the best-seats zone."""
    places, pk = [], 0
    for r, row in enumerate(rows, start=1):
        for c, mark in enumerate(row, start=1):
            if mark != " ":
                pk += 1
                places.append(Place(pk, r, c, "standard", mark == "z"))
    return places


def test_a_block_side_by_side_beats_scattered_seats():
    places = _hall(["...", "...."])
    taken = {2, 4}  # row 1: 1 _ 3; row 2: _ 5 6 7
    assert seats_for(places, taken, 3, allowed=_anyone) == [5, 6, 7]


def test_the_zone_comes_first():
    places = _hall(["........", "........", "..zzzz..", "........"])
    chosen = seats_for(places, set(), 2, allowed=_anyone)
    assert {p.seat_id for p in places if p.best_zone} >= set(chosen)


def test_split_when_no_row_has_the_block_and_empty_when_too_few():
    places = _hall([".", ".", "."])  # one seat a row: a party of two is split
    assert seats_for(places, set(), 2, allowed=_anyone) in ([1, 2], [2, 3])  # adjacent rows
    far_apart = _hall(["..........", "..........", "..........", "..........", ".........."])
    taken = {p.seat_id for p in far_apart if p.seat_id not in (1, 50)}  # corners, five rows apart
    assert seats_for(far_apart, taken, 2, allowed=_anyone) == [1, 50]  # still offered
    assert seats_for(far_apart, taken, 3, allowed=_anyone) == []


def test_an_offer_keeps_wheelchair_spaces_for_those_who_ask():
    kinds = ("wheelchair", "companion", "standard")
    places = [Place(n, 1, n, kind, False) for n, kind in enumerate(kinds, start=1)]
    offer = Offerable(places=places, taken=set(), allowed=lambda p: p.seat_type == "standard")
    assert offer.free == [3] and offer.choose(1) == [3] and offer.choose(2) == []


@st.composite
def halls(draw):
    """Rows of places, each taken or not; the middle rows are the zone."""
    rows = draw(st.lists(st.lists(st.booleans(), min_size=1, max_size=8), min_size=1, max_size=4))
    places, taken = [], set()
    for r, row in enumerate(rows, start=1):
        for c, is_taken in enumerate(row, start=1):
            place = Place(len(places) + 1, r, c, "standard", r in (2, 3))
            places.append(place)
            if is_taken:
                taken.add(place.seat_id)
    return places, taken


@given(halls(), st.integers(1, 6))
def test_offered_seats_are_free_distinct_and_together_when_possible(hall, count):
    places, taken = hall
    chosen = seats_for(places, taken, count, allowed=_anyone)
    free = {(p.row, p.column): p for p in places if p.seat_id not in taken}
    if len(free) < count:
        assert chosen == []
        return
    assert len(set(chosen)) == count and not set(chosen) & taken
    blocks = [
        [free[r, c + k].seat_id for k in range(count)] for r, c in free if all((r, c + k) in free for k in range(count))
    ]
    # Together whenever a block is free, unless every block would strand a seat and seats apart would not.
    together_exists = any(not leaves_single_gap(places, taken, block) for block in blocks) or (
        bool(blocks) and leaves_single_gap(places, taken, chosen)
    )
    by_id = {p.seat_id: p for p in places}
    seats = sorted((by_id[pk].row, by_id[pk].column) for pk in chosen)
    together = len({r for r, _c in seats}) == 1 and seats[-1][1] - seats[0][1] == count - 1
    assert together == together_exists
