"""Gift vouchers for staff: find one by code or email, read its balance and history, issue
one by hand (a complaint, a prize) with a reason, and move its expiry later. Audited
(`voucher.issue`, `voucher.extend`) by the services."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from marquee.backoffice.access import BOOKINGS, staff_page
from marquee.backoffice.feedback import in_language
from marquee.core.clock import now as clock_now
from marquee.core.errors import DomainError
from marquee.vouchers.models import VoucherStatus
from marquee.vouchers.selectors import voucher_get, voucher_history, vouchers_find
from marquee.vouchers.services import voucher_extend, voucher_issue


class VoucherSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Code or email"),
        max_length=254,
        required=False,
        help_text=gettext_lazy("The whole code, its last four characters, or the buyer's or recipient's email."),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any")), *VoucherStatus.choices],
    )


class VoucherIssueForm(forms.Form):
    amount = forms.DecimalField(label=gettext_lazy("Amount"), min_value=1, max_digits=10, decimal_places=2)
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=255, help_text=gettext_lazy("A complaint, a prize: why it is given.")
    )
    recipient_name = forms.CharField(label=gettext_lazy("Recipient's name"), max_length=200, required=False)
    recipient_email = forms.EmailField(
        label=gettext_lazy("Recipient's email"),
        required=False,
        help_text=gettext_lazy("With an email, the voucher is sent there."),
    )
    message = forms.CharField(
        label=gettext_lazy("Message"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Last day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Leave empty for the usual validity."),
    )


class VoucherExtendForm(forms.Form):
    expires_on = forms.DateField(label=gettext_lazy("New last day"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=255)


def _apply(form: forms.Form, error: DomainError) -> None:
    for field, problems in (error.fields or {}).items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, in_language(problem))
    if not error.fields:
        form.add_error(None, in_language(error.detail))


@staff_page(BOOKINGS)
@require_http_methods(["GET", "HEAD", "POST"])
def voucher_list(request: HttpRequest) -> HttpResponse:
    search = VoucherSearchForm(request.GET or None)
    q, status = "", ""
    if search.is_valid():
        q, status = search.cleaned_data["q"], search.cleaned_data["status"]
    issue = VoucherIssueForm(request.POST or None)
    if request.method == "POST" and issue.is_valid():
        try:
            voucher = voucher_issue(**issue.cleaned_data, staff_user=request.user, language=request.LANGUAGE_CODE)
        except DomainError as error:
            _apply(issue, error)
        else:
            messages.success(request, _("Issued a gift voucher of %(amount)s.") % {"amount": voucher.amount})
            return redirect("backoffice:voucher", voucher_id=voucher.pk)
    found = vouchers_find(q=q, status=status, limit=100)
    context: dict[str, Any] = {"search": search, "issue": issue, "found": found, "now": clock_now()}
    return render(request, "backoffice/vouchers.html", context, status=422 if issue.errors else 200)


@staff_page(BOOKINGS)
@require_http_methods(["GET", "HEAD"])
def voucher_detail(request: HttpRequest, voucher_id: int) -> HttpResponse:
    return _detail(request, voucher_id, VoucherExtendForm())


def _detail(request: HttpRequest, voucher_id: int, extend: VoucherExtendForm, status: int = 200) -> HttpResponse:
    voucher = voucher_get(voucher_id)
    if voucher is None:
        raise Http404
    return render(
        request,
        "backoffice/voucher.html",
        {"voucher": voucher, "entries": voucher_history(voucher.pk), "extend": extend, "now": clock_now()},
        status=status,
    )


@staff_page(BOOKINGS)
@require_POST
def voucher_extend_view(request: HttpRequest, voucher_id: int) -> HttpResponse:
    form = VoucherExtendForm(request.POST)
    if form.is_valid():
        try:
            voucher_extend(voucher_id=voucher_id, staff_user=request.user, **form.cleaned_data)
        except DomainError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The voucher's expiry is moved."))
            return redirect("backoffice:voucher", voucher_id=voucher_id)
    return _detail(request, voucher_id, form, status=422)
