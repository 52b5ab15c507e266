"""The waiting room's pages, and the gate the seat map and checkout pass through.

`queue_gate` (one line on each of public/views.py's showtime, seat-map and checkout views)
sends a visitor with no valid pass for the showtime's queued sale to the waiting page. The
waiting page places the visitor (a random visitor id in a signed cookie, so coming back keeps
the place), shows when the sale opens, or the place and an estimate, refreshes itself (a
`<meta http-equiv="refresh">` without JavaScript, an htmx poll of a small fragment with it),
says "sold out" as soon as no seat is left, and lets the visitor through with a signed pass when
their turn comes. A poll costs no query once the visitor's place is known: the sale's status is
shared through the cache (marquee.waiting_room.selectors).
"""

import datetime as dt
import functools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods, require_safe

from marquee.core.clock import now as clock_now
from marquee.core.errors import DomainError, in_language
from marquee.waiting_room import selectors, services
from marquee.waiting_room.admission import seconds_to_wait
from marquee.waiting_room.gate import pass_cookie_name, request_pass, waiting_url
from marquee.waiting_room.passes import Place, pass_sign, place_cookie_name, place_read, place_sign

POLL_SECONDS = 4  # with the status's one second in the cache: "sold out" seen within 5 s
MAX_BEFORE_OPENING_POLL = 30
OPENING_SPREAD = 4
COOKIE_DAYS = 2


def queue_gate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A showtime's page, map or checkout behind a live queued sale needs the sale's pass.

    Without one the visitor goes to the waiting page (htmx polls are told to go there too). A
    checkout that holds seats counts them against the pass's arrival (at most
    MAX_SEATS_PER_BOOKING in all) and gives them back when no hold was made."""

    @functools.wraps(view)
    def gated(request: HttpRequest, showtime_id: int, *args: Any, **kwargs: Any) -> HttpResponse:
        sale_id = selectors.gate_for(showtime_id)
        if sale_id is None:
            return view(request, showtime_id, *args, **kwargs)
        found = request_pass(request, sale_id)
        if found is None:
            return _go(request, waiting_url(sale_id, showtime_id))
        if request.method != "POST":
            return view(request, showtime_id, *args, **kwargs)
        seats = len(request.POST.getlist("seat"))
        try:
            services.pass_seats_take(arrival_id=found.arrival_id, seats=seats)
        except DomainError as error:
            messages.error(request, in_language(error.detail))
            return HttpResponseRedirect(reverse("public:showtime", args=[showtime_id]))
        response = view(request, showtime_id, *args, **kwargs)
        if not _held(response):
            services.pass_seats_give_back(arrival_id=found.arrival_id, seats=seats)
        return response

    return gated


def _held(response: HttpResponse) -> bool:
    """The checkout answered with the new booking's page: the hold was made."""
    prefix = reverse("public:booking", args=["X"]).rsplit("X", 1)[0]
    return response.status_code == 302 and str(response.get("Location", "")).startswith(prefix)


