"""Erasing a customer (the person asked to be forgotten): Admin only, after a confirmation
page that says what goes and what stays, with a reason for the records."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from marquee.backoffice.access import ERASE, staff_page
from marquee.backoffice.feedback import in_language
from marquee.core.errors import InvalidState, NotFound, ValidationFailed
from marquee.privacy.services import REASON_MAX_LENGTH, customer_erase
from marquee.reports import selectors


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the records, e.g. “asked by email on 6 December”. Do not write the person's name or address."),
    )


@staff_page(ERASE)
@require_http_methods(["GET", "HEAD", "POST"])
def customer_erase_view(request: HttpRequest, customer_id: int) -> HttpResponse:
    try:
        profile = selectors.customer_profile(customer_id=customer_id)
    except NotFound:
        raise Http404(gettext("No such customer.")) from None
    customer = profile.customer
    if customer.erased_at is not None:
        messages.info(request, gettext("This customer is already erased."))
        return redirect("backoffice:customer", customer_id=customer.pk)
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer_erase(customer_id=customer.pk, reason=form.cleaned_data["reason"], erased_by=request.user)
        except ValidationFailed as error:
            for problem in (error.fields or {}).get("reason", [error.detail]):
                form.add_error("reason", in_language(problem))
        except InvalidState as error:
            messages.info(request, in_language(error.detail))
            return redirect("backoffice:customer", customer_id=customer.pk)
        else:
            messages.success(
                request,
                gettext("Customer %(id)s is erased. Their bookings stay, without their name.") % {"id": customer.pk},
            )
            return redirect("backoffice:customer", customer_id=customer.pk)
    return render(
        request,
        "backoffice/customer_erase.html",
        {"c": customer, "profile": profile, "form": form, "paid": [b for b in profile.bookings if b.status == "paid"]},
    )
