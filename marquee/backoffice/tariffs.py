"""Tariffs: the list, a 24-hour bar per weekday, and create / edit / delete."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from marquee.backoffice.access import TARIFFS, staff_page
from marquee.backoffice.feedback import in_language, say_error
from marquee.backoffice.forms import WEEKDAYS, TariffForm
from marquee.core.errors import DomainError, TariffOverlap
from marquee.pricing.models import Tariff
from marquee.pricing.selectors import tariffs_by_start
from marquee.pricing.services import tariff_create, tariff_delete, tariff_update

MINUTES_A_DAY = 24 * 60


@dataclass(frozen=True)
class Segment:
    tariff: Tariff
    left: float  # percent of the day
    width: float


def _minutes(moment: dt.time) -> int:
    return moment.hour * 60 + moment.minute


def day_segments(tariffs: list[Tariff]) -> list[tuple[str, list[Segment]]]:
    """For each weekday, the stretches of the day each tariff covers."""
    days = []
    for number, label in WEEKDAYS:
        bit = 1 << int(number)
        segments = [
            Segment(
                t,
                _minutes(t.start_time) / MINUTES_A_DAY * 100,
                (_minutes(t.end_time) - _minutes(t.start_time)) / MINUTES_A_DAY * 100,
            )
            for t in tariffs
            if t.days_mask & bit
        ]
        days.append((label, segments))
    return days


def _apply_error(form: TariffForm, error: DomainError) -> None:
    """Put a service error on the form: field messages by field, the rest on top."""
    if isinstance(error, TariffOverlap) or not error.fields:
        form.add_error(None, in_language(error.detail))
    for field, problems in (error.fields or {}).items():
        target = {"days_mask": "days", "name": "name_en"}.get(field, field)
        for problem in problems:
            form.add_error(target if target in form.fields else None, in_language(problem))


def _list_context(form: TariffForm, editing: Tariff | None = None) -> dict[str, Any]:
    tariffs = tariffs_by_start()
    return {
        "tariffs": tariffs,
        "days": day_segments(tariffs),
        "form": form,
        "editing": editing,
        "hours": list(range(0, 25, 3)),
        "day_labels": dict(WEEKDAYS),
    }


@staff_page(TARIFFS)
@require_http_methods(["GET", "HEAD", "POST"])
def tariff_list(request: HttpRequest) -> HttpResponse:
    form = TariffForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                tariff = tariff_create(**form.service_kwargs(), staff_user=request.user)
            except DomainError as error:
                _apply_error(form, error)
            else:
                messages.success(request, _("Added the tariff %(name)s.") % {"name": tariff.name})
                return redirect("backoffice:tariffs")
        return render(request, "backoffice/tariffs.html", _list_context(form), status=422)
    return render(request, "backoffice/tariffs.html", _list_context(form))


@staff_page(TARIFFS)
@require_http_methods(["GET", "HEAD", "POST"])
def tariff_edit(request: HttpRequest, tariff_id: int) -> HttpResponse:
    tariff = get_object_or_404(Tariff, pk=tariff_id)
    if request.method == "POST":
        form = TariffForm(request.POST)
        if form.is_valid():
            try:
                tariff = tariff_update(tariff_id=tariff.pk, **form.service_kwargs(), staff_user=request.user)
            except DomainError as error:
                _apply_error(form, error)
            else:
                messages.success(
                    request,
                    _("Saved the tariff %(name)s. Bookings already made keep their prices.") % {"name": tariff.name},
                )
                return redirect("backoffice:tariffs")
        return render(request, "backoffice/tariffs.html", _list_context(form, tariff), status=422)
    return render(request, "backoffice/tariffs.html", _list_context(TariffForm.for_tariff(tariff), tariff))


@staff_page(TARIFFS)
@require_POST
def tariff_remove(request: HttpRequest, tariff_id: int) -> HttpResponse:
    try:
        tariff_delete(tariff_id=tariff_id, staff_user=request.user)
    except DomainError as error:
        say_error(request, error)
    else:
        messages.success(request, _("Deleted the tariff. Bookings made under it keep its name and prices."))
    return redirect("backoffice:tariffs")