def _go(request: HttpRequest, url: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


# --- the waiting page -------------------------------------------------------------------------


@dataclass
class Visit:
    """What the waiting page says to one visitor, and the cookies it sets."""

    state: str  # before | waiting | admitted | expired | sold_out | ended
    status: selectors.SaleStatus
    next_url: str
    place: Place | None = None
    position: int = 0
    wait_seconds: int = 0
    pass_token: str = ""
    pass_expires_at: dt.datetime | None = None
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def wait_minutes(self) -> int:
        return max(1, round(self.wait_seconds / 60))

    @property
    def refresh_seconds(self) -> int:
        if self.state == "before":
            # Not all at the opening's second: the places are drawn then, so coming a few seconds
            # later costs nothing, and the crowd's first look is spread over OPENING_SPREAD seconds.
            until = int((self.status.opens_at - clock_now()).total_seconds())
            return max(1, min(until + 1 + random.randint(0, OPENING_SPREAD), MAX_BEFORE_OPENING_POLL))  # noqa: S311
        return POLL_SECONDS


def _next_url(request: HttpRequest, status: selectors.SaleStatus) -> str:
    raw = request.GET.get("showtime", "")
    return _next_url_for(raw, status, selectors.gates() if raw.isdigit() else {})


def _next_url_for(raw: str, status: selectors.SaleStatus, gates: dict[int, int]) -> str:
    """Where a visitor goes when let through: the showtime it came from, if the sale gates it."""
    if raw.isdigit() and gates.get(int(raw)) == status.sale_id:
        return reverse("public:showtime", args=[int(raw)])
    if status.showtime_id is not None:
        return reverse("public:showtime", args=[status.showtime_id])
    return reverse("public:movie", args=[status.movie_id])


def _place(request: HttpRequest, sale_id: int) -> Place | None:
    token = request.headers.get("X-Queue-Place") or request.COOKIES.get(place_cookie_name(sale_id))
    return place_read(token, sale_id)


def _visit(request: HttpRequest, sale_id: int, *, rejoin: bool = False) -> Visit:
    status = selectors.sale_status(sale_id)
    if status is None:
        raise Http404
    at = clock_now()
    if not status.drawn and at >= status.opens_at and not status.ended:
        services.sale_draw(sale_id=sale_id)
        status = selectors.sale_status(sale_id) or status
    visit = Visit(state="ended", status=status, next_url=_next_url(request, status))
    if status.ended:
        return visit
    opened = at >= status.opens_at
    place = None if rejoin else _place(request, sale_id)
    if place is None:
        if opened and status.sold_out:
            visit.state = "sold_out"
            return visit
        arrival = services.arrival_join(sale_id=sale_id)
        place = Place(sale_id, arrival.visitor, arrival.pk, arrival.rank)
        visit.cookies[place_cookie_name(sale_id)] = place_sign(place)
    elif place.rank is None and status.drawn:
        known = selectors.arrival_place(place.arrival_id, sale_id)
        if known is None or known[0] != place.visitor:  # a place of a sale since removed: join anew
            return _visit(request, sale_id, rejoin=True)
        rank = known[1] if known[1] is not None else services.arrival_place_late(arrival_id=place.arrival_id)
        place = Place(sale_id, place.visitor, place.arrival_id, rank)
        visit.cookies[place_cookie_name(sale_id)] = place_sign(place)
    visit.place = place
    if not opened:
        visit.state = "before"
        return visit
    if status.sold_out:  # nothing to let anyone through to (seats held count as taken)
        visit.state = "sold_out"
        return visit
    reached = status.allowance_exact(at)
    if place.rank is not None and place.rank <= int(reached + 1e-9):
        _let_through(request, visit, at)
        return visit
    visit.state = "waiting"
    rank = place.rank if place.rank is not None else status.next_rank
    visit.position = max(rank - int(reached), 1)
    visit.wait_seconds = seconds_to_wait(rank=rank, allowance_now=reached, rate=status.rate)
    return visit


def _let_through(request: HttpRequest, visit: Visit, at: dt.datetime) -> None:
    assert visit.place is not None
    sale_id = visit.status.sale_id
    held = request_pass(request, sale_id)
    if held is not None and held.arrival_id == visit.place.arrival_id:
        visit.state, visit.pass_expires_at = "admitted", held.expires_at
        visit.pass_token = request.headers.get("X-Queue-Pass") or request.COOKIES.get(pass_cookie_name(sale_id), "")
        return
    admitted_at = services.arrival_admit(arrival_id=visit.place.arrival_id)
    expires_at = admitted_at + dt.timedelta(minutes=settings.QUEUE_PASS_MINUTES)
    if expires_at <= at:
        visit.state = "expired"  # its turn came and went: back to the end of the queue if it likes
        return
    visit.state, visit.pass_expires_at = "admitted", expires_at
    visit.pass_token = pass_sign(sale_id=sale_id, arrival_id=visit.place.arrival_id, expires_at=expires_at)
    visit.cookies[pass_cookie_name(sale_id)] = visit.pass_token


def _answer(request: HttpRequest, visit: Visit, response: HttpResponse) -> HttpResponse:
    for name, value in visit.cookies.items():
        max_age = COOKIE_DAYS * 86400 if not name.startswith("mq_pass_") else settings.QUEUE_PASS_MINUTES * 60
        response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="Lax", secure=request.is_secure())
    response["Cache-Control"] = "no-store"
    return response


