"""The planner's week as a grid: where each showtime's block sits, in pure Python.

Blocks are positioned in percent of the day's visible window, so the grid's height is
set once in CSS and every showtime lands at its minute.
"""

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from marquee.booking.selectors import with_seats_taken
from marquee.core.clock import day_bounds, local
from marquee.scheduling.models import Showtime
from marquee.scheduling.selectors import showtimes_of_hall_between

DEFAULT_FIRST_HOUR = 9
DEFAULT_LAST_HOUR = 24
HOUR_PX = 44


@dataclass
class Block:
    showtime: Showtime
    top: float  # percent of the window
    height: float
    starts: dt.datetime  # local
    ends: dt.datetime  # local


@dataclass
class Day:
    date: dt.date
    is_today: bool
    blocks: list[Block] = field(default_factory=list)


@dataclass
class WeekGrid:
    monday: dt.date
    first_hour: int
    last_hour: int
    days: list[Day]

    @property
    def hours(self) -> list[tuple[int, float]]:
        """Each hour line's label (0–23) and its position in percent."""
        span = self.last_hour - self.first_hour
        return [(h % 24, (h - self.first_hour) / span * 100) for h in range(self.first_hour, self.last_hour)]

    @property
    def height_px(self) -> int:
        return (self.last_hour - self.first_hour) * HOUR_PX

    @property
    def hour_px(self) -> int:
        return HOUR_PX


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _hours_from_midnight(day: dt.date, moment: dt.datetime) -> float:
    midnight = dt.datetime.combine(day, dt.time.min, tzinfo=moment.tzinfo)
    return (moment - midnight).total_seconds() / 3600


def week_grid(showtimes: Iterable[Showtime], monday: dt.date, today: dt.date) -> WeekGrid:
    """Lay out the week's showtimes; each sits in the day it starts on (cinema time).

    The window runs from 09:00 to midnight, widened to fit early or late showtimes
    (one ending after midnight stretches the window past 24:00 rather than being cut).
    """
    placed: list[tuple[dt.date, dt.datetime, dt.datetime, Showtime]] = []
    first, last = DEFAULT_FIRST_HOUR, DEFAULT_LAST_HOUR
    for show in showtimes:
        starts, ends = local(show.starts_at), local(show.ends_at)
        day = starts.date()
        if not monday <= day < monday + dt.timedelta(days=7):
            continue
        first = min(first, math.floor(_hours_from_midnight(day, starts)))
        last = max(last, math.ceil(_hours_from_midnight(day, ends)))
        placed.append((day, starts, ends, show))
    span = last - first
    days = [Day(date=monday + dt.timedelta(days=i), is_today=monday + dt.timedelta(days=i) == today) for i in range(7)]
    for day, starts, ends, show in placed:
        top = (_hours_from_midnight(day, starts) - first) / span * 100
        height = (ends - starts).total_seconds() / 3600 / span * 100
        days[(day - monday).days].blocks.append(Block(show, top, height, starts, ends))
    return WeekGrid(monday=monday, first_hour=first, last_hour=last, days=days)


def week_showtimes(*, hall_id: int, monday: dt.date) -> list[Showtime]:
    """The hall's showtimes that touch the week (cancelled ones too, drawn struck out),
    with their movie and seats taken. One query."""
    start, _ = day_bounds(monday)
    _, end = day_bounds(monday + dt.timedelta(days=6))
    return list(with_seats_taken(showtimes_of_hall_between(hall_id=hall_id, start=start, end=end)))
