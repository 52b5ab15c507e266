"""Scheduling showtimes. Two showtimes in one hall never overlap.

The rule is checked here under a row lock on the hall, so concurrent schedulers
queue up; on PostgreSQL an exclusion constraint backs it (migration 0002).
Cancelling a showtime touches its bookings, so it lives in marquee.booking.services. Whether
a showtime has sales is asked of booking through marquee.scheduling.sales_facts.
"""

import datetime as dt
from itertools import pairwise

from django.conf import settings
from django.db import IntegrityError, transaction

from marquee.audit.services import Actor, audit_entry, audit_record, audit_record_many, changes_between, snapshot
from marquee.catalog.models import Movie
from marquee.core.clock import now as clock_now
from marquee.core.errors import HallBusy, InvalidState, ValidationFailed
from marquee.core.rows import row_or_not_found
from marquee.scheduling.formats import (
    KEEP,
    Keep,
    format_by_code,
    language_version_by_code,
    presentation_lock,
    showtime_presentation_facts,
)
from marquee.scheduling.locks import showtime_sales_lock
from marquee.scheduling.models import Format, LanguageVersion, Showtime, ShowtimeStatus
from marquee.scheduling.overlap import intervals_overlap, showtime_end
from marquee.scheduling.sales_facts import showtime_has_active_sales
from marquee.scheduling.seat_map_cache import seat_layouts_changed
from marquee.venues.models import Hall


def _lock_hall(hall_id: int) -> Hall:
    return row_or_not_found(
        Hall.objects.select_for_update(), "No such hall.", fields={"hall_id": ["No such hall."]}, pk=hall_id
    )


def _get_movie(movie_id: int) -> Movie:
    return row_or_not_found(Movie, "No such movie.", fields={"movie_id": ["No such movie."]}, pk=movie_id)


