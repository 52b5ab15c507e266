"""The seating rules as pure functions (marquee.booking.seat_rules): examples, then hypothesis
properties on random halls (rows with aisles, a zone, wheelchair spaces) and occupancies."""

from itertools import combinations, pairwise

from hypothesis import assume, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from marquee.booking.seat_rules import (
    Layout,
    Place,
    best_block,
    block_score,
    gap_free_alternative,
    leaves_single_gap,
    row_blocks,
    stranded_seats,
)
from marquee.venues.zones import default_best_zone


def layout(*rows: str, zone: set[tuple[int, int]] | None = None) -> list[Place]:
    """A hall drawn row by row: "S" a standard seat, "W" a wheelchair space, "C" a companion
    seat, "." an aisle. Seat ids are row * 100 + column. The zone: the default one, or given."""
    cells = [(r, c, ch) for r, line in enumerate(rows, 1) for c, ch in enumerate(line, 1) if ch != "."]
    best = default_best_zone((r, c) for r, c, _ch in cells) if zone is None else zone
    kinds = {"S": "standard", "W": "wheelchair", "C": "companion", "V": "vip"}
    return [Place(r * 100 + c, r, c, kinds[ch], (r, c) in best) for r, c, ch in cells]


def not_wheelchair(place: Place) -> bool:
    return place.seat_type not in {"wheelchair", "companion"}


# --- stranded seats -------------------------------------------------------------------------


def test_a_free_seat_between_two_taken_seats_is_stranded():
    places = layout("SSSSS")
    assert stranded_seats(places, {101, 103}) == {102}
    assert stranded_seats(places, {101, 104}) == {105}  # 102-103 free together: not stranded; 105 at the end


def test_a_free_seat_between_a_taken_seat_and_an_aisle_or_the_end_is_stranded():
    places = layout("SSS.SSS")
    assert stranded_seats(places, {102}) == {101, 103}
    assert stranded_seats(places, {106}) == {107, 105}


def test_a_seat_alone_between_two_aisles_is_no_stranded_seat_and_no_hold_makes_it_one():
    places = layout("SS.S.SS")
    assert stranded_seats(places, set()) == set()
    assert not leaves_single_gap(places, set(), [101, 102])
    assert not leaves_single_gap(places, set(), [104])


def test_a_hold_that_makes_a_new_stranded_seat_leaves_a_gap_an_old_one_does_not_count():
    places = layout("SSSSSS")
    assert leaves_single_gap(places, set(), [102])  # 101 alone at the row's end
    assert not leaves_single_gap(places, set(), [101, 102])
    assert not leaves_single_gap(places, set(), [103, 104])  # 101-102 stay together, 105-106 too
    assert leaves_single_gap(places, set(), [103, 104, 105])  # 106 alone at the end
    assert not leaves_single_gap(places, {102}, [103, 104])  # 101 was stranded already; 105-106 together
    assert leaves_single_gap(places, {102}, [104, 105])  # 103 between 102 and 104


def test_a_hold_strands_a_seat_in_another_row_it_touches_only_in_that_row():
    places = layout("SSSS", "SSSS")
    assert leaves_single_gap(places, set(), [101, 102, 202, 203, 204])


# --- best block ---------------------------------------------------------------------------


def test_best_block_prefers_the_zone_centre_and_rows_behind_it_a_little():
    places = layout("SSSSSSSS", "SSSSSSSS", "SSSSSSSS", "SSSSSSSS", "SSSSSSSS", "SSSSSSSS")
    chosen = best_block(places, set(), 2)
    assert chosen is not None
    assert {p.row for p in places if p.seat_id in chosen} == {4}  # zone rows 3-4: behind the centre (3.5)
    assert chosen == [404, 405]


