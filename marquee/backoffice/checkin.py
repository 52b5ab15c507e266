"""The door: staff choose one showtime, then scan (camera or handheld scanner) or type each
ticket's code and see at once, on a screen readable at arm's length, whether to admit.

`/staff/checkin/` lists today's showtimes to choose from; `/staff/checkin/<id>/` is that
showtime's door. Its form posts the code to the door page itself (a whole page answers, for a
browser without JavaScript); `backoffice/checkin.js` posts each code read by the camera or
typed by a scanner to `scan/` and shows the screen it answers; `count/` is the live
"admitted / expected" that every door of the showtime polls. A ticket for another showtime
gets a red screen naming its showtime; "Admit anyway" is a second, deliberate press that the
ticket and the audit trail record.
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from marquee.backoffice.access import staff_page
from marquee.backoffice.query import int_or_none
from marquee.booking.checkin import door_is_open, ticket_check_in
from marquee.booking.models import BookingSeat
from marquee.booking.selectors import door_showtime, door_showtimes, door_ticket
from marquee.core.clock import local
from marquee.core.clock import now as clock_now
from marquee.core.errors import AlreadyCheckedIn, InvalidTicket, WrongShowtime
from marquee.scheduling.models import Showtime

CHECK_IN = "check_in"
# How long each screen stays before the door is back to scanning (a tap returns sooner).
# A ticket for another showtime stays longer: staff may want to admit it anyway.
SCREEN_SECONDS = {"admitted": 3, "already": 5, "invalid": 5, "wrong": 12}


def _wrong_reason(ticket: BookingSeat, door: Showtime) -> str:
    """Why a valid ticket is not for this door, in the words the red screen uses."""
    show, at = ticket.showtime, clock_now()
    if show.ends_at < at:
        return "ended"
    if local(show.starts_at).date() != local(door.starts_at).date():
        return "another_day"
    return "another_showtime"


def _admit(request: HttpRequest, door: Showtime) -> tuple[dict[str, Any], int]:
    """Admit the posted code at this door: the result screen's context and its status code."""
    code = request.POST.get("code", "")[:1000].strip()
    try:
        ticket = ticket_check_in(
            code=code, showtime_id=door.pk, override=request.POST.get("override") == "1", staff_user=request.user
        )
    except WrongShowtime:
        found = door_ticket(code)
        if found is not None:  # it was a valid ticket a moment ago
            return {"outcome": "wrong", "ticket": found, "code": code, "reason": _wrong_reason(found, door)}, 409
        return {"outcome": "invalid", "ticket": None}, 422
    except AlreadyCheckedIn:
        return {"outcome": "already", "ticket": door_ticket(code)}, 409
    except InvalidTicket:
        return {"outcome": "invalid", "ticket": door_ticket(code)}, 422
    return {"outcome": "admitted", "ticket": ticket}, 200


def _door(showtime_id: int) -> Showtime:
    door = door_showtime(showtime_id)
    if door is None:
        raise Http404("No such showtime.")
    return door


def _screen(result: dict[str, Any], door: Showtime) -> dict[str, Any]:
    return {**result, "door": door, "seconds": SCREEN_SECONDS[result["outcome"]]}


@staff_page(CHECK_IN)
@require_http_methods(["GET", "HEAD"])
def checkin(request: HttpRequest) -> HttpResponse:
    """Which showtime this door admits to: today's, those open now first, then the soonest."""
    chosen = int_or_none(request.GET.get("showtime", "").strip())
    if chosen is not None and door_showtime(chosen) is not None:
        return redirect("backoffice:checkin_door", showtime_id=chosen)
    at = clock_now()
    showtimes = [(s, door_is_open(s, at), s.ends_at < at) for s in door_showtimes(at)]
    return render(request, "backoffice/checkin.html", {"showtimes": showtimes})


@staff_page(CHECK_IN)
@require_http_methods(["GET", "HEAD", "POST"])
def checkin_door(request: HttpRequest, showtime_id: int) -> HttpResponse:
    """One showtime's door. A POST (the form, without JavaScript) answers the whole page."""
    result: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        chosen = _door(showtime_id)
        result, status = _admit(request, chosen)
        result = _screen(result, chosen)
    door = _door(showtime_id)  # read after the admission, so that the count includes it
    context = {"door": door, "door_open": door_is_open(door, clock_now()), "result": result}
    return render(request, "backoffice/checkin_door.html", context, status=status)


@staff_page(CHECK_IN)
@require_http_methods(["POST"])
def checkin_scan(request: HttpRequest, showtime_id: int) -> HttpResponse:
    """A code read by the camera or a scanner: only the result screen, for checkin.js."""
    door = _door(showtime_id)
    result, status = _admit(request, door)
    return render(request, "backoffice/_door_result.html", {"result": _screen(result, door)}, status=status)


@staff_page(CHECK_IN)
@require_http_methods(["GET", "HEAD"])
def checkin_count(request: HttpRequest, showtime_id: int) -> HttpResponse:
    """Admitted / expected, polled by every door of the showtime."""
    response = render(request, "backoffice/_door_count.html", {"door": _door(showtime_id)})
    response["Cache-Control"] = "no-store"
    return response
