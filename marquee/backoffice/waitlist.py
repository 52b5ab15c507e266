"""The waiting lists, for the box office: upcoming showtimes with a line, and one showtime's
line in order (place, status, the offer's booking and when it lapses). Read-only: the line
moves by itself (marquee.waitlist)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from marquee.backoffice.access import BOOKINGS, SCHEDULE, staff_page
from marquee.scheduling.selectors import showtime_find
from marquee.waitlist.models import EntryStatus
from marquee.waitlist.selectors import lines_upcoming, showtime_line


@staff_page(BOOKINGS, SCHEDULE)
@require_safe
def waitlist_list(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/waitlists.html", {"lines": lines_upcoming()})


@staff_page(BOOKINGS, SCHEDULE)
@require_safe
def waitlist_detail(request: HttpRequest, showtime_id: int) -> HttpResponse:
    showtime = showtime_find(showtime_id)
    if showtime is None:
        raise Http404
    entries = showtime_line(showtime.pk)
    places, place = {}, 0
    for entry in entries:  # the place among those still waiting, in join order
        if entry.status == EntryStatus.WAITING:
            place += 1
            places[entry.pk] = place
    rows = [(entry, places.get(entry.pk)) for entry in entries]
    return render(request, "backoffice/waitlist.html", {"showtime": showtime, "rows": rows})
