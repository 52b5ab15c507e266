"""One-click unsubscribe (RFC 8058): no login, a signed link.

GET shows a page with one button (mail scanners follow links; a GET changes nothing).
POST — the button, or a mail client's `List-Unsubscribe=One-Click` — withdraws consent.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from marquee.booking.models import Customer
from marquee.booking.services import customer_withdraw_consent
from marquee.marketing.links import customer_id_from_token


@csrf_exempt  # mail clients POST without a CSRF token; the signed link is the authority
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    customer_id = customer_id_from_token(token)
    if customer_id is None:
        raise Http404("This unsubscribe link is not valid.")
    customer = get_object_or_404(Customer, pk=customer_id)  # erased since the mail went out
    if request.method == "POST":
        customer = customer_withdraw_consent(customer_id=customer.pk)
        return render(request, "marketing/unsubscribed.html", {"customer": customer})
    return render(request, "marketing/unsubscribe.html", {"customer": customer, "token": token})
