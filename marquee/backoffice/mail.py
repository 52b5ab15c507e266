"""The delivery log for staff: what mail went out, what is waiting, what failed; resend."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from marquee.backoffice.access import BOOKINGS, staff_page
from marquee.core.errors import DomainError, NotFound
from marquee.notifications.models import MailKind, MailStatus
from marquee.notifications.selectors import mails_find
from marquee.notifications.services import mail_requeue

LIMIT = 100


class MailFilterForm(forms.Form):
    q = forms.CharField(label=_("Email or reference"), required=False, max_length=254)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *MailStatus.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any")), *MailKind.choices])


@staff_page(BOOKINGS)
@require_http_methods(["GET", "HEAD", "POST"])
def mail_log(request: HttpRequest) -> HttpResponse:
    """GET: the log, newest first, filtered. POST (mail_id): queue a new copy of a message."""
    if request.method == "POST":
        return _resend(request)
    form = MailFilterForm(request.GET or None)
    found = (
        mails_find(q=form.cleaned_data["q"].strip(), status=form.cleaned_data["status"], kind=form.cleaned_data["kind"])
        if form.is_valid()
        else mails_find()
    )
    mails = list(found[: LIMIT + 1])
    return render(
        request,
        "backoffice/mail.html",
        {"form": form, "mails": mails[:LIMIT], "more": len(mails) > LIMIT, "query": request.GET.urlencode()},
    )


def _resend(request: HttpRequest) -> HttpResponse:
    mail_id = request.POST.get("mail_id", "")
    try:
        if not mail_id.isdigit():
            raise NotFound(gettext("No such message."))
        copy = mail_requeue(mail_id=int(mail_id), staff_user=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request, gettext("A new copy to %(email)s is queued; it appears at the top.") % {"email": copy.to_email}
        )
    # Back to the same filters; re-encoded, so nothing but a query string reaches the header.
    query = QueryDict(request.POST.get("query", "")).urlencode()
    return redirect(reverse("backoffice:mail") + (f"?{query}" if query else ""))
