"""The staff home page: today's showtimes and how full they are, and the expansion signal."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from marquee.backoffice.access import DASHBOARD, REPORTS, can, staff_page
from marquee.core.clock import local, local_today
from marquee.core.clock import now as clock_now
from marquee.reports import selectors

# The signal on the dashboard looks at the last four weeks up to today.
SIGNAL_DAYS = 28


@staff_page(DASHBOARD)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    today = local_today()
    shows = selectors.occupancy(start=today, end=today)
    signal = None
    if can(request.user, REPORTS):
        signal = selectors.expansion_signal(start=today - dt.timedelta(days=SIGNAL_DAYS - 1), end=today)
    now = local(clock_now())
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
