"""Keep the API's error shape for the answers Django and ninja make before our handlers run.

An unknown path under /api/ (Django's 404), a wrong method (ninja's 405) and an unexpected
exception would otherwise answer HTML or plain text to clients that only read JSON.
"""

import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import trans_real

from marquee.core.languages import CONTENT_LANGUAGES

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
_SHAPED = {
    404: ("not_found", "No such endpoint."),
    405: ("method_not_allowed", "This endpoint does not answer that method."),
}


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code not in _SHAPED:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response  # already ours
        code, detail = _SHAPED[response.status_code]
        shaped = JsonResponse({"error": code, "detail": detail}, status=response.status_code)
        if response.has_header("Allow"):
            shaped["Allow"] = response["Allow"]
        return shaped

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path.startswith(API_PREFIX):
            return None
        log.exception("unexpected error in %s %s", request.method, request.path)
        body = {"error": "server_error", "detail": "Something went wrong on our side; it has been logged."}
        return HttpResponse(json.dumps(body), status=500, content_type="application/json")


class ApiLanguageMiddleware:
    """The API answers in `?lang=uk|en` if given, else in the first language of `Accept-Language`
    that the site has, else in the default one: titles, descriptions and names are in that
    language (falling back to the other), and so are error details. The site's language
    cookie is not asked: an API client says what it wants in the request.

    Runs after LocaleMiddleware, which has already chosen (from the cookie too) for pages.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        language = api_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response


def api_language(request: HttpRequest) -> str:
    asked = request.GET.get("lang", "").strip().lower()
    if asked in CONTENT_LANGUAGES:
        return asked
    header = request.headers.get("Accept-Language", "")
    for code, _quality in trans_real.parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE
