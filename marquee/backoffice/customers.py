"""Customers: search, one customer's bookings, watch history and favourite genres, and
a movie's audience; for report readers, who bought in a period (and hall), with its CSV.
Read-only; the figures come from marquee.reports.selectors."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from marquee.backoffice.access import CUSTOMERS, ERASE, REPORTS, can, staff_page
from marquee.backoffice.forms import CustomerSearchForm
from marquee.backoffice.query import page_number
from marquee.backoffice.reports import report_period
from marquee.core.errors import NotFound
from marquee.privacy.selectors import erasure_for_email, erasure_request_for, erasure_requests_open
from marquee.reports import selectors

PAGE_SIZE = 50
# The page shows the period's best customers by revenue; the CSV has them all.
REPORT_ROWS_SHOWN = 50


@staff_page(CUSTOMERS)
@require_safe
def customer_list(request: HttpRequest) -> HttpResponse:
    form = CustomerSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = page_number(request)
    found = selectors.customer_search(query=query, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    context = {
        "form": form,
        "query": query,
        "found": found,
        "page": page,
        "has_next": page * PAGE_SIZE < found.count,
        # Whether a person who asks again was forgotten already (only their address's hash is kept).
        "erased": erasure_for_email(query) if "@" in query and not found.count else None,
        # Customers who asked, from their data page, to be forgotten: the Admin's to-do list.
        "erasure_requests": erasure_requests_open() if can(request.user, ERASE) else [],
    }
    # Figures per buyer, with revenue and a download of every email, are a report: the box
    # office, who may look customers up, does not get them.
    if can(request.user, REPORTS):
        period_form, start, end, hall, period_query = report_period(request)
        context |= {
            "period_form": period_form,
            "start": start,
            "end": end,
            "hall": hall,
            "csv_query": period_query,
            "report": selectors.customers_report(
                start=start, end=end, hall_id=hall.pk if hall else None, limit=REPORT_ROWS_SHOWN
            ),
        }
    return render(request, "backoffice/customers.html", context)


@staff_page(CUSTOMERS)
@require_safe
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    try:
        profile = selectors.customer_profile(customer_id=customer_id)
    except NotFound:
        raise Http404(_("No such customer.")) from None
    top = profile.favourite_genres[0].count if profile.favourite_genres else 0
    context = {
        "profile": profile,
        "c": profile.customer,
        "top": top,
        "erasure_request": erasure_request_for(customer_id=profile.customer.pk),
    }
    return render(request, "backoffice/customer.html", context)


@staff_page(CUSTOMERS)
@require_safe
def movie_audience(request: HttpRequest, movie_id: int) -> HttpResponse:
    try:
        movie = selectors.movie_for_report(movie_id=movie_id)
    except NotFound:
        raise Http404(_("No such movie.")) from None
    page = page_number(request)
    audience = selectors.movie_audience(movie_id=movie.pk, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render(
        request,
        "backoffice/movie_audience.html",
        {"movie": movie, "audience": audience, "page": page, "has_next": page * PAGE_SIZE < audience.count},
    )
