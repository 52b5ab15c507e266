"""The planner's grid, with no database: blocks placed by minute, the window widened to
fit early and late showtimes."""

import datetime as dt
from types import SimpleNamespace

from marquee.backoffice.planner import monday_of, week_grid
from marquee.core.clock import cinema_tz

MONDAY = dt.date(2026, 11, 23)


def _show(day: dt.date, hour: int, minute: int, minutes: int):
    starts = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=cinema_tz())
    return SimpleNamespace(starts_at=starts, ends_at=starts + dt.timedelta(minutes=minutes))


def test_default_window_and_placement():
    grid = week_grid([_show(MONDAY, 18, 30, 120)], MONDAY, MONDAY)
    assert (grid.first_hour, grid.last_hour) == (9, 24)
    [block] = grid.days[0].blocks
    assert round(block.top, 3) == round(9.5 / 15 * 100, 3)
    assert round(block.height, 3) == round(2 / 15 * 100, 3)
    assert grid.days[0].is_today and not grid.days[1].is_today


def test_late_and_early_showtimes_widen_the_window_and_stay_on_their_day():
    late = _show(MONDAY + dt.timedelta(days=2), 23, 30, 115)  # ends 01:25 next day
    early = _show(MONDAY + dt.timedelta(days=6), 7, 15, 90)
    grid = week_grid([late, early], MONDAY, MONDAY)
    assert (grid.first_hour, grid.last_hour) == (7, 26)
    assert [len(d.blocks) for d in grid.days] == [0, 0, 1, 0, 0, 0, 1]
    assert grid.hours[-1][0] == 1  # the 25th hour is labelled 01:00


def test_showtimes_outside_the_week_are_left_out():
    grid = week_grid([_show(MONDAY - dt.timedelta(days=1), 20, 0, 100)], MONDAY, MONDAY)
    assert all(not d.blocks for d in grid.days)
    assert monday_of(dt.date(2026, 11, 29)) == MONDAY
