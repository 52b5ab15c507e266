"""Reading the schedule: showtimes (the one home of their reads: the other apps start from
these and add their own counts), formats and language versions (the lists staff keep, with
how many showtimes use each)."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, QuerySet

from marquee.core.clock import day_bounds
from marquee.core.clock import now as clock_now
from marquee.core.languages import localized_expression
from marquee.core.rows import row_or_not_found
from marquee.scheduling.models import Format, LanguageVersion, Showtime, ShowtimeStatus


def formats_with_counts() -> QuerySet[Format]:
    """Every format by position, then name, with `showtime_count`: one query."""
    return Format.objects.annotate(showtime_count=Count("showtimes")).order_by("position", "name")


def language_versions_with_counts() -> QuerySet[LanguageVersion]:
    """Every language version by position, then name in the reader's language, with `showtime_count`."""
    return LanguageVersion.objects.annotate(showtime_count=Count("showtimes")).order_by(
        "position", localized_expression("name"), "code"
    )


def format_find(format_id: int) -> Format | None:
    return Format.objects.filter(pk=format_id).first()


def language_version_find(version_id: int) -> LanguageVersion | None:
    return LanguageVersion.objects.filter(pk=version_id).first()


def formats_ordered() -> QuerySet[Format]:
    """Every format by position, then name: the choices of a form."""
    return Format.objects.order_by("position", "name")


def language_versions_by_code() -> QuerySet[LanguageVersion]:
    """Every language version by position, then code: the choices of a form."""
    return LanguageVersion.objects.order_by("position", "code")


# --- showtimes ---------------------------------------------------------------------------------

# What every page shows of a showtime, joined in the same query.
SHOWN_WITH = ("movie", "hall", "format", "language_version")


def showtimes_all() -> QuerySet[Showtime]:
    """Every showtime (any status) with its movie, hall, format and language version joined."""
    return Showtime.objects.select_related(*SHOWN_WITH)


def showtimes_upcoming(at: dt.datetime | None = None) -> QuerySet[Showtime]:
    """The showtimes on sale at `at`: scheduled, of listed movies, not started; joined as
    `showtimes_all`, in no order (the caller orders or counts)."""
    at = at or clock_now()
    return showtimes_all().filter(starts_at__gt=at, status=ShowtimeStatus.SCHEDULED, movie__is_listed=True)


def showtimes_scheduled_between(start: dt.datetime, end: dt.datetime) -> QuerySet[Showtime]:
    """Scheduled showtimes starting in [start, end), nothing joined: the base of the
    reports' and settlement's sums and of a day's timeline."""
    return Showtime.objects.filter(starts_at__gte=start, starts_at__lt=end, status=ShowtimeStatus.SCHEDULED)


def showtimes_listed_on_day(day: dt.date) -> QuerySet[Showtime]:
    """Scheduled showtimes of listed movies starting on `day` (the cinema's time zone), joined."""
    start, end = day_bounds(day)
    return showtimes_scheduled_between(start, end).filter(movie__is_listed=True).select_related(*SHOWN_WITH)


def showtimes_of_hall_between(*, hall_id: int, start: dt.datetime, end: dt.datetime) -> QuerySet[Showtime]:
    """The hall's showtimes that overlap [start, end), cancelled ones too, by start, joined."""
    return showtimes_all().filter(hall_id=hall_id, starts_at__lt=end, ends_at__gt=start).order_by("starts_at")


def showtimes_by_ids(ids: Iterable[int]) -> list[Showtime]:
    """The showtimes with these ids, by start, joined: one query."""
    return list(showtimes_all().filter(pk__in=list(ids)).order_by("starts_at"))


def showtime_find(showtime_id: int) -> Showtime | None:
    """One showtime (any status), joined, or None."""
    return showtimes_all().filter(pk=showtime_id).first()


def showtime_get(*, showtime_id: int) -> Showtime:
    """One showtime (any status), joined; NotFound if there is none."""
    return row_or_not_found(showtimes_all(), "No such showtime.", pk=showtime_id)


# --- reads of the API (issue 14) --------------------------------------------------------------


def format_with_count(format_id: int) -> Format | None:
    """One format with `showtime_count`, or None: one query."""
    return formats_with_counts().filter(pk=format_id).first()


def language_version_with_count(version_id: int) -> LanguageVersion | None:
    """One language version with `showtime_count`, or None: one query."""
    return language_versions_with_counts().filter(pk=version_id).first()
