"""Answers the public API keeps in the cache, as the bytes it sends: the movie listing and
the schedule (/showtimes) for PUBLIC_CACHE_SECONDS (the same for every visitor in one
language, like the listing and schedule pages; seats-free figures may lag that much),
and the seat map for SEAT_MAP_CACHE_SECONDS (marquee.scheduling.seat_map_cache says how a map
is forgotten when its seats change). Endpoints hand in how to draw the answer; what is
kept, under which key, and how it is rendered is decided here.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja.renderers import JSONRenderer
from pydantic import TypeAdapter

from marquee.api.schemas.public import MovieOut, ShowtimeOut
from marquee.booking.selectors import FREE, HELD, SOLD
from marquee.core.kept import kept
from marquee.scheduling.seat_map_cache import seat_map_body, seat_map_layout

JSON_RENDERER = JSONRenderer()
JSON_CONTENT_TYPE = f"{JSON_RENDERER.media_type}; charset={JSON_RENDERER.charset}"
MOVIE_LIST = TypeAdapter(list[MovieOut])
SHOWTIME_LIST = TypeAdapter(list[ShowtimeOut])
LISTING_PREFIX = "marquee:api-movies"
SCHEDULE_PREFIX = "marquee:api-showtimes"


def _render(request: HttpRequest, data: Any) -> bytes:
    """`data` as ninja renders what a handler returns."""
    return JSON_RENDERER.render(request, data, response_status=200).encode()


def _json(body: bytes) -> HttpResponse:
    return HttpResponse(body, content_type=JSON_CONTENT_TYPE)


def listing_key(filters: Sequence[object], prefix: str = LISTING_PREFIX) -> str:
    """The listing's key: its filters, in the client's language (the genres' names are in it)."""
    return ":".join([prefix, str(get_language()), *(str(value) for value in filters)])


def _programme(
    request: HttpRequest,
    key: str,
    adapter: TypeAdapter[Any],
    draw: Callable[[], list[dict[str, Any]]],
) -> HttpResponse:
    """From the cache while PUBLIC_CACHE_SECONDS last, else `draw()`n, validated as ninja
    would (`adapter`), rendered, and kept."""

    def rendered() -> tuple[bytes, bool]:
        drawn = draw()
        return _render(request, adapter.dump_python(adapter.validate_python(drawn))), bool(drawn)

    # Only answers worth keeping: an empty one for any genre id or far date a client makes
    # up would fill the cache with nothing.
    body, _worth = kept(key, settings.PUBLIC_CACHE_SECONDS, rendered, keep=lambda answer: answer[1])
    return _json(body)


def movie_listing(
    request: HttpRequest, filters: Sequence[object], draw: Callable[[], list[dict[str, Any]]]
) -> HttpResponse:
    """The listing for `filters` (list[MovieOut])."""
    return _programme(request, listing_key(filters), MOVIE_LIST, draw)


def showtime_listing(
    request: HttpRequest, filters: Sequence[object], draw: Callable[[], list[dict[str, Any]]]
) -> HttpResponse:
    """The schedule for `filters` (list[ShowtimeOut]): a day of 50 halls is 250 showtimes,
    whose counting and validation cost some 20 ms of CPU per request."""
    return _programme(request, listing_key(filters, SCHEDULE_PREFIX), SHOWTIME_LIST, draw)


def seat_map(
    request: HttpRequest,
    showtime_id: int,
    draw: Callable[[], dict[str, Any]],
    statuses: Callable[[], dict[int, str]],
) -> HttpResponse:
    """The showtime's seat map, kept per language (the language version's name is in the
    client's). `draw()` builds exactly SeatMapOut's plain fields (tests/api/test_read_caches.py
    checks), which are rendered without validating them again: validating 500 seats through
    ninja's schema cost 40% of drawing the map.

    What `draw()` builds is kept as the layout (seat_map_layout), rendered and cut at each
    seat's status; a map with a new version (a hold, say) is that layout joined with
    `statuses()` (the seats that are not free): one query instead of the whole drawing."""
    language = get_language()
    drawn_now: dict[int, str] = {}
    drew = False

    def layout() -> SeatMapLayout:
        nonlocal drew
        drawn = draw()
        drawn_now.update((seat["id"], seat["status"]) for seat in drawn["seats"] if seat["status"] != FREE)
        drew = True
        return _layout(request, drawn)

    def body() -> bytes:
        kept = seat_map_layout(showtime_id, layout, variant=language)
        return kept.join(drawn_now if drew else statuses())  # a layout just drawn has them already

    return _json(seat_map_body(showtime_id, body, variant=language))


# A seat's status in the rendered map. The layout is rendered with a mark in place of each
# status and cut there; the mark cannot occur anywhere else, since inside a JSON string every
# quote is escaped and `status": "` could not follow.
_STATUS_MARK = "\x00"
_STATUS_AT = b'"status": "\\u0000"'
_STATUS_BYTES = {status: f'"status": "{status}"'.encode() for status in (FREE, HELD, SOLD)}


@dataclass(frozen=True)
class SeatMapLayout:
    """A rendered seat map cut at each seat's status: `parts` has one more item than `seat_ids`."""

    seat_ids: list[int]
    parts: list[bytes]

    def join(self, statuses: dict[int, str]) -> bytes:
        """The map with each seat's status (free where `statuses` does not name it)."""
        free = _STATUS_BYTES[FREE]
        out = [self.parts[0]]
        for seat_id, part in zip(self.seat_ids, self.parts[1:], strict=True):
            status = statuses.get(seat_id)
            out.append(free if status is None else _STATUS_BYTES[status])
            out.append(part)
        return b"".join(out)


def _layout(request: HttpRequest, drawn: dict[str, Any]) -> SeatMapLayout:
    seats = drawn["seats"]
    for seat in seats:
        seat["status"] = _STATUS_MARK
    parts = _render(request, drawn).split(_STATUS_AT)
    if len(parts) != len(seats) + 1:  # the mark is not where it should be: the renderer changed
        raise RuntimeError(f"the seat map's layout cut into {len(parts)} parts for {len(seats)} seats")
    return SeatMapLayout(seat_ids=[seat["id"] for seat in seats], parts=parts)
