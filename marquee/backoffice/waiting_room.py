"""Queued sales (/staff/queues/): put a showtime or a movie's showtimes behind the waiting room
from a set opening, watch the queue (waiting, let through, the rate), change the rate, end it.
The rules and the audit records are marquee.waiting_room.services'."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from marquee.backoffice.access import SCHEDULE, staff_page
from marquee.backoffice.feedback import in_language
from marquee.backoffice.query import MAX_ID
from marquee.catalog.models import Movie
from marquee.core.clock import now as clock_now
from marquee.core.errors import DomainError, NotFound
from marquee.waiting_room import selectors, services
from marquee.waiting_room.services import MAX_RATE


class QueuedSaleForm(forms.Form):
    showtime = forms.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        label=gettext_lazy("Showtime number"),
        help_text=gettext_lazy("One showtime (the number in its page's address), or leave empty and pick a movie."),
    )
    movie = forms.ModelChoiceField(
        queryset=Movie.objects.filter(is_listed=True).order_by("title_en"),
        required=False,
        empty_label=gettext_lazy("No movie: the showtime above"),
        label=gettext_lazy("Or every upcoming showtime of"),
    )
    opens_at = forms.DateTimeField(
        label=gettext_lazy("Sales open at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("Those who come before it get places drawn at random when it opens."),
    )
    admit_per_minute = forms.IntegerField(min_value=1, max_value=MAX_RATE, label=gettext_lazy("Let through per minute"))


class RateForm(forms.Form):
    admit_per_minute = forms.IntegerField(min_value=1, max_value=MAX_RATE, label=gettext_lazy("Let through per minute"))


def _list_page(request: HttpRequest, form: QueuedSaleForm, status: int = 200) -> HttpResponse:
    context: dict[str, Any] = {
        "sales": list(selectors.queued_sales()),
        "form": form,
    }
    return render(request, "backoffice/waiting_room.html", context, status=status)


@staff_page(SCHEDULE)
@require_http_methods(["GET", "HEAD", "POST"])
def queue_list(request: HttpRequest) -> HttpResponse:
    """The live queued sales; a POST sets one up."""
    if request.method != "POST":
        raw = request.GET.get("showtime", "")
        initial = {"admit_per_minute": settings.QUEUE_ADMIT_PER_MINUTE, "showtime": raw if raw.isdigit() else None}
        return _list_page(request, QueuedSaleForm(initial=initial))
    form = QueuedSaleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        movie = data["movie"]
        try:
            sale = services.queued_sale_create(
                showtime_id=data["showtime"],
                movie_id=movie.pk if movie and not data["showtime"] else None,
                opens_at=data["opens_at"],
                admit_per_minute=data["admit_per_minute"],
                staff_user=request.user,
            )
        except DomainError as error:
            form.add_error(None, in_language(error.detail))
        else:
            messages.success(request, _("The queued sale is set up: its showtimes now go through the waiting room."))
            return redirect("backoffice:queue", sale_id=sale.pk)
    return _list_page(request, form, status=422)


@staff_page(SCHEDULE)
@require_http_methods(["GET", "HEAD", "POST"])
def queue_detail(request: HttpRequest, sale_id: int) -> HttpResponse:
    """One queued sale: its numbers; a POST changes the rate."""
    if not 0 < sale_id <= MAX_ID:
        raise Http404
    sale = selectors.queued_sale(sale_id)
    status = selectors.sale_status(sale_id)
    if sale is None or status is None:
        raise Http404
    form = RateForm(
        request.POST if request.method == "POST" else None, initial={"admit_per_minute": sale.admit_per_minute}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.queued_sale_set_rate(
                sale_id=sale.pk, admit_per_minute=form.cleaned_data["admit_per_minute"], staff_user=request.user
            )
        except DomainError as error:
            form.add_error(None, in_language(error.detail))
        else:
            messages.success(request, _("The new rate counts from now."))
            return redirect("backoffice:queue", sale_id=sale.pk)
    at = clock_now()
    context = {
        "sale": sale,
        "status": status,
        "numbers": selectors.queue_numbers(status, at),
        "form": form,
        "opened": at >= sale.opens_at,
    }
    return render(request, "backoffice/waiting_room_sale.html", context, status=422 if form.errors else 200)


@staff_page(SCHEDULE)
@require_POST
def queue_end(request: HttpRequest, sale_id: int) -> HttpResponse:
    if not 0 < sale_id <= MAX_ID:
        raise Http404
    try:
        services.queued_sale_end(sale_id=sale_id, staff_user=request.user)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("The queued sale has ended: its showtimes are open to everyone."))
    return redirect("backoffice:queue", sale_id=sale_id)
