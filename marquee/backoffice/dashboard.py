"""The staff home page: today's showtimes and how full they are, and the expansion signal."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from marquee.backoffice.access import DASHBOARD, REPORTS, can, staff_page
from marquee.core.clock import local, local_today
from marquee.core.clock import now as clock_now
from marquee.reports import selectors

# The signal on the dashboard looks at the last four weeks up to today.
SIGNAL_DAYS = 28


@staff_page(DASHBOARD)
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    today = local_today()
    now = local(clock_now())
    signal = None
    if can(request.user, REPORTS):
        # One read serves both: the last four weeks for the signal, today's for the table.
        start = today - dt.timedelta(days=SIGNAL_DAYS - 1)
        rows = selectors.occupancy(start=start, end=today)
        shows = [r for r in rows if r.day == today]
        # As on the occupancy page: only showtimes that have begun show how full halls get.
        begun = [r for r in rows if r.starts_at <= now]
        signal = selectors.expansion_signal(start=start, end=today, rows=begun)
    else:
        shows = selectors.occupancy(start=today, end=today)
    return render(
        request,
        "backoffice/dashboard.html",
        {
            "today": today,
            "shows": shows,
            "now": now,
            "signal": signal,
            "sold": sum(r.sold for r in shows),
            "capacity": sum(r.capacity for r in shows),
        },
    )
