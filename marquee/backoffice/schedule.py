"""The schedule planner: a hall's week, adding showtimes (once or as a series), cancelling."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from marquee.backoffice.access import BOOKINGS, SCHEDULE, staff_page
from marquee.backoffice.feedback import error_lines
from marquee.backoffice.forms import ShowtimeForm, ShowtimeMoveForm
from marquee.backoffice.moves import house_seats_context
from marquee.backoffice.planner import monday_of, week_grid, week_showtimes
from marquee.backoffice.query import int_or_none
from marquee.booking import moves as booking_moves
from marquee.booking.selectors import showtime_active_booking_count, showtime_bookings, showtime_seat_map
from marquee.core.clock import local, local_today
from marquee.core.errors import DomainError, HallBusy
from marquee.payments.services import showtime_cancel
from marquee.scheduling.models import Showtime
from marquee.scheduling.overlap import showtime_end
from marquee.scheduling.selectors import showtime_find, showtimes_by_ids
from marquee.scheduling.services import (
    showtime_conflicts,
    showtime_schedule,
    showtime_schedule_many,
    showtime_update,
)
from marquee.venues.models import Hall
from marquee.venues.selectors import hall_find, halls_by_number


def _week_from(raw: str | None) -> dt.date:
    try:
        return monday_of(dt.date.fromisoformat(raw)) if raw else monday_of(local_today())
    except ValueError:
        return monday_of(local_today())


def _showtime(showtime_id: int) -> Showtime:
    showtime = showtime_find(showtime_id)
    if showtime is None:
        raise Http404
    return showtime


def _planner_context(form: ShowtimeForm, hall: Hall | None, monday: dt.date) -> dict[str, object]:
    halls = list(halls_by_number())
    hall = hall or (halls[0] if halls else None)
    showtimes = week_showtimes(hall_id=hall.pk, monday=monday) if hall is not None else []
    grid = week_grid(showtimes, monday, local_today())
    movies = {s.movie_id: s.movie for s in showtimes}
    return {
        "halls": halls,
        "hall": hall,
        "grid": grid,
        "form": form,
        "legend": sorted(movies.values(), key=lambda m: m.title),
        "prev_week": monday - dt.timedelta(days=7),
        "next_week": monday + dt.timedelta(days=7),
        "this_week": monday_of(local_today()),
        "capacity": hall.capacity if hall else 0,
    }


@staff_page(SCHEDULE)
@require_http_methods(["GET", "HEAD", "POST"])
def planner(request: HttpRequest) -> HttpResponse:
    hall_id = int_or_none(request.GET.get("hall"))
    hall = hall_find(hall_id) if hall_id is not None else None
    monday = _week_from(request.GET.get("week"))
    conflicts: list[Showtime] = []
    problems: list[str] = []
    if request.method == "POST":
        form = ShowtimeForm(request.POST)
        if form.is_valid():
            movie, chosen_hall, starts = form.cleaned_data["movie"], form.cleaned_data["hall"], form.starts()
            if not starts:
                # The form refuses an empty series; should one slip past it, say so
                # instead of failing on the series' first start.
                problems = [_("No showtime falls in the chosen days; nothing was scheduled.")]
            else:
                try:
                    codes = form.presentation_codes()
                    if len(starts) == 1:
                        showtime_schedule(
                            movie_id=movie.pk,
                            hall_id=chosen_hall.pk,
                            starts_at=starts[0],
                            format_code=codes["format_code"],
                            language_code=codes["language_code"],
                            staff_user=request.user,
                        )
                    else:
                        showtime_schedule_many(
                            movie_id=movie.pk,
                            hall_id=chosen_hall.pk,
                            starts=starts,
                            format_code=codes["format_code"],
                            language_code=codes["language_code"],
                            staff_user=request.user,
                        )
                except HallBusy as error:
                    problems = error_lines(error)
                    conflicts = showtimes_by_ids(list(error.extra.get("conflicts") or []))
                except DomainError as error:
                    problems = error_lines(error)
                else:
                    count = len(starts)
                    messages.success(
                        request,
                        (
                            ngettext(
                                "Scheduled %(movie)s in %(hall)s: %(count)d showtime.",
                                "Scheduled %(movie)s in %(hall)s: %(count)d showtimes.",
                                count,
                            )
                            if count > 1
                            else _("Scheduled %(movie)s in %(hall)s: %(when)s.")
                        )
                        % {
                            "movie": movie.title,
                            "hall": chosen_hall.name,
                            "count": count,
                            "when": date_format(local(starts[0]), _("D j M H:i")),
                        },
                    )
                    url = reverse("backoffice:planner")
                    return redirect(f"{url}?hall={chosen_hall.pk}&week={monday_of(starts[0].date()).isoformat()}")
            hall = chosen_hall
        status = 409 if conflicts else 422
    else:
        initial = {"date": max(monday, local_today()), "time": dt.time(19, 0)}
        if hall is not None:
            initial["hall"] = hall.pk
        form = ShowtimeForm(initial=initial)
        status = 200
    context = _planner_context(form, hall, monday)
    context.update({"conflicts": conflicts, "problems": problems, "clash_ids": {s.pk for s in conflicts}})
    return render(request, "backoffice/planner.html", context, status=status)


@staff_page(SCHEDULE)
@require_safe
def conflicts_check(request: HttpRequest) -> HttpResponse:
    """The planner asks this on every change of the form: which showtimes would clash?"""
    form = ShowtimeForm(request.GET)
    context: dict[str, object] = {"ready": False}
    starts = form.starts() if form.is_valid() else []
    if starts:
        movie, hall = form.cleaned_data["movie"], form.cleaned_data["hall"]
        ids: list[int] = []
        for moment in starts:
            ends = showtime_end(moment, movie.duration_min, settings.CLEANING_MINUTES)
            ids.extend(showtime_conflicts(hall_id=hall.pk, starts_at=moment, ends_at=ends))
        context = {
            "ready": True,
            "count": len(starts),
            "conflicts": showtimes_by_ids(sorted(set(ids))),
            "hall": hall,
            "ends": showtime_end(starts[0], movie.duration_min, settings.CLEANING_MINUTES),
        }
    elif form.is_bound and not form.errors:
        context["errors"] = [_("No showtime falls in the chosen days.")]
    else:
        context["errors"] = [e for errors in form.errors.values() for e in errors] if form.is_bound else []
    return render(request, "backoffice/_conflicts.html", context)


def _move_form(showtime: Showtime) -> ShowtimeMoveForm:
    when = local(showtime.starts_at)
    fmt, version = showtime.format, showtime.language_version
    return ShowtimeMoveForm(
        initial={
            "movie": showtime.movie_id,
            "hall": showtime.hall_id,
            "date": when.date(),
            "time": when.time(),
            "format": fmt.code if fmt else None,
            "language_version": version.code if version else None,
        }
    )


@staff_page(SCHEDULE, BOOKINGS)
@require_safe
def showtime_detail(request: HttpRequest, showtime_id: int) -> HttpResponse:
    showtime = _showtime(showtime_id)
    return _showtime_page(request, showtime, _move_form(showtime))


def _showtime_page(
    request: HttpRequest, showtime: Showtime, move_form: ShowtimeMoveForm, status: int = 200, **extra: object
) -> HttpResponse:
    seat_map = showtime_seat_map(showtime)
    bookings = showtime_bookings(showtime, limit=200)
    counts = {"free": 0, "held": 0, "sold": 0, "kept": 0}
    for state in seat_map.seats:
        counts["kept" if state.kept else state.status] += 1
    context = {
        "showtime": showtime,
        "seat_map": seat_map,
        "bookings": bookings,
        "counts": counts,
        "move_form": move_form,
        **house_seats_context(showtime, seat_map),
    }
    return render(request, "backoffice/showtime.html", context | extra, status=status)


@staff_page(SCHEDULE)
@require_POST
def showtime_move(request: HttpRequest, showtime_id: int) -> HttpResponse:
    showtime = _showtime(showtime_id)
    form = ShowtimeMoveForm(request.POST)
    if not form.is_valid():
        return _showtime_page(request, showtime, form, status=422)
    movie_id, hall_id, starts_at = form.cleaned_data["movie"].pk, form.cleaned_data["hall"].pk, form.starts_at()
    codes = form.presentation_codes()
    try:
        if (movie_id, hall_id) == (showtime.movie_id, showtime.hall_id) and starts_at != showtime.starts_at:
            # Only the start moves: allowed with bookings, whose customers are emailed; a new
            # format or version with it, or neither.
            with transaction.atomic():
                showtime_update(
                    showtime_id=showtime.pk,
                    format_code=codes["format_code"],
                    language_code=codes["language_code"],
                    staff_user=request.user,
                )
                moved = booking_moves.showtime_move(
                    showtime_id=showtime.pk, starts_at=starts_at, staff_user=request.user
                )
        else:
            moved = showtime_update(
                showtime_id=showtime.pk,
                movie_id=movie_id,
                hall_id=hall_id,
                starts_at=starts_at,
                format_code=codes["format_code"],
                language_code=codes["language_code"],
                staff_user=request.user,
            )
    except DomainError as error:
        clashes = showtimes_by_ids(list(error.extra.get("conflicts") or [])) if isinstance(error, HallBusy) else []
        return _showtime_page(
            request, showtime, form, status=error.status, move_problems=error_lines(error), move_clashes=clashes
        )
    if moved.starts_at == showtime.starts_at and moved.hall_id == showtime.hall_id:
        messages.success(request, _("Saved the showtime."))
        return redirect("backoffice:showtime", showtime_id=moved.pk)
    messages.success(
        request,
        _("Moved to %(when)s in %(hall)s.")
        % {"when": date_format(local(moved.starts_at), _("D j M H:i")), "hall": moved.hall.name},
    )
    return redirect("backoffice:showtime", showtime_id=moved.pk)


@staff_page(SCHEDULE)
@require_http_methods(["GET", "HEAD", "POST"])
def showtime_cancel_view(request: HttpRequest, showtime_id: int) -> HttpResponse:
    showtime = showtime_find(showtime_id)
    if showtime is None:
        raise Http404
    week = monday_of(local(showtime.starts_at).date()).isoformat()
    planner_url = f"{reverse('backoffice:planner')}?hall={showtime.hall_id}&week={week}"
    if request.method == "POST":
        try:
            showtime_cancel(showtime_id=showtime.pk, staff_user=request.user)
        except DomainError as error:
            for line in error_lines(error):
                messages.error(request, line)
            return redirect("backoffice:showtime", showtime_id=showtime.pk)
        when = local(showtime.starts_at)
        messages.success(
            request,
            _("Cancelled %(movie)s on %(when)s; its customers will be emailed.")
            % {"movie": showtime.movie.title, "when": date_format(when, _("j M H:i"))},
        )
        return redirect(planner_url)
    return render(
        request,
        "backoffice/showtime_cancel.html",
        {"showtime": showtime, "active_count": showtime_active_booking_count(showtime), "planner_url": planner_url},
    )
