"""Keep the API's error shape for the answers Django and ninja make before our handlers run.

An unknown path under /api/ (Django's 404), a wrong method (ninja's 405) and an unexpected
exception would otherwise answer HTML or plain text to clients that only read JSON.
"""

import json
import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

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
