"""The recommendation campaign: a preview for one customer, how many would receive it, send."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from marquee.backoffice.access import CAMPAIGNS, staff_page


@staff_page(CAMPAIGNS)
@require_GET
def campaign(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/campaign.html", {})


@staff_page(CAMPAIGNS)
@require_POST
def campaign_send(request: HttpRequest) -> HttpResponse:
    messages.error(request, "Sending is not available yet.")
    return redirect("backoffice:campaign")
