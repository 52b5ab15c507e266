"""The one clock services read, so that tests can move time (time-machine) in one place."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def cinema_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local(moment: dt.datetime) -> dt.datetime:
    """A stored (UTC) moment in the cinema's time zone."""
    return moment.astimezone(cinema_tz())


def local_today() -> dt.date:
    return local(now()).date()


# The calendar days the cinema's pages and API accept: every one has a day before and after
# it in any time zone (date.max + 1 day would overflow).
MIN_YEAR, MAX_YEAR = 1971, 2199


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The start of `day` and of the next day in the cinema's time zone (DST-safe)."""
    tz = cinema_tz()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end
