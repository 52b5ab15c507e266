"""The door: staff type or scan a ticket's code and see at once whether to admit.

A handheld scanner types the code and presses Enter, so the page is one autofocused text
field that answers and is ready for the next ticket; no mouse needed. The door person first
chooses what the door admits to: one showtime, or a hall (its showtimes whose door is open);
a ticket for anything else gets a red screen naming its showtime, and "Admit anyway" is a
second, deliberate press that the ticket records.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from marquee.backoffice.access import staff_page
from marquee.booking.checkin import door_is_open, ticket_check_in
from marquee.booking.selectors import door_showtime, door_showtimes
from marquee.core.clock import now as clock_now
from marquee.core.errors import AlreadyCheckedIn, InvalidTicket, WrongShowtime

CHECK_IN = "check_in"
_MAX_ID = 2**63 - 1  # a bigger number is no row, and would overflow the database's integer


def _id(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    # isdigit() alone also takes "²", which int() refuses: ASCII digits only.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 19 or int(raw) > _MAX_ID:
        return None
    return int(raw)


def _admit(request: HttpRequest, showtime_id: int | None, hall_id: int | None) -> tuple[dict[str, Any], int]:
    code = request.POST.get("code", "")
    try:
        ticket = ticket_check_in(
            code=code,
            showtime_id=showtime_id,
            hall_id=hall_id,
            override=request.POST.get("override") == "1",
            by=request.user,
        )
    except WrongShowtime as exc:
        return {"outcome": "wrong", "detail": exc.detail, "code": code.strip()}, 409
    except AlreadyCheckedIn as exc:
        return {"outcome": "already", "detail": exc.detail}, 409
    except InvalidTicket as exc:
        return {"outcome": "invalid", "detail": exc.detail}, 422
    return {"outcome": "admitted", "ticket": ticket}, 200


@staff_page(CHECK_IN)
@require_http_methods(["GET", "HEAD", "POST"])
def checkin(request: HttpRequest) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    showtime_id, hall_id = _id(params.get("showtime")), _id(params.get("hall"))
    if showtime_id is not None:
        hall_id = None  # one showtime is the narrower choice
    result: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        result, status = _admit(request, showtime_id, hall_id)
    # Read after the admission, so that the counts include it.
    at = clock_now()
    today = door_showtimes(at)
    chosen = door_showtime(showtime_id) if showtime_id is not None else None
    hall_shows = [s for s in today if s.hall_id == hall_id and door_is_open(s, at)] if hall_id is not None else []
    halls = {s.hall_id: s.hall for s in today}
    context = {
        "result": result,
        "showtimes": [(s, door_is_open(s, at)) for s in today],
        "halls": sorted(halls.values(), key=lambda h: h.number),
        "chosen": chosen,
        "chosen_open": chosen is not None and door_is_open(chosen, at),
        "hall_id": hall_id,
        "hall": halls.get(hall_id) if hall_id is not None else None,
        "hall_shows": hall_shows,
    }
    return render(request, "backoffice/checkin.html", context, status=status)
