"""One error shape for the whole API:
`{"error": code, "detail": sentence, "fields": {field: [messages]}}` (fields only for validation).
"""

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from marquee.core.errors import DomainError

log = logging.getLogger(__name__)


def error_response(
    api: NinjaAPI, request: HttpRequest, *, status: int, code: str, detail: str, **extra: Any
) -> HttpResponse:
    body: dict[str, Any] = {"error": code, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    return api.create_response(request, body, status=status)


def _field_path(loc: list[Any] | tuple[Any, ...]) -> str:
    # ninja's locations start with where the value came from ("body", "query", "path")
    # and the parameter's own name; a client wants the field as it sent it.
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form"}:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in {"payload", "data", "filters", "params"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return error_response(
            api, request, status=exc.status, code=exc.code, detail=exc.detail, fields=exc.fields, **exc.extra
        )

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            fields.setdefault(_field_path(err.get("loc", ())), []).append(str(err.get("msg", "Invalid value.")))
        return error_response(
            api, request, status=422, code="validation_error", detail="Some fields are not valid.", fields=fields
        )

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            api, request, status=401, code="authentication_required", detail="Send a valid API key as a Bearer token."
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, status=404, code="not_found", detail="Not found.")

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        codes = {400: "validation_error", 401: "authentication_required", 403: "permission_denied", 404: "not_found"}
        code = codes.get(exc.status_code, "error")
        status = 422 if exc.status_code == 400 else exc.status_code
        return error_response(api, request, status=status, code=code, detail=str(exc) or "Bad request.")
