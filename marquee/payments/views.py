"""Providers' server-to-server notifications: one view for all of them.

The provider verifies and reads its own call (BadSignature: 400, nothing changes); the
ledger acts on it once (notification_handle). Answered 200 whatever the ledger did with
it (a duplicate, an unknown payment), so that the provider stops sending it.
"""

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marquee.payments.providers.base import BadSignature
from marquee.payments.providers.registry import provider_for_ledger
from marquee.payments.services import notification_handle

log = logging.getLogger("marquee.payments")


def _notification(request: HttpRequest, provider_name: str) -> HttpResponse:
    provider = provider_for_ledger(provider_name)
    try:
        notification = provider.parse_notification(body=request.body, headers=request.headers)
    except BadSignature as error:
        log.warning("%s notification refused: %s", provider_name, error)
        return HttpResponseBadRequest("bad signature")
    outcome = notification_handle(provider=provider_name, notification=notification)
    return JsonResponse({"received": True, "outcome": outcome})


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    return _notification(request, "stripe")


@csrf_exempt
@require_POST
def liqpay_callback(request: HttpRequest) -> HttpResponse:
    return _notification(request, "liqpay")
