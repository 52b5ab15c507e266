"""The JSON API at /api/v1/: OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from ninja import NinjaAPI

from marquee.api import checkin, public, staff
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
api.add_router("/admin/", staff.router)
api.add_router("/admin/", checkin.router)

urlpatterns = api.urls[0]
app_name = "api"