def test_best_block_stays_in_one_row_and_avoids_stranding_a_seat():
    places = layout("SSSSSS")
    # 103-105 is nearest the zone's centre, but it leaves 102 and 106 alone
    assert best_block(places, {101}, 3) in ([102, 103, 104], [104, 105, 106])
    # 3 of 4 free seats: every block leaves one; the best of them then
    assert best_block(layout("SSSSS"), {101}, 3) in ([102, 103, 104], [103, 104, 105])


def test_best_block_never_strands_a_seat_when_another_block_does_not():
    places = layout("SSSSSSS")
    chosen = best_block(places, set(), 2)
    assert chosen is not None
    assert not leaves_single_gap(places, set(), chosen)


def test_best_block_splits_over_adjacent_rows_only_as_a_last_resort():
    places = layout("SSSS", "SSSS", "SSSS")
    taken = {101, 102, 103, 104, 201, 202, 301, 302}  # row 2 and row 3: two free each
    chosen = best_block(places, taken, 4)
    assert chosen == [203, 204, 303, 304]
    assert best_block(places, taken, 2) in ([203, 204], [303, 304])


def test_best_block_keeps_wheelchair_spaces_for_those_allowed_and_honours_the_type():
    places = layout("WCSSSS")
    assert 101 not in (best_block(places, set(), 4, allowed=not_wheelchair) or [])
    assert best_block(places, set(), 5, allowed=not_wheelchair) is None
    assert best_block(places, set(), 2, seat_type="wheelchair") is None  # one space only
    assert best_block(places, set(), 1, seat_type="wheelchair") == [101]


def test_no_block_when_the_seats_free_are_not_together():
    places = layout("SSSSSS")
    assert best_block(places, {102, 105}, 3) is None


def test_gap_free_alternative_is_near_the_seats_asked_and_none_when_every_choice_strands_one():
    places = layout("SSSSSS", "SSSSSS")
    suggestion = gap_free_alternative(places, set(), [102, 103])
    assert suggestion is not None and not leaves_single_gap(places, set(), suggestion)
    assert {p.row for p in places if p.seat_id in suggestion} == {1}
    assert gap_free_alternative(layout("SSS"), set(), [101, 102]) is None  # 2 of 3 leave one, always
    assert gap_free_alternative(layout("SSS"), {101}, [102]) is None  # 1 of 2 leaves one
    assert gap_free_alternative(layout("SSSS"), set(), [102]) in ([101], [104])
    # aisles: 103 and 105 strand 102; the block 102-103 fills its section
    assert gap_free_alternative(layout("SSS.SSS"), {101}, [103, 105]) == [102, 103]
    # no two free seats together: seats from different places that strand nobody new
    scattered = gap_free_alternative(layout("SSS.SSS"), {102, 106}, [101, 105])
    assert scattered is not None and len(scattered) == 2
    assert not leaves_single_gap(layout("SSS.SSS"), {102, 106}, scattered)


# --- properties ------------------------------------------------------------------------------

KINDS = st.sampled_from(["standard"] * 6 + ["vip", "wheelchair", "companion"])


@st.composite
def halls(draw: st.DrawFn, max_rows: int = 4, max_columns: int = 8) -> list[Place]:
    rows = draw(st.integers(1, max_rows))
    columns = draw(st.integers(1, max_columns))
    cells = [
        (r, c) for r in range(1, rows + 1) for c in range(1, columns + 1) if draw(st.integers(0, 5)) > 0
    ]  # about one place in six an aisle or a gap
    assume(cells)
    zone = default_best_zone(cells) if draw(st.booleans()) else set(draw(st.sets(st.sampled_from(cells))))
    return [Place(r * 100 + c, r, c, draw(KINDS), (r, c) in zone) for r, c in cells]


@st.composite
def occupied_halls(draw: st.DrawFn, **kw) -> tuple[list[Place], set[int]]:
    places = draw(halls(**kw))
    taken = draw(st.sets(st.sampled_from([p.seat_id for p in places])))
    return places, taken


