"""The waiting room's JSON poll, served in front of Django's request path (see marquee.wsgi).

During a premiere's rush thousands of browsers poll `/queue/<sale>/?format=json` every few
seconds. Through Django's middleware, URL resolver and response machinery each poll costs about
2 ms of CPU; answered here from the cache it costs a fraction of that (docs/PERFORMANCE.md, "Fair
queue"). `waiting_room.quick_json` decides; whatever it cannot answer from the cache alone goes to
Django unchanged, so this is only ever a faster way to the same answer.
"""

import json
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from django.http.cookie import parse_cookie

from marquee.public.waiting_room import quick_json
from marquee.waiting_room.passes import place_cookie_name

POLL_PATH = re.compile(r"/queue/(\d{1,10})/\Z")
HEADERS = [
    ("Content-Type", "application/json"),
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Vary", "Cookie, X-Queue-Place"),
]

type WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def quick_answer(environ: dict[str, Any]) -> bytes | None:
    """The poll's body when the request is a waiting room poll the cache can answer."""
    if environ.get("REQUEST_METHOD") != "GET":
        return None
    found = POLL_PATH.fullmatch(environ.get("PATH_INFO", ""))
    if found is None:
        return None
    query = dict(parse_qsl(environ.get("QUERY_STRING", "")))
    if query.get("format") != "json" or not set(query) <= {"format", "showtime"}:
        return None
    sale_id = int(found[1])
    token = environ.get("HTTP_X_QUEUE_PLACE") or parse_cookie(environ.get("HTTP_COOKIE", "")).get(
        place_cookie_name(sale_id)
    )
    body = quick_json(sale_id, query, token)
    return None if body is None else json.dumps(body).encode()


def with_quick_poll(app: WSGIApp) -> WSGIApp:
    """`app`, with the waiting room's cached polls answered before it."""

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body = quick_answer(environ)
        if body is None:
            return app(environ, start_response)
        start_response("200 OK", [*HEADERS, ("Content-Length", str(len(body)))])
        return [body]

    return application
