"""The queue's arithmetic, alone: who is let through when (marquee.waiting_room.admission)."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from marquee.waiting_room.admission import allowance, rank_for_newcomer, seconds_to_wait

OPENS = dt.datetime(2026, 12, 24, 10, 0, tzinfo=dt.UTC)


def _at(seconds: float) -> dt.datetime:
    return OPENS + dt.timedelta(seconds=seconds)


def test_nobody_before_the_opening_and_the_rate_after():
    kw = {"opens_at": OPENS, "admitted_base": 0.0, "rate_since": OPENS, "rate": 60}
    assert allowance(at=_at(-1), **kw) == 0
    assert allowance(at=_at(0), **kw) == 0
    assert allowance(at=_at(0.999), **kw) == 0
    assert allowance(at=_at(1), **kw) == 1
    assert allowance(at=_at(60), **kw) == 60


@given(st.integers(1, 5000), st.floats(0, 3600), st.floats(0, 3600))
def test_never_more_than_the_rate_over_any_stretch(rate, start, length):
    kw = {"opens_at": OPENS, "admitted_base": 0.0, "rate_since": OPENS, "rate": rate}
    let_through = allowance(at=_at(start + length), **kw) - allowance(at=_at(start), **kw)
    assert let_through <= rate * length / 60 + 1


def test_a_newcomer_after_an_idle_stretch_is_not_let_through_at_once():
    # An hour with nobody waiting banks nothing: the newcomer is placed beyond what was let through.
    assert rank_for_newcomer(next_rank=11, allowance_now=3600) == 3601
    assert rank_for_newcomer(next_rank=11, allowance_now=5) == 11


def test_the_estimate_is_the_places_ahead_over_the_rate():
    assert seconds_to_wait(rank=130, allowance_now=10, rate=60) == 120
    assert seconds_to_wait(rank=5, allowance_now=10, rate=60) == 0
