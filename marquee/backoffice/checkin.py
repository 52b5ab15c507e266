"""The door: staff type or scan a ticket's code and see at once whether to admit.

A handheld scanner types the code and presses Enter, so the page is one autofocused text
field that answers and is ready for the next ticket; no mouse needed.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from marquee.backoffice.access import staff_page
from marquee.booking.checkin import ticket_check_in
from marquee.core.errors import AlreadyCheckedIn, InvalidTicket

CHECK_IN = "check_in"


@staff_page(CHECK_IN)
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest) -> HttpResponse:
    result: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        code = request.POST.get("code", "")
        try:
            ticket = ticket_check_in(code=code)
        except AlreadyCheckedIn as exc:
            ticket = None
            result = {"outcome": "already", "detail": exc.detail}
            status = 409
        except InvalidTicket as exc:
            ticket = None
            result = {"outcome": "invalid", "detail": exc.detail}
            status = 422
        else:
            result = {"outcome": "admitted", "ticket": ticket}
    return render(request, "backoffice/checkin.html", {"result": result}, status=status)
