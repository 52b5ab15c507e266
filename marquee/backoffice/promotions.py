"""Promo codes: the list with each code's uses, create / edit / deactivate, and batches of
single-use codes with their CSV. The forms live here: they belong to these pages only."""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from marquee.backoffice.access import PROMOTIONS, staff_page
from marquee.backoffice.feedback import in_language, say_error
from marquee.backoffice.forms import WEEKDAYS, DateInput, days_to_mask, mask_to_days
from marquee.booking.promo import promo_code_uses
from marquee.catalog.selectors import movies_by_english_title
from marquee.core.clock import now as clock_now
from marquee.core.errors import DomainError
from marquee.promotions import selectors, services
from marquee.promotions.models import ALL_DAYS, DiscountKind, PromoCode
from marquee.scheduling.selectors import formats_ordered

MAX_LISTED = 500


class PromoTermsForm(forms.Form):
    """What a code gives and when: shared by one code and a batch."""

    kind = forms.ChoiceField(choices=DiscountKind.choices, label=gettext_lazy("Discount"))
    value = forms.DecimalField(
        max_digits=7,
        decimal_places=2,
        min_value=Decimal("0.01"),
        label=gettext_lazy("Value"),
        help_text=gettext_lazy("Percent off each seat, or an amount off the whole booking."),
    )
    note = forms.CharField(max_length=200, required=False, label=gettext_lazy("Note for staff"))
    valid_from = forms.DateField(widget=DateInput(), required=False, label=gettext_lazy("Valid from"))
    valid_until = forms.DateField(
        widget=DateInput(), required=False, label=gettext_lazy("Valid until"), help_text=gettext_lazy("Included.")
    )
    days = forms.MultipleChoiceField(
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        initial=mask_to_days(ALL_DAYS),
        label=gettext_lazy("Days of the showtime"),
    )
    movies = forms.ModelMultipleChoiceField(
        queryset=movies_by_english_title(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        label=gettext_lazy("Only for these movies"),
        help_text=gettext_lazy("None chosen: every movie."),
    )
    formats = forms.ModelMultipleChoiceField(
        queryset=formats_ordered(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Only for these formats"),
    )
    showtime_ids = forms.CharField(
        max_length=2000,
        required=False,
        label=gettext_lazy("Only for these showtimes"),
        help_text=gettext_lazy("Showtime ids, separated by commas; empty: every showtime."),
    )
    max_uses_per_customer = forms.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, label=gettext_lazy("Uses per customer")
    )

    def clean_showtime_ids(self) -> tuple[int, ...]:
        raw = self.cleaned_data["showtime_ids"]
        parts = [p.strip() for p in raw.replace(";", ",").split(",") if p.strip()]
        if not all(p.isdigit() and 0 < int(p) < 2**63 for p in parts):
            raise forms.ValidationError(_("Give showtime ids (numbers), separated by commas."))
        return tuple(sorted({int(p) for p in parts}))

    def terms(self, **extra: Any) -> services.CodeTerms:
        d = self.cleaned_data
        return services.CodeTerms(
            kind=d["kind"],
            value=d["value"],
            note=d["note"],
            valid_from=d["valid_from"],
            valid_until=d["valid_until"],
            days_mask=days_to_mask(d["days"]),
            movie_ids=tuple(m.pk for m in d["movies"]),
            format_ids=tuple(x.pk for x in d["formats"]),
            showtime_ids=d["showtime_ids"],
            max_uses_per_customer=d["max_uses_per_customer"],
            **extra,
        )


class PromoCodeForm(PromoTermsForm):
    code = forms.CharField(
        max_length=40, label=gettext_lazy("Code"), help_text=gettext_lazy("Letters, digits, - and _; any case.")
    )
    max_uses = forms.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        label=gettext_lazy("Uses in total"),
        help_text=gettext_lazy("Empty: no limit. A lapsed or cancelled hold gives its use back."),
    )
    is_active = forms.BooleanField(required=False, initial=True, label=gettext_lazy("Active"))

    field_order = ["code", "kind", "value", "note"]

    @classmethod
    def for_code(cls, code: PromoCode) -> "PromoCodeForm":
        return cls(
            initial={
                "code": code.code,
                "kind": code.kind,
                "value": code.value,
                "note": code.note,
                "valid_from": code.valid_from,
                "valid_until": code.valid_until,
                "days": mask_to_days(code.days_mask),
                "movies": list(code.movies.all()),
                "formats": list(code.formats.all()),
                "showtime_ids": ", ".join(str(s.pk) for s in code.showtimes.all()),
                "max_uses": code.max_uses,
                "max_uses_per_customer": code.max_uses_per_customer,
                "is_active": code.is_active,
            }
        )


class PromoBatchForm(PromoTermsForm):
    quantity = forms.IntegerField(min_value=1, max_value=services.MAX_BATCH, label=gettext_lazy("Number of codes"))
    code_prefix = forms.CharField(
        max_length=12,
        required=False,
        label=gettext_lazy("Prefix"),
        help_text=gettext_lazy("Up to 12 letters or digits."),
    )

    field_order = ["quantity", "code_prefix", "kind", "value", "note"]
    prefix = "batch"  # the form's own: its fields' names and ids apart from the code form's on the page


