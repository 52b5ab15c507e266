"""The door: staff type or scan a ticket's code and see at once whether to admit.

A handheld scanner types the code and presses Enter, so the page is one autofocused text
field that answers and is ready for the next ticket; no mouse needed.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from marquee.backoffice.access import staff_page
from marquee.booking.checkin import ticket_check_in
from marquee.core.clock import now as clock_now
from marquee.core.errors import AlreadyCheckedIn, InvalidTicket

CHECK_IN = "check_in"
OPEN_BEFORE = dt.timedelta(hours=2)


@staff_page(CHECK_IN)
@require_http_methods(["GET", "HEAD", "POST"])
def checkin(request: HttpRequest) -> HttpResponse:
    result: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        code = request.POST.get("code", "")
        try:
            ticket = ticket_check_in(code=code)
        except AlreadyCheckedIn as exc:
            result = {"outcome": "already", "detail": exc.detail}
            status = 409
        except InvalidTicket as exc:
            result = {"outcome": "invalid", "detail": exc.detail}
            status = 422
        else:
            showtime = ticket.showtime
            # Admitted all the same (the code is valid), but the door should notice a ticket
            # for another show: from two hours before the start until the end is "now".
            at = clock_now()
            early = at < showtime.starts_at - OPEN_BEFORE
            late = at > showtime.ends_at
            result = {"outcome": "admitted", "ticket": ticket, "early": early, "late": late}
    return render(request, "backoffice/checkin.html", {"result": result}, status=status)
