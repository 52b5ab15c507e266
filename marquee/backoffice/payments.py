"""Money for staff: the payments list (by day, provider and status, with its CSV) and the
reconciliation page. Read-only; the figures come from marquee.payments.selectors, and the
booking page's payments and refunds from the `_booking_money.html` partial.

Who may open them: payments, Admin and Box office (the box office counts its till against
them); the reconciliation, Admin (report readers) only.
"""

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from marquee.backoffice.access import BOOKINGS, REPORTS, staff_page
from marquee.backoffice.forms import DateInput
from marquee.backoffice.query import page_number
from marquee.core.clock import local_today
from marquee.payments import selectors
from marquee.payments.models import PaymentStatus
from marquee.reports.csv import write_payments_csv

PAGE_SIZE = 50
KNOWN_PROVIDERS = ("cash", "card_terminal", "demo", "stripe", "liqpay")


def _provider_choices() -> list[tuple[str, str]]:
    names = sorted(set(KNOWN_PROVIDERS) | set(selectors.payment_providers_seen()))
    return [("", gettext("Any")), *((n, n) for n in names)]


class PaymentFilterForm(forms.Form):
    """Payments started on the cinema's days `date_from` to `date_to` (default: the last week)."""

    date_from = forms.DateField(widget=DateInput(), label=pgettext_lazy("start of a period", "From"), required=False)
    date_to = forms.DateField(widget=DateInput(), label=_("To"), required=False)
    provider = forms.ChoiceField(label=_("Provider"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *PaymentStatus.choices])

    DEFAULT_BACK_DAYS = 6
    MAX_DAYS = 366 * 2

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = _provider_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = local_today()
        data["date_from"] = data.get("date_from") or today - dt.timedelta(days=self.DEFAULT_BACK_DAYS)
        data["date_to"] = data.get("date_to") or today
        if data["date_to"] < data["date_from"]:
            raise ValidationError(_("The end of the period comes before its start."))
        if (data["date_to"] - data["date_from"]).days > self.MAX_DAYS:
            raise ValidationError(_("Choose a period of at most two years."))
        return data

    def chosen(self) -> dict[str, Any]:
        """The filters asked for, or the default week when the input is not valid."""
        if self.is_valid():
            d = self.cleaned_data
            return {"start": d["date_from"], "end": d["date_to"], "provider": d["provider"], "status": d["status"]}
        today = local_today()
        return {"start": today - dt.timedelta(days=self.DEFAULT_BACK_DAYS), "end": today, "provider": "", "status": ""}


def _filters(request: HttpRequest) -> tuple[PaymentFilterForm, dict[str, Any], str]:
    asked = any(name in request.GET for name in PaymentFilterForm.base_fields)
    form = PaymentFilterForm(request.GET if asked else None)
    chosen = form.chosen()
    if not form.is_bound:
        form = PaymentFilterForm(initial={"date_from": chosen["start"], "date_to": chosen["end"]})
    query = urlencode(
        {
            "date_from": chosen["start"].isoformat(),
            "date_to": chosen["end"].isoformat(),
            "provider": chosen["provider"],
            "status": chosen["status"],
        }
    )
    return form, chosen, query


@staff_page(BOOKINGS, REPORTS)
@require_safe
def payment_list(request: HttpRequest) -> HttpResponse:
    form, chosen, query = _filters(request)
    page = page_number(request)
    found = selectors.payments_find(**chosen, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render(
        request,
        "backoffice/payments.html",
        {
            "form": form,
            "chosen": chosen,
            "found": found,
            "page": page,
            "has_next": page * PAGE_SIZE < found.count,
            "csv_query": query,
        },
    )


@staff_page(BOOKINGS, REPORTS)
@require_safe
def payments_csv(request: HttpRequest) -> HttpResponse:
    _form, chosen, _query = _filters(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payments-{chosen["start"]}-{chosen["end"]}.csv"'
    write_payments_csv(response, selectors.payments_all(**chosen))
    return response


@staff_page(REPORTS)
@require_safe
def reconciliation(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/reconciliation.html", {"r": selectors.reconciliation()})