def _contiguous(block: list[Place]) -> bool:
    ordered = sorted(block, key=lambda p: p.column)
    return len({p.row for p in block}) == 1 and all(b.column == a.column + 1 for a, b in pairwise(ordered))


@hsettings(max_examples=300, deadline=None)
@given(occupied_halls(), st.integers(1, 5), st.sampled_from([None, "standard", "vip"]), st.booleans())
def test_best_block_is_free_allowed_contiguous_when_it_can_be_and_none_scores_better(
    hall, count, seat_type, wheelchair
):
    places, taken = hall
    allowed = (lambda _p: True) if wheelchair else not_wheelchair
    chosen = best_block(places, taken, count, seat_type=seat_type, allowed=allowed)
    contiguous = row_blocks(places, taken, count, seat_type=seat_type, allowed=allowed)
    if chosen is None:
        assert contiguous == []
        return
    by_id = {p.seat_id: p for p in places}
    block = [by_id[i] for i in chosen]
    assert len(set(chosen)) == count
    assert all(i not in taken and allowed(by_id[i]) for i in chosen)
    assert seat_type is None or all(p.seat_type == seat_type for p in block)
    if contiguous:
        gap_free = [b for b in contiguous if not leaves_single_gap(places, taken, [p.seat_id for p in b])]
        # a block in one row beats any split, unless only a split strands nobody
        if gap_free:
            assert not leaves_single_gap(places, taken, chosen)
            assert _contiguous(block)
            assert block_score(Layout(places), taken, block) == min(
                block_score(Layout(places), taken, b) for b in gap_free
            )
        else:
            # every block in one row strands a seat: a split that strands none may win, else the best row block
            assert not leaves_single_gap(places, taken, chosen) or (
                _contiguous(block)
                and block_score(Layout(places), taken, block)
                == min(block_score(Layout(places), taken, b) for b in contiguous)
            )
    else:
        rows = sorted({p.row for p in block})
        assert rows == list(range(rows[0], rows[0] + len(rows)))  # adjacent rows


def _gap_free_by_brute_force(places, taken, count, allowed) -> bool:
    free = [p.seat_id for p in places if p.seat_id not in taken and allowed(p)]
    return any(not leaves_single_gap(places, taken, list(c)) for c in combinations(free, count))


@hsettings(max_examples=300, deadline=None)
@given(occupied_halls(max_rows=3, max_columns=6), st.data(), st.booleans())
def test_a_choice_is_refused_only_when_a_gap_free_one_exists_and_the_suggestion_strands_nobody(hall, data, wheelchair):
    places, taken = hall
    assume(not stranded_seats(places, taken))  # a seat map without stranded seats
    allowed = (lambda _p: True) if wheelchair else not_wheelchair
    free = sorted(p.seat_id for p in places if p.seat_id not in taken and allowed(p))
    assume(free)
    count = data.draw(st.integers(1, min(4, len(free))))
    chosen = data.draw(st.lists(st.sampled_from(free), min_size=count, max_size=count, unique=True))
    suggestion = gap_free_alternative(places, taken, chosen, allowed=allowed)
    if suggestion is None:
        # never refused unless some choice strands nobody: here none does
        assert not _gap_free_by_brute_force(places, taken, count, allowed)
    else:
        assert len(set(suggestion)) == count
        assert all(i not in taken and allowed(next(p for p in places if p.seat_id == i)) for i in suggestion)
        assert not leaves_single_gap(places, taken, suggestion)
        assert not stranded_seats(places, taken | set(suggestion))  # from a map with none, none after


@hsettings(max_examples=300, deadline=None)
@given(occupied_halls(), st.data())
def test_the_quick_stranding_check_agrees_with_the_definition(hall, data):
    places, taken = hall
    free = [p for p in places if p.seat_id not in taken]
    assume(free)
    block = data.draw(st.lists(st.sampled_from(free), min_size=1, max_size=5, unique=True))
    assert Layout(places).strands(taken, block) == leaves_single_gap(places, taken, [p.seat_id for p in block])
