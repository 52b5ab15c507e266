"""Answers the public API keeps in the cache, as the bytes it sends: the movie listing for
PUBLIC_CACHE_SECONDS (the same for every visitor in one language, like the listing page),
and the seat map for SEAT_MAP_CACHE_SECONDS (marquee.booking.seat_map_cache says how it is
forgotten when seats change). Endpoints hand in how to draw the answer; what is kept, and
under which key, is decided here.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja.renderers import JSONRenderer
from pydantic import TypeAdapter

from marquee.booking.seat_map_cache import seat_map_body

JSON_RENDERER = JSONRenderer()
JSON_CONTENT_TYPE = f"{JSON_RENDERER.media_type}; charset={JSON_RENDERER.charset}"


def render_json(request: HttpRequest, data: Any) -> bytes:
    """`data` as ninja renders what a handler returns, without validating it again."""
    return JSON_RENDERER.render(request, data, response_status=200).encode()


def render_valid[T](request: HttpRequest, schema: TypeAdapter[T], data: Any) -> bytes:
    """The answer's bytes, validated and rendered as ninja renders what a handler returns:
    for answers kept in the cache, which handlers then return as they are."""
    return render_json(request, schema.dump_python(schema.validate_python(data)))


def json_response(body: bytes) -> HttpResponse:
    return HttpResponse(body, content_type=JSON_CONTENT_TYPE)


def movie_listing(
    key_parts: tuple[object, ...],
    draw: Callable[[], list[dict[str, Any]]],
    render: Callable[[list[dict[str, Any]]], bytes],
) -> bytes:
    """The listing for these filters (`key_parts`) in the client's language: from the cache
    while PUBLIC_CACHE_SECONDS last, else drawn, rendered and kept."""
    seconds = settings.PUBLIC_CACHE_SECONDS
    key = ":".join(["marquee:api-movies", str(get_language()), *(str(part) for part in key_parts)])
    body = cache.get(key) if seconds > 0 else None
    if isinstance(body, bytes):
        return body
    listing = draw()
    body = render(listing)
    # Only answers worth keeping: an empty one for any genre id or far date a client makes
    # up would fill the cache with nothing.
    if seconds > 0 and listing:
        cache.set(key, body, timeout=seconds)
    return body


def seat_map(showtime_id: int, draw: Callable[[], bytes]) -> bytes:
    """The showtime's seat map, kept per language: the language version's name is in the
    client's."""
    return seat_map_body(showtime_id, draw, variant=get_language())