def _json(visit: Visit, signed_place: str | None = None) -> dict[str, Any]:
    """The answer of `?format=json` (`signed_place`: the visitor's token, when it already says
    what visit.place does: not signed again)."""
    body: dict[str, Any] = {
        "state": visit.state,
        "opens_at": visit.status.opens_at.isoformat(),
        "refresh_seconds": visit.refresh_seconds,
        "next": visit.next_url,
    }
    if visit.place is not None:
        body["place"] = signed_place or place_sign(visit.place)
    if visit.state == "waiting":
        body.update(
            {"position": visit.position, "wait_seconds": visit.wait_seconds, "wait_minutes": visit.wait_minutes}
        )
    if visit.state == "admitted":
        body.update({"pass": visit.pass_token, "pass_expires_at": visit.pass_expires_at.isoformat()})  # type: ignore[union-attr]
    return body


def quick_json(sale_id: int, query: dict[str, str], place_token: str | None) -> dict[str, Any] | None:
    """The JSON poll's answer when the cache alone gives it, else None (then Django answers).

    Thousands of waiting browsers poll; almost every poll only tells a place and an estimate, or
    "sold out", from the sale's cached status and the visitor's signed place. This answers those
    without a query, a session or a template, the same as `waiting_room(?format=json)` would
    (tests/waiting_room/test_quick_poll.py holds them equal), so marquee.wsgi can serve them
    before Django's request path. Whatever writes or needs the database falls through: a visitor
    with no place yet (joins), the draw, a turn that has come (the pass is issued), an ended sale.
    """
    place = place_read(place_token, sale_id)
    # One round trip to the cache: the status, the gates, and the place the draw gave this
    # visitor when its cookie was signed before the draw.
    cached = selectors.cached_for_poll(sale_id, place.arrival_id if place and place.rank is None else None)
    status, gates = cached.usable_status, cached.gates
    if status is None or status.ended:
        return None
    at = clock_now()
    opened = at >= status.opens_at
    if opened and not status.drawn:
        return None
    raw = query.get("showtime", "")
    if raw.isdigit() and gates is None:
        return None
    signed = place_token if place is not None and place.rank is not None else None
    if place is not None and opened and place.rank is None:
        rank = cached.drawn_rank
        place = Place(sale_id, place.visitor, place.arrival_id, rank) if rank is not None else None
    visit = Visit(state="before", status=status, next_url=_next_url_for(raw, status, gates or {}), place=place)
    if opened and status.sold_out:
        visit.state = "sold_out"
        return _json(visit, signed)
    if place is None:
        return None
    if not opened:
        return _json(visit, place_token)
    assert place.rank is not None
    rank, reached = place.rank, status.allowance_exact(at)
    if rank <= int(reached + 1e-9):
        return None
    visit.state = "waiting"
    visit.position = max(rank - int(reached), 1)
    visit.wait_seconds = seconds_to_wait(rank=rank, allowance_now=reached, rate=status.rate)
    return _json(visit, signed)


def _context(visit: Visit) -> dict[str, Any]:
    return {
        "visit": visit,
        "sale": visit.status,
        "wait_minutes": visit.wait_minutes,
        "position_html": format_html("<span data-queue-position>{}</span>", visit.position),
        "minutes_html": format_html("<span data-queue-minutes>{}</span>", visit.wait_minutes),
        "pass_minutes": settings.QUEUE_PASS_MINUTES,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def waiting_room(request: HttpRequest, sale_id: int) -> HttpResponse:
    """The waiting page: `?format=json` answers the same for API clients (with the pass)."""
    visit = _visit(request, sale_id, rejoin=request.method == "POST" and "rejoin" in request.POST)
    if request.GET.get("format") == "json":
        return _answer(request, visit, JsonResponse(_json(visit)))
    if visit.state in {"admitted", "ended"}:
        return _answer(request, visit, HttpResponseRedirect(visit.next_url))
    if request.method == "POST":  # rejoined: show the new place with a plain GET from now on
        return _answer(request, visit, HttpResponseRedirect(request.get_full_path()))
    context = _context(visit)
    context["movie"] = selectors.sale_movie(visit.status)
    return _answer(request, visit, render(request, "public/waiting_room.html", context))


@require_safe
def waiting_room_status(request: HttpRequest, sale_id: int) -> HttpResponse:
    """The part of the waiting page that changes, for htmx's poll."""
    visit = _visit(request, sale_id)
    if visit.state in {"admitted", "ended"}:
        return _answer(request, visit, _go(request, visit.next_url))
    return _answer(request, visit, render(request, "public/_waiting_status.html", _context(visit)))