def showtime_conflicts(
    *, hall_id: int, starts_at: dt.datetime, ends_at: dt.datetime, exclude_id: int | None = None
) -> list[int]:
    """Ids of scheduled showtimes in the hall that overlap [starts_at, ends_at)."""
    qs = Showtime.objects.filter(
        hall_id=hall_id, status=ShowtimeStatus.SCHEDULED, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return list(qs.order_by("starts_at").values_list("pk", flat=True))


def _require_aware(starts_at: dt.datetime) -> None:
    if starts_at.tzinfo is None:
        raise ValidationFailed("The start time needs a time zone.", fields={"starts_at": ["Give an offset."]})


def _require_future(starts: list[dt.datetime]) -> None:
    """A showtime nobody can attend is a typo (Saturday picked on Sunday, a number read as
    1970): refused, whatever the interface."""
    at = clock_now()
    if any(moment <= at for moment in starts):
        message = "A showtime cannot start in the past."
        raise ValidationFailed(message, fields={"starts_at": [message]})


AUDITED_FIELDS = ("movie", "hall", "starts_at", "ends_at")


def _facts(showtime: Showtime) -> dict[str, object]:
    """What a showtime's records compare: where and when, and its format and version (codes)."""
    return snapshot(showtime, AUDITED_FIELDS) | showtime_presentation_facts(showtime)


def _presentation(format_code: str | None, language_code: str | None) -> tuple[Format | None, LanguageVersion | None]:
    """The format and version named by their codes (checked before any lock is taken)."""
    return format_by_code(format_code), language_version_by_code(language_code)


def _audit_scheduled(showtimes: list[Showtime], staff_user: Actor, *, series: int = 1) -> None:
    """One `showtime.schedule` entry per showtime made, so that each showtime's page shows
    its own; written in one query, as the series is."""
    audit_record_many(
        audit_entry(
            actor=staff_user,
            action="showtime.schedule",
            target_type="showtime",
            target_id=showtime.pk,
            target_label=str(showtime),
            changes={k: v for k, v in _facts(showtime).items() if v is not None}
            | ({"series": series} if series > 1 else {}),
            showtime_id=showtime.pk,
        )
        for showtime in showtimes
    )


def showtime_schedule(
    *,
    movie_id: int,
    hall_id: int,
    starts_at: dt.datetime,
    format_code: str | None = None,
    language_code: str | None = None,
    staff_user: Actor = None,
) -> Showtime:
    """`format_code` and `language_code` name a Format and a LanguageVersion (none if empty)."""
    _require_aware(starts_at)
    _require_future([starts_at])
    movie = _get_movie(movie_id)
    fmt, version = _presentation(format_code, language_code)
    ends_at = showtime_end(starts_at, movie.duration_min, settings.CLEANING_MINUTES)
    try:
        with transaction.atomic():
            hall = _lock_hall(hall_id)
            conflicts = showtime_conflicts(hall_id=hall.pk, starts_at=starts_at, ends_at=ends_at)
            if conflicts:
                raise HallBusy(f"{hall.name} is busy at that time.", conflicts=conflicts)
            presentation_lock(fmt, version)
            showtime = Showtime.objects.create(
                movie=movie, hall=hall, starts_at=starts_at, ends_at=ends_at, format=fmt, language_version=version
            )
            _audit_scheduled([showtime], staff_user)
            return showtime
    except IntegrityError:
        # The PostgreSQL exclusion constraint caught a writer that raced past the check.
        conflicts = showtime_conflicts(hall_id=hall_id, starts_at=starts_at, ends_at=ends_at)
        raise HallBusy("The hall is busy at that time.", conflicts=conflicts) from None


def showtime_schedule_many(
    *,
    movie_id: int,
    hall_id: int,
    starts: list[dt.datetime],
    allow_past: bool = False,
    format_code: str | None = None,
    language_code: str | None = None,
    staff_user: Actor = None,
) -> list[Showtime]:
    """Schedule a series in one go: all or nothing, listing every conflict.

    `allow_past` is for recording history (the demo cinema's past weeks), never for planning.
    """
    for moment in starts:
        _require_aware(moment)
    if not allow_past:
        _require_future(starts)
    movie = _get_movie(movie_id)
    fmt, version = _presentation(format_code, language_code)
    with transaction.atomic():
        hall = _lock_hall(hall_id)
        spans = [(s, showtime_end(s, movie.duration_min, settings.CLEANING_MINUTES)) for s in sorted(starts)]
        for (_s, e), (s2, _e2) in pairwise(spans):
            if s2 < e:
                raise HallBusy("The series overlaps itself.", conflicts=[])
        # One read of the hall's showtimes over the whole series, then the check in memory:
        # a month of daily showtimes costs two queries, not sixty.
        nearby = (
            list(
                Showtime.objects.filter(
                    hall_id=hall.pk,
                    status=ShowtimeStatus.SCHEDULED,
                    starts_at__lt=spans[-1][1],
                    ends_at__gt=spans[0][0],
                ).values_list("pk", "starts_at", "ends_at")
            )
            if spans
            else []
        )
        conflicts = sorted(
            {
                pk
                for pk, other_start, other_end in nearby
                for s, e in spans
                if intervals_overlap(s, e, other_start, other_end)
            }
        )
        if conflicts:
            raise HallBusy(f"{hall.name} is busy at some of those times.", conflicts=conflicts)
        presentation_lock(fmt, version)
        try:
            with transaction.atomic():
                created = Showtime.objects.bulk_create(
                    Showtime(movie=movie, hall=hall, starts_at=s, ends_at=e, format=fmt, language_version=version)
                    for s, e in spans
                )
        except IntegrityError:
            raise HallBusy("The hall became busy at some of those times; try again.", conflicts=[]) from None
        _audit_scheduled(created, staff_user, series=len(created))
        return created


def _has_active_sales(showtime: Showtime) -> bool:
    """Whether tickets are held or sold, with new holds kept out until this transaction ends
    (so that a hold cannot slip in between this check and the move)."""
    showtime_sales_lock(showtime_id=showtime.pk)
    return showtime_has_active_sales(showtime.pk)


def showtime_update(
    *,
    showtime_id: int,
    movie_id: int | None = None,
    hall_id: int | None = None,
    starts_at: dt.datetime | None = None,
    format_code: str | Keep | None = KEEP,
    language_code: str | Keep | None = KEEP,
    staff_user: Actor = None,
    with_sales: bool = False,
) -> Showtime:
    """Move or change a showtime. One with tickets held or sold cannot move hall or change
    movie; its start moves only through marquee.booking.moves.showtime_move (`with_sales`),
    which tells its customers. Its format and language version (codes; None or "" for none)
    may change whatever is sold: sold seats keep the prices they were sold at.

    Audited as `showtime.move` when its time or hall changes, `showtime.update` otherwise."""
    if starts_at is not None:
        _require_aware(starts_at)
    fmt = format_by_code(format_code) if not isinstance(format_code, Keep) else KEEP
    version = language_version_by_code(language_code) if not isinstance(language_code, Keep) else KEEP
    with transaction.atomic():
        current = row_or_not_found(Showtime.objects.select_related("movie"), "No such showtime.", pk=showtime_id)
        target_hall_id = hall_id if hall_id is not None else current.hall_id
        # Lock in id order so that two moves between the same halls cannot deadlock.
        for hid in sorted({current.hall_id, target_hall_id}):
            _lock_hall(hid)
        showtime = Showtime.objects.select_related("movie", "hall", "format", "language_version").get(pk=showtime_id)
        before = _facts(showtime)
        if showtime.status == ShowtimeStatus.CANCELLED:
            raise InvalidState("A cancelled showtime cannot be changed.")
        movie = _get_movie(movie_id) if movie_id is not None else showtime.movie
        new_start = starts_at if starts_at is not None else showtime.starts_at
        if new_start != showtime.starts_at:
            _require_future([new_start])
        changes = movie.pk != showtime.movie_id or target_hall_id != showtime.hall_id
        if not with_sales:
            changes = changes or new_start != showtime.starts_at
        if changes and _has_active_sales(showtime):
            raise InvalidState("This showtime has tickets held or sold; cancel it instead of moving it.")
        new_end = showtime_end(new_start, movie.duration_min, settings.CLEANING_MINUTES)
        conflicts = showtime_conflicts(
            hall_id=target_hall_id, starts_at=new_start, ends_at=new_end, exclude_id=showtime.pk
        )
        if conflicts:
            raise HallBusy("The hall is busy at that time.", conflicts=conflicts)
        showtime.movie = movie
        showtime.hall_id = target_hall_id
        showtime.starts_at = new_start
        showtime.ends_at = new_end
        presentation_lock(None if isinstance(fmt, Keep) else fmt, None if isinstance(version, Keep) else version)
        if not isinstance(fmt, Keep):
            showtime.format = fmt
        if not isinstance(version, Keep):
            showtime.language_version = version
        try:
            with transaction.atomic():
                showtime.save()
        except IntegrityError:
            # The PostgreSQL exclusion constraint caught a writer that raced past the check.
            raise HallBusy("The hall is busy at that time.", conflicts=[]) from None
        changed = changes_between(before, _facts(showtime))
        if changed:
            seat_layouts_changed([showtime.pk])  # its hall, tariff, surcharge or names on the map
            moved = "starts_at" in changed or "hall" in changed
            audit_record(
                actor=staff_user,
                action="showtime.move" if moved else "showtime.update",
                target_type="showtime",
                target_id=showtime.pk,
                target_label=str(showtime),
                changes=changed,
                showtime_id=showtime.pk,
            )
        return showtime
