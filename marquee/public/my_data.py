"""A signed-in customer's own data: everything Marquee holds about them, as a page and as
a JSON download, and the withdrawal of their marketing consent. Reached from "My bookings";
signing in is the "My bookings" link's business (marquee.public.views)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from marquee.booking.services import customer_withdraw_consent
from marquee.core.clock import local_today
from marquee.core.errors import NotFound
from marquee.privacy.selectors import CustomerData, customer_data, export_document
from marquee.privacy.services import erasure_request_create
from marquee.public.views import SESSION_CUSTOMER


def _signed_in_data(request: HttpRequest) -> CustomerData | None:
    customer_id = request.session.get(SESSION_CUSTOMER)
    if not isinstance(customer_id, int):
        return None
    try:
        return customer_data(customer_id=customer_id)
    except NotFound:
        request.session.pop(SESSION_CUSTOMER, None)  # erased since: the session ends with them
        return None


def _sign_in_first(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("Sign in to see the data we hold about you."))
    return redirect("public:my_bookings")


@require_safe
def my_data(request: HttpRequest) -> HttpResponse:
    data = _signed_in_data(request)
    if data is None:
        return _sign_in_first(request)
    response = render(request, "public/my_data.html", {"data": data, "customer": data.customer})
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def my_data_json(request: HttpRequest) -> HttpResponse:
    data = _signed_in_data(request)
    if data is None:
        return _sign_in_first(request)
    response = JsonResponse(export_document(data), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="my-data-{local_today().isoformat()}.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def my_data_withdraw_consent(request: HttpRequest) -> HttpResponse:
    data = _signed_in_data(request)
    if data is None:
        return _sign_in_first(request)
    customer_withdraw_consent(customer_id=data.customer.pk)
    messages.success(request, _("Done: we will send you no more recommendation email."))
    return redirect("public:my_data")


@require_POST
def my_data_forget(request: HttpRequest) -> HttpResponse:
    data = _signed_in_data(request)
    if data is None:
        return _sign_in_first(request)
    erasure_request_create(customer_id=data.customer.pk)
    messages.success(request, _("We have your request. The cinema’s staff will erase your data."))
    return redirect("public:my_data")