def _apply_error(form: forms.Form, error: DomainError) -> None:
    """Put a service error on the form: field messages by field, the rest on top."""
    names = {"days_mask": "days", "movie_ids": "movies", "format_ids": "formats", "prefix": "code_prefix"}
    if not error.fields:
        form.add_error(None, in_language(error.detail))
    for field, problems in (error.fields or {}).items():
        target = names.get(field, field)
        for problem in problems:
            form.add_error(target if target in form.fields else None, in_language(problem))


def _list_context(code_form: PromoCodeForm, batch_form: PromoBatchForm) -> dict[str, Any]:
    codes = list(selectors.promo_codes()[:MAX_LISTED])
    uses = promo_code_uses([c.pk for c in codes], clock_now())
    return {
        "codes": [(c, uses[c.pk]) for c in codes],
        "batches": list(selectors.promo_batches()[:MAX_LISTED]),
        "form": code_form,
        "batch_form": batch_form,
    }


@staff_page(PROMOTIONS)
@require_http_methods(["GET", "HEAD", "POST"])
def promotion_list(request: HttpRequest) -> HttpResponse:
    form = PromoCodeForm(request.POST or None)
    batch_form = PromoBatchForm()
    if request.method == "POST":
        if form.is_valid():
            try:
                made = services.promo_code_create(
                    code=form.cleaned_data["code"],
                    terms=form.terms(max_uses=form.cleaned_data["max_uses"], is_active=form.cleaned_data["is_active"]),
                    staff_user=request.user,
                )
            except DomainError as error:
                _apply_error(form, error)
            else:
                messages.success(request, _("Added the promo code %(code)s.") % {"code": made.code})
                return redirect("backoffice:promotions")
        return render(request, "backoffice/promotions.html", _list_context(form, batch_form), status=422)
    return render(request, "backoffice/promotions.html", _list_context(form, batch_form))


@staff_page(PROMOTIONS)
@require_http_methods(["GET", "HEAD", "POST"])
def promotion_edit(request: HttpRequest, code_id: int) -> HttpResponse:
    code = selectors.promo_code_detail(code_id)
    if code is None:
        raise Http404
    if request.method == "POST":
        form = PromoCodeForm(request.POST)
        if form.is_valid():
            terms = form.terms(max_uses=form.cleaned_data["max_uses"], is_active=form.cleaned_data["is_active"])
            try:
                services.promo_code_update(
                    promo_code_id=code.pk,
                    code=form.cleaned_data["code"],
                    changes=terms.__dict__,
                    staff_user=request.user,
                )
            except DomainError as error:
                _apply_error(form, error)
            else:
                messages.success(
                    request,
                    _("Saved the promo code %(code)s. Bookings already made keep their discount.")
                    % {"code": form.cleaned_data["code"].upper()},
                )
                return redirect("backoffice:promotions")
        status = 422
    else:
        form = PromoCodeForm.for_code(code)
        status = 200
    uses = promo_code_uses([code.pk], clock_now())[code.pk]
    return render(request, "backoffice/promotion.html", {"code": code, "form": form, "uses": uses}, status=status)


@staff_page(PROMOTIONS)
@require_POST
def promotion_deactivate(request: HttpRequest, code_id: int) -> HttpResponse:
    try:
        code = services.promo_code_deactivate(promo_code_id=code_id, staff_user=request.user)
    except DomainError as error:
        say_error(request, error)
    else:
        messages.success(
            request,
            _("Deactivated %(code)s: it is refused from now on; holds that carry it keep their discount.")
            % {"code": code.code},
        )
    return redirect("backoffice:promotions")


@staff_page(PROMOTIONS)
@require_POST
def promotion_batch_create(request: HttpRequest) -> HttpResponse:
    batch_form = PromoBatchForm(request.POST)
    if batch_form.is_valid():
        try:
            _batch, codes = services.promo_batch_create(
                quantity=batch_form.cleaned_data["quantity"],
                prefix=batch_form.cleaned_data["code_prefix"],
                terms=batch_form.terms(),
                staff_user=request.user,
            )
        except DomainError as error:
            _apply_error(batch_form, error)
        else:
            messages.success(
                request, _("Generated %(count)s single-use codes: download them as CSV below.") % {"count": len(codes)}
            )
            return redirect("backoffice:promotions")
    return render(request, "backoffice/promotions.html", _list_context(PromoCodeForm(), batch_form), status=422)


@staff_page(PROMOTIONS)
@require_safe
def promotion_batch_csv(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.promo_batch(batch_id)
    if batch is None:
        raise Http404
    response = HttpResponse(selectors.codes_csv(selectors.batch_codes(batch)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="promo-codes-{batch.pk}.csv"'
    return response
