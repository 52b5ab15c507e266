"""The interactive API docs at /api/v1/docs: Swagger UI from the project's own static files
(vendored from npm by `make vendor`), so the page works without internet and loads no
script from a CDN; its initializer is a static file too, as the Content-Security-Policy
runs no inline script.

`API_DOCS_PUBLIC` (default: on with DEBUG) opens the page to anyone; otherwise it is for
signed-in staff. The OpenAPI document itself (/api/v1/openapi.json) stays public: it is
the contract kiosks and other programs build on, and tells nothing the contract does not.
"""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.csp import CSP
from ninja.openapi.docs import Swagger

if TYPE_CHECKING:
    from ninja import NinjaAPI


def may_read_docs(request: HttpRequest) -> bool:
    if settings.API_DOCS_PUBLIC:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_active and user.is_staff)


class OfflineSwagger(Swagger):
    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: "NinjaAPI", **kwargs: Any) -> HttpResponse:
        if not may_read_docs(request):
            return redirect_to_login(request.get_full_path())
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        response = render(request, self.template, {"swagger_settings": self.settings, "api": api})
        # Swagger UI (React) adds <style> elements of its own: style elements from this
        # page's origin and inline ones, never scripts.
        policy = dict(settings.SECURE_CSP)
        policy["style-src-elem"] = [CSP.SELF, CSP.UNSAFE_INLINE]
        response._csp_config = policy  # type: ignore[attr-defined]  # read by Django's CSP middleware
        return response
