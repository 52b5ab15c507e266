"""The recommendation campaign: a preview for a sample customer, how many customers would
receive it, past campaigns, and the send button (the marketing service queues the mail,
at once for a small campaign, through the worker for a large one, as for the staff API)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from marquee.backoffice.access import CAMPAIGNS, staff_page
from marquee.backoffice.feedback import in_language
from marquee.backoffice.query import int_or_none
from marquee.booking.models import Customer
from marquee.catalog.models import Movie
from marquee.catalog.selectors import movies_with_genres
from marquee.core.errors import DomainError
from marquee.marketing import services as marketing
from marquee.marketing.recommendations import recommendations_for
from marquee.marketing.selectors import campaign_sample, campaigns_recent, customers_consenting_count
from marquee.marketing.services import campaign_audience_size, campaign_start
from marquee.reports.selectors import GenreCount, customer_favourite_genres


def _sample_customer(raw: str) -> Customer | None:
    """The customer the staff asked for (email or id), else the first consenting
    customer who would get something."""
    raw = raw.strip()
    if "\x00" in raw:
        return None  # no email holds one, and PostgreSQL refuses it in a query
    return campaign_sample(email=raw, customer_id=int_or_none(raw))


@staff_page(CAMPAIGNS)
@require_safe
def campaign(request: HttpRequest) -> HttpResponse:
    asked = request.GET.get("customer", "")
    sample = _sample_customer(asked)
    movies: list[Movie] = []
    genres: list[GenreCount] = []
    if sample is not None:
        ids = [m.pk for m in recommendations_for(customer_id=sample.pk)]
        with_genres = movies_with_genres(ids)
        movies = [with_genres[pk] for pk in ids if pk in with_genres]
        genres = customer_favourite_genres(customer_id=sample.pk)[:5]
    context = {
        "asked": asked,
        "sample": sample,
        "movies": movies,
        "genres": genres,
        "audience": campaign_audience_size(),
        "sync_limit": marketing.SYNC_LIMIT,
        "consenting": customers_consenting_count(),
        "campaigns": campaigns_recent(limit=10),
    }
    return render(request, "backoffice/campaign.html", context)


@staff_page(CAMPAIGNS)
@require_POST
def campaign_send(request: HttpRequest) -> HttpResponse:
    try:
        started = campaign_start(started_by=request.user)
    except DomainError as error:
        messages.error(request, in_language(error.detail))
    else:
        count = started.queued
        if started.deferred:
            messages.success(
                request,
                ngettext(
                    "The campaign is being queued in the background for about %(count)d customer; "
                    "it appears under past campaigns when the worker takes it up.",
                    "The campaign is being queued in the background for about %(count)d customers; "
                    "it appears under past campaigns when the worker takes it up.",
                    count,
                )
                % {"count": count},
            )
        elif count:
            messages.success(
                request,
                ngettext("Queued %(count)d recommendation email.", "Queued %(count)d recommendation emails.", count)
                % {"count": count},
            )
        else:
            messages.warning(request, _("No one has anything new to be recommended; no email was queued."))
    return redirect("backoffice:campaign")
