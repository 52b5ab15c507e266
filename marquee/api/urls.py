"""The JSON API at /api/v1/: OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from ninja import NinjaAPI

from marquee.api import (
    checkin,
    public,
    staff,
    staff_formats,
    staff_payments,
    staff_promotions,
    staff_settlement,
    staff_ticket_types,
    vouchers,
    waitlist,
)
from marquee.api.docs import OfflineSwagger
from marquee.api.errors import install_error_handlers

api = NinjaAPI(
    title="Marquee API",
    version="1",
    description="Cinema listing, seat maps, bookings, and the back office. See shared/spec/api.md.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=OfflineSwagger(),
)
install_error_handlers(api)
api.add_router("/", public.router)
api.add_router("/", vouchers.router)
api.add_router("/", waitlist.router)
api.add_router("/admin/", staff.router)
api.add_router("/admin/", checkin.router)
api.add_router("/admin/", staff_payments.router)
api.add_router("/admin/", staff_settlement.router)
api.add_router("/admin/", staff_promotions.router)
api.add_router("/admin/", staff_ticket_types.router)
api.add_router("/admin/", staff_formats.router)
api.add_router("/admin/", vouchers.staff_router)


def answer_head_as_get(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """HEAD wherever GET is (HTTP says a server should, and Django's own views do): ninja
    answers only the methods an operation names, so HEAD runs as GET here and the server
    sends the headers alone. Other methods pass through untouched."""

    @wraps(view)
    def head_as_get(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "HEAD":
            return view(request, *args, **kwargs)
        request.method = "GET"
        try:
            return view(request, *args, **kwargs)
        finally:
            request.method = "HEAD"

    return head_as_get


urlpatterns = api.urls[0]
for _pattern in urlpatterns:
    if _pattern.callback is not None:
        _pattern.callback = answer_head_as_get(_pattern.callback)
app_name = "api"
