"""One error shape for the whole API:
`{"error": code, "detail": sentence, "fields": {field: [messages]}}` (fields only for validation),
plus what a code adds (`seat_ids` for seats_unavailable, `conflicts` for hall_busy, …).

Every way a request can fail reaches one of these handlers, so that no input, however
malformed, answers anything but this shape with a 4xx status.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from marquee.core.errors import DomainError

log = logging.getLogger(__name__)

# Where ninja says a value came from, and the names our handlers give their parameters:
# neither is a field the client sent.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
_PARAM_NAMES = {"payload", "data", "filters", "params", "body"}


def error_response(
    api: NinjaAPI, request: HttpRequest, *, status: int, code: str, detail: str, **extra: Any
) -> HttpResponse:
    body: dict[str, Any] = {"error": code, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    return api.create_response(request, body, status=status)


def field_path(loc: list[Any] | tuple[Any, ...]) -> str:
    """ninja's error location as the field the client sent (`customer.email`, `seat_ids.0`)."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        source, parts = parts[0], parts[1:]
        if parts and parts[0] in _PARAM_NAMES:
            parts = parts[1:]
        return ".".join(parts) or source
    return ".".join(parts) or "body"


def _message(err: dict[str, Any]) -> str:
    msg = str(err.get("msg", "Invalid value."))
    # pydantic prefixes custom messages with "Value error, "; the client needs the rest.
    return msg.removeprefix("Value error, ")


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        fields = exc.fields if exc.status == 422 else None
        return error_response(
            api, request, status=exc.status, code=exc.code, detail=exc.detail, fields=fields, **exc.extra
        )

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            fields.setdefault(field_path(err.get("loc", ())), []).append(_message(err))
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

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        response = error_response(
            api, request, status=429, code="rate_limited", detail="Too many requests; try again in a moment."
        )
        if exc.wait:
            response["Retry-After"] = str(max(int(exc.wait), 1))
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            # ninja's answer to a body that is not JSON at all.
            message = "The request body is not valid JSON."
            return error_response(
                api, request, status=422, code="validation_error", detail=message, fields={"body": [message]}
            )
        codes = {401: "authentication_required", 403: "permission_denied", 404: "not_found", 429: "rate_limited"}
        code = codes.get(exc.status_code, "error")
        return error_response(api, request, status=exc.status_code, code=code, detail=str(exc) or "Bad request.")

    @api.exception_handler(DjangoPermissionDenied)
    def permission_denied(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
        return error_response(
            api, request, status=403, code="permission_denied", detail=str(exc) or "You may not do that."
        )

    @api.exception_handler(DjangoValidationError)
    def django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()} if hasattr(exc, "error_dict") else {}
        return error_response(
            api,
            request,
            status=422,
            code="validation_error",
            detail="; ".join(exc.messages) or "Some fields are not valid.",
            fields=fields or {"body": exc.messages},
        )

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return error_response(
            api,
            request,
            status=413,
            code="validation_error",
            detail="The request body is too large.",
            fields={"body": [f"Send at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."]},
        )

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        # Too many fields, a malformed multipart body, ...: the client's mistake, not ours.
        return error_response(
            api,
            request,
            status=400,
            code="validation_error",
            detail=str(exc) or "The request is malformed.",
            fields={"body": [str(exc) or "The request is malformed."]},
        )

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A bug, not an input: logged with its traceback, answered in the same shape.
        log.exception("unhandled error in %s %s", request.method, request.path)
        return error_response(api, request, status=500, code="server_error", detail="Something went wrong on our side.")
