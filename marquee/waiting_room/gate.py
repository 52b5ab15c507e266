"""The gate before a queued showtime's seat map and hold, for the site and the API.

A request passes when it carries a valid pass for the showtime's sale: in the `X-Queue-Pass`
header (API clients) or the sale's pass cookie (browsers). The API's hold also counts its seats
against the pass's arrival in the database before holding and gives them back if the hold
fails, so a pass shared with a thousand people still holds MAX_SEATS_PER_BOOKING seats in all.
"""

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from marquee.core.clock import now as clock_now
from marquee.waiting_room import selectors, services
from marquee.waiting_room.passes import PASS_COOKIE_PREFIX, Pass, pass_read


def pass_cookie_name(sale_id: int) -> str:
    return f"{PASS_COOKIE_PREFIX}{sale_id}"


def request_pass(request: HttpRequest, sale_id: int) -> Pass | None:
    token = request.headers.get("X-Queue-Pass") or request.COOKIES.get(pass_cookie_name(sale_id))
    return pass_read(token, sale_id=sale_id, at=clock_now())


def waiting_url(sale_id: int, showtime_id: int | None = None) -> str:
    url = reverse("public:waiting_room", args=[sale_id])
    return f"{url}?showtime={showtime_id}" if showtime_id else url


def _refuse(request: HttpRequest, sale_id: int, showtime_id: int) -> services.QueueRequired:
    return services.QueueRequired(
        "This showtime's sale goes through a waiting room: join the queue and send the pass it gives you "
        "in the X-Queue-Pass header.",
        queue_url=request.build_absolute_uri(waiting_url(sale_id, showtime_id)),
    )


def api_gated(view: Callable[..., Any]) -> Callable[..., Any]:
    """An API read of one showtime (path `id`): `409 queue_required` without a valid pass."""

    @functools.wraps(view)
    def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        showtime_id = kwargs.get("id")
        sale_id = selectors.gate_for(showtime_id) if isinstance(showtime_id, int) else None
        if sale_id is not None and request_pass(request, sale_id) is None:
            raise _refuse(request, sale_id, showtime_id)  # type: ignore[arg-type]
        return view(request, *args, **kwargs)

    return gated


def asked_seats(payload: Any) -> int:
    """How many seats a hold asks for: its seat ids, or a best-available count."""
    seat_ids = getattr(payload, "seat_ids", None)
    if seat_ids:
        return len(seat_ids)
    best = getattr(payload, "best_available", None)
    return int(getattr(best, "count", 0) or 0)


def api_gated_hold(view: Callable[..., Any]) -> Callable[..., Any]:
    """The API's hold (`payload.showtime_id`): a valid pass, and seats left on it."""

    @functools.wraps(view)
    def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        payload = kwargs.get("payload")
        showtime_id = getattr(payload, "showtime_id", None)
        sale_id = selectors.gate_for(showtime_id) if isinstance(showtime_id, int) else None
        if sale_id is None:
            return view(request, *args, **kwargs)
        found = request_pass(request, sale_id)
        if found is None:
            raise _refuse(request, sale_id, showtime_id)  # type: ignore[arg-type]
        return with_pass_seats(found, asked_seats(payload), lambda: view(request, *args, **kwargs))

    return gated


def with_pass_seats[T](found: Pass, seats: int, hold: Callable[[], T]) -> T:
    """Run `hold` with `seats` counted against the pass; given back if it fails."""
    services.pass_seats_take(arrival_id=found.arrival_id, seats=seats)
    try:
        return hold()
    except BaseException:
        services.pass_seats_give_back(arrival_id=found.arrival_id, seats=seats)
        raise
