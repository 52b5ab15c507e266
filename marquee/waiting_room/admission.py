"""Who may pass: pure arithmetic on a sale's numbers, no database.

The queue admits at a rate, not as passes are used: `allowance(t)` places are let through by
time `t` (`admitted_base + rate × minutes since rate_since`, from the opening), and the arrival
with rank p passes once the allowance reaches p. A rate change keeps the allowance reached so far
(it becomes `admitted_base`) and counts on at the new rate. Newcomers after the opening are placed
at least one beyond the allowance of the moment they join (`rank_for_newcomer`), so an idle
stretch never banks places that a later crowd would pour through at once: over any stretch the
queue lets through at most rate × its length, plus one.
"""

import datetime as dt
import math


def allowance(
    *, opens_at: dt.datetime, admitted_base: float, rate_since: dt.datetime, rate: int, at: dt.datetime
) -> int:
    """How many places are let through by `at` (0 before the opening)."""
    if at < opens_at:
        return 0
    minutes = max((at - rate_since).total_seconds(), 0.0) / 60
    return math.floor(admitted_base + rate * minutes + 1e-9)


def allowance_exact(
    *, opens_at: dt.datetime, admitted_base: float, rate_since: dt.datetime, rate: int, at: dt.datetime
) -> float:
    """The allowance with its fraction: kept as the base when the rate changes."""
    if at < opens_at:
        return 0.0
    return admitted_base + rate * max((at - rate_since).total_seconds(), 0.0) / 60


def rank_for_newcomer(*, next_rank: int, allowance_now: int) -> int:
    """A place at the end for one who joins after the draw, never inside what was already let through."""
    return max(next_rank, allowance_now + 1)


def seconds_to_wait(*, rank: int, allowance_now: float, rate: int) -> int:
    """About how long until `rank` passes at the present rate."""
    ahead = max(rank - allowance_now, 0.0)
    return math.ceil(ahead * 60 / rate)
