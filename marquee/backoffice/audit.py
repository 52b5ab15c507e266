"""The audit page: who did what, newest first, searchable, and its CSV. Read-only; the
entries come from marquee.audit.selectors. Who may open it: Admin (the `read_audit`
capability, Django's `audit.view_auditentry`)."""

import csv
from collections.abc import Iterator
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from marquee.audit import selectors
from marquee.audit.labels import action_label, change_lines, target_kind_label
from marquee.audit.models import AuditEntry
from marquee.backoffice.access import AUDIT, staff_page
from marquee.backoffice.forms import DateInput
from marquee.backoffice.query import page_number
from marquee.booking.tokens import normalise_reference
from marquee.core.clock import MAX_YEAR, MIN_YEAR, local
from marquee.core.errors import NotFound
from marquee.reports.csv import safe_cell
from marquee.staff.selectors import booking_get

PAGE_SIZE = 50
CSV_HEADER = [
    "time",
    "staff_user",
    "action",
    "target_type",
    "target_id",
    "target",
    "booking_id",
    "showtime_id",
    "changes",
    "note",
]


def _action_choices() -> list[tuple[str, str]]:
    actions = selectors.audit_actions()
    kinds = sorted({a.split(".", 1)[0] for a in actions})
    return [
        ("", gettext("Any")),
        *((f"{k}.", gettext("Anything on a %(kind)s") % {"kind": target_kind_label(k)}) for k in kinds),
        # An action without a name (none yet) shows by its code.
        *((a, action_label(a)) for a in actions),
    ]


class AuditFilterForm(forms.Form):
    actor = forms.ChoiceField(label=_("Staff user"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    target = forms.CharField(
        label=_("Booking, showtime or hall"),
        required=False,
        max_length=100,
        help_text=_("A booking reference, a showtime number or part of a name."),
    )
    date_from = forms.DateField(widget=DateInput(), label=pgettext_lazy("period start", "From"), required=False)
    date_to = forms.DateField(widget=DateInput(), label=pgettext_lazy("period end", "To"), required=False)
    q = forms.CharField(label=_("Words"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actors = [("", gettext("Anyone")), (selectors.SYSTEM, gettext("System (no staff user)"))]
        self.fields["actor"].choices = actors + [(a, a) for a in selectors.audit_actors()]  # type: ignore[attr-defined]
        self.fields["action"].choices = _action_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("date_from", "date_to"):
            day = data.get(name)
            if day is not None and not MIN_YEAR <= day.year <= MAX_YEAR:
                self.add_error(
                    name, gettext("Choose a date between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}
                )
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", gettext("The end of the period comes before its start."))
        return data


def _filters(request: HttpRequest) -> tuple[AuditFilterForm, selectors.AuditFilters]:
    form = AuditFilterForm(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})  # whatever was valid; a wrong field is left out
    target = (data.get("target") or "").strip()
    booking_id = None
    if target:
        try:
            booking_id = booking_get(reference=normalise_reference(target)).pk
        except NotFound:
            booking_id = None
    filters = selectors.AuditFilters(
        actor=data.get("actor") or "",
        action=data.get("action") or "",
        target=target,
        target_booking_id=booking_id,
        start=data.get("date_from"),
        end=data.get("date_to"),
        text=data.get("q") or "",
    )
    return form, filters


@staff_page(AUDIT)
@require_safe
def audit_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    page = page_number(request)
    found = selectors.audit_find(filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render(
        request,
        "backoffice/audit.html",
        {
            "form": form,
            "found": found,
            "page": page,
            "has_next": page * PAGE_SIZE < found.count,
            "csv_query": request.GET.urlencode(),
        },
    )


class _Echo:
    """A file that hands back what is written to it, for a streamed CSV."""

    def write(self, value: str) -> str:
        return value


def audit_csv_rows(entries: Iterator[AuditEntry]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for e in entries:
        changes = "; ".join(str(line) for line in change_lines(e.changes))
        yield writer.writerow(
            [
                local(e.created_at).isoformat(timespec="seconds"),
                safe_cell(e.actor_name),
                safe_cell(e.action),
                safe_cell(e.target_type),
                safe_cell(e.target_id),
                safe_cell(e.target_label),
                e.booking_id if e.booking_id is not None else "",
                e.showtime_id if e.showtime_id is not None else "",
                safe_cell(changes),
                safe_cell(e.note),
            ]
        )


@staff_page(AUDIT)
@require_safe
def audit_csv(request: HttpRequest) -> StreamingHttpResponse:
    _form, filters = _filters(request)
    response = StreamingHttpResponse(
        audit_csv_rows(selectors.audit_all(filters)), content_type="text/csv; charset=utf-8"
    )
    stamp = local(timezone.now()).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
