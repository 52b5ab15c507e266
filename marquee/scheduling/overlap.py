"""Pure timing rules for showtimes: when a showtime ends, and whether two collide."""

import datetime as dt


def showtime_end(starts_at: dt.datetime, duration_min: int, cleaning_min: int) -> dt.datetime:
    """A showtime occupies its hall for the movie plus the cleaning buffer after it.

    Counted in real elapsed time (UTC): a film that spans a daylight-saving change still
    lasts its minutes, although the wall clock jumps.
    """
    return starts_at.astimezone(dt.UTC) + dt.timedelta(minutes=duration_min + cleaning_min)


def intervals_overlap(a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime) -> bool:
    """Half-open intervals [start, end): one may begin exactly when the other ends."""
    return a_start < b_end and b_start < a_end
