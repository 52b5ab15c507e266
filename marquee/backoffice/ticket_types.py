"""Ticket types (Adult, Child, Student…): the list, and create / edit / delete (or take off sale).

Kept by whoever keeps tariffs: a type is a price rule. The services (marquee.pricing.ticket_types)
keep exactly one default, always on sale, and audit every change.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from marquee.backoffice.access import TARIFFS, staff_page
from marquee.backoffice.feedback import in_language, say_error
from marquee.catalog.models import AgeRating
from marquee.core.errors import DomainError
from marquee.pricing.models import PriceRule, TicketType
from marquee.pricing.selectors import ticket_types_ordered
from marquee.pricing.ticket_types import ticket_type_create, ticket_type_delete, ticket_type_update

EVERY_FILM = ""


class TicketTypeForm(forms.Form):
    code = forms.SlugField(
        max_length=32,
        label=gettext_lazy("Code"),
        help_text=gettext_lazy("A short code for apps: lower-case letters, digits, - or _."),
    )
    name_en = forms.CharField(max_length=60, required=False, label=gettext_lazy("Name in English"))
    name_uk = forms.CharField(max_length=60, required=False, label=gettext_lazy("Name in Ukrainian"))
    door_note_en = forms.CharField(
        max_length=200,
        required=False,
        label=gettext_lazy("Note for the door in English"),
        help_text=gettext_lazy("Shown on the ticket and at the door, e.g. “Show student ID”."),
    )
    door_note_uk = forms.CharField(max_length=200, required=False, label=gettext_lazy("Note for the door in Ukrainian"))
    rule = forms.ChoiceField(choices=PriceRule.choices, label=gettext_lazy("Price rule"))
    multiplier = forms.DecimalField(
        max_digits=6,
        decimal_places=3,
        min_value=Decimal("0.001"),
        max_value=Decimal(1),
        initial=Decimal(1),
        label=gettext_lazy("Multiplier"),
        help_text=gettext_lazy("For the multiplier rule: 0.6 is 60 percent of the price."),
    )
    amount_off = forms.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=Decimal(0),
        initial=Decimal(0),
        label=gettext_lazy("Amount off"),
        help_text=gettext_lazy("For the amount-off rule."),
    )
    min_price = forms.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=Decimal(0),
        initial=Decimal(0),
        label=gettext_lazy("Lowest price"),
        help_text=gettext_lazy("The price never goes below this (nor above the adult price)."),
    )
    max_age_rating = forms.TypedChoiceField(
        choices=[(EVERY_FILM, gettext_lazy("Every film")), *[(v, f"{v}+") for v in AgeRating.values]],
        coerce=int,
        empty_value=None,
        required=False,
        label=gettext_lazy("Only for films rated at most"),
    )
    position = forms.IntegerField(min_value=0, max_value=32767, initial=0, label=gettext_lazy("Position"))
    is_default = forms.BooleanField(
        required=False,
        label=gettext_lazy("Default"),
        help_text=gettext_lazy("Chosen for a seat unless the customer picks another; exactly one type is."),
    )
    is_active = forms.BooleanField(required=False, initial=True, label=gettext_lazy("On sale"))

    @classmethod
    def for_type(cls, ticket_type: TicketType) -> "TicketTypeForm":
        fields = cls.base_fields
        return cls(initial={name: getattr(ticket_type, name) for name in fields})

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def _apply_error(form: TicketTypeForm, error: DomainError) -> None:
    if not error.fields:
        form.add_error(None, in_language(error.detail))
    for field, problems in (error.fields or {}).items():
        target = "name_en" if field == "name" else field
        for problem in problems:
            form.add_error(target if target in form.fields else None, in_language(problem))


def _page(
    request: HttpRequest, form: TicketTypeForm, editing: TicketType | None = None, status: int = 200
) -> HttpResponse:
    context = {"ticket_types": ticket_types_ordered(), "form": form, "editing": editing}
    return render(request, "backoffice/ticket_types.html", context, status=status)


@staff_page(TARIFFS)
@require_http_methods(["GET", "HEAD", "POST"])
def ticket_type_list(request: HttpRequest) -> HttpResponse:
    form = TicketTypeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                made = ticket_type_create(**form.service_kwargs(), staff_user=request.user)
            except DomainError as error:
                _apply_error(form, error)
            else:
                messages.success(request, _("Added the ticket type %(name)s.") % {"name": made.name})
                return redirect("backoffice:ticket_types")
        return _page(request, form, status=422)
    return _page(request, form)


@staff_page(TARIFFS)
@require_http_methods(["GET", "HEAD", "POST"])
def ticket_type_edit(request: HttpRequest, ticket_type_id: int) -> HttpResponse:
    ticket_type = get_object_or_404(TicketType, pk=ticket_type_id)
    if request.method == "POST":
        form = TicketTypeForm(request.POST)
        if form.is_valid():
            try:
                saved = ticket_type_update(
                    ticket_type_id=ticket_type.pk, **form.service_kwargs(), staff_user=request.user
                )
            except DomainError as error:
                _apply_error(form, error)
            else:
                messages.success(
                    request,
                    _("Saved the ticket type %(name)s. Tickets already sold keep their prices.") % {"name": saved.name},
                )
                return redirect("backoffice:ticket_types")
        return _page(request, form, ticket_type, status=422)
    return _page(request, TicketTypeForm.for_type(ticket_type), ticket_type)


@staff_page(TARIFFS)
@require_POST
def ticket_type_remove(request: HttpRequest, ticket_type_id: int) -> HttpResponse:
    try:
        kept = ticket_type_delete(ticket_type_id=ticket_type_id, staff_user=request.user)
    except DomainError as error:
        say_error(request, error)
    else:
        if kept is None:
            messages.success(request, _("Deleted the ticket type."))
        else:
            messages.success(
                request, _("Tickets were sold as %(name)s, so it is kept, off sale.") % {"name": kept.name}
            )
    return redirect("backoffice:ticket_types")
