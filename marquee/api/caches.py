"""Answers the public API keeps in the cache, as the bytes it sends: the movie listing for
PUBLIC_CACHE_SECONDS (the same for every visitor in one language, like the listing page),
and the seat map for SEAT_MAP_CACHE_SECONDS (marquee.scheduling.seat_map_cache says how a map
is forgotten when its seats change). Endpoints hand in how to draw the answer; what is
kept, under which key, and how it is rendered is decided here.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja.renderers import JSONRenderer
from pydantic import TypeAdapter

from marquee.api.schemas.public import MovieOut
from marquee.scheduling.seat_map_cache import seat_map_body

JSON_RENDERER = JSONRenderer()
JSON_CONTENT_TYPE = f"{JSON_RENDERER.media_type}; charset={JSON_RENDERER.charset}"
MOVIE_LIST = TypeAdapter(list[MovieOut])
LISTING_PREFIX = "marquee:api-movies"


def _render(request: HttpRequest, data: Any) -> bytes:
    """`data` as ninja renders what a handler returns."""
    return JSON_RENDERER.render(request, data, response_status=200).encode()


def _json(body: bytes) -> HttpResponse:
    return HttpResponse(body, content_type=JSON_CONTENT_TYPE)


def listing_key(filters: Sequence[object]) -> str:
    """The listing's key: its filters, in the client's language (the genres' names are in it)."""
    return ":".join([LISTING_PREFIX, str(get_language()), *(str(value) for value in filters)])


def movie_listing(
    request: HttpRequest, filters: Sequence[object], draw: Callable[[], list[dict[str, Any]]]
) -> HttpResponse:
    """The listing for `filters`: from the cache while PUBLIC_CACHE_SECONDS last, else
    `draw()`n, validated as ninja would (list[MovieOut]), rendered, and kept."""
    seconds = settings.PUBLIC_CACHE_SECONDS
    key = listing_key(filters)
    body = cache.get(key) if seconds > 0 else None
    if isinstance(body, bytes):
        return _json(body)
    listing = draw()
    body = _render(request, MOVIE_LIST.dump_python(MOVIE_LIST.validate_python(listing)))
    # Only answers worth keeping: an empty one for any genre id or far date a client makes
    # up would fill the cache with nothing.
    if seconds > 0 and listing:
        cache.set(key, body, timeout=seconds)
    return _json(body)


def seat_map(request: HttpRequest, showtime_id: int, draw: Callable[[], dict[str, Any]]) -> HttpResponse:
    """The showtime's seat map, kept per language (the language version's name is in the
    client's). `draw()` builds exactly SeatMapOut's plain fields (tests/api/test_read_caches.py
    checks), which are rendered without validating them again: validating 500 seats through
    ninja's schema cost 40% of drawing the map."""
    return _json(seat_map_body(showtime_id, lambda: _render(request, draw()), variant=get_language()))
