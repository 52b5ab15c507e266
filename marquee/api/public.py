"""The public API (api.md, "Public"): listing, showtimes, seat maps and bookings.

Handlers parse input, call one selector or service, and shape the answer; domain errors
become the contract's error answers in marquee.api.errors. Every read is a constant
number of queries, whatever the number of movies, showtimes or seats.
"""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Header, Query, Router
from ninja.responses import Status

from marquee.api import caches
from marquee.api.middleware import api_language
from marquee.api.schemas.common import ERRORS_READ, MAX_ID, ErrorOut, GenreOut, genre_out
from marquee.api.schemas.payments import (
    PaymentBookingOut,
    PaymentStartedOut,
    PaymentStartIn,
    booking_vouchers_out,
    money_out,
    payment_started_out,
)
from marquee.api.schemas.public import (
    BOOKING_ERRORS,
    BookingCreatedOut,
    BookingIn,
    MovieDetailOut,
    MovieFilters,
    MovieOut,
    PayIn,
    SeatMapOut,
    ShowtimeDetailOut,
    ShowtimeFilters,
    ShowtimeOut,
    booking_out,
    movie_detail_out,
    movie_out,
    seat_map_out,
    showtime_detail_out,
    showtime_out,
)
from marquee.api.throttles import HOLD_RATE
from marquee.booking.models import Booking
from marquee.booking.selectors import (
    booking_detail,
    movie_listed,
    movies_showing,
    seat_statuses,
    showtime_prices,
    showtime_public,
    showtime_seat_map,
    showtimes_upcoming,
)
from marquee.booking.services import CustomerDetails, booking_for_customer
from marquee.core.client import client_address
from marquee.core.clock import now as clock_now
from marquee.core.errors import NotFound, ValidationFailed
from marquee.payments.checkout import checkout_hold
from marquee.payments.selectors import booking_money
from marquee.payments.services import booking_cancel, booking_pay_answered, payment_start
from marquee.payments.voucher_money import voucher_amount
from marquee.pricing.ticket_types import ticket_types_for_showtime, uniform_base_prices
from marquee.public.selectors import genres as genres_by_name
from marquee.scheduling.models import Showtime, ShowtimeStatus
from marquee.waiting_room.gate import api_gated, api_gated_hold

router = Router(tags=["public"])
# The booking's token travels as `Authorization: Bearer <token>`.
TOKEN_HEADER = Header(None, description="`Bearer <token>`: the token from the answer that made the booking.")


def _id(value: int, what: str) -> int:
    """A path id that can name a row; anything else names nothing."""
    if not 0 < value <= MAX_ID:
        raise NotFound(f"No such {what}.")
    return value


def _bearer(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _showtime(showtime_id: int, *, with_counts: bool = True) -> Showtime:
    showtime = showtime_public(_id(showtime_id, "showtime"), with_counts=with_counts)
    if showtime is None:
        raise NotFound("No such showtime.")
    return showtime


# --- the listing ------------------------------------------------------------------------------


@router.get("/genres", response=list[GenreOut], summary="Genres")
def genres(request: HttpRequest) -> list[dict[str, Any]]:
    return [genre_out(g) for g in genres_by_name()]


@router.get("/movies", response={200: list[MovieOut], 422: ErrorOut}, summary="Movies now showing")
def movies(request: HttpRequest, filters: Query[MovieFilters]) -> HttpResponse:
    """Listed movies with at least one upcoming showtime (on `date`; in genre `genre`).

    The same for every visitor in one language: reused for PUBLIC_CACHE_SECONDS, like the listing page."""

    def draw() -> list[dict[str, Any]]:
        shown = movies_showing(
            day=filters.date, genre_id=filters.genre, format_code=filters.format, language_code=filters.language
        )
        return [movie_out(m) for m in shown]

    return caches.movie_listing(request, (filters.date, filters.genre, filters.format, filters.language), draw)


@router.get("/movies/{id}", response={200: MovieDetailOut, **ERRORS_READ}, summary="One movie")
def movie(request: HttpRequest, id: int) -> dict[str, Any]:
    """A listed movie and its upcoming showtimes."""
    found = movie_listed(_id(id, "movie"))
    if found is None:
        raise NotFound("No such movie.")
    return movie_detail_out(found, showtimes_upcoming(movie_id=found.pk))


@router.get("/showtimes", response={200: list[ShowtimeOut], 422: ErrorOut}, summary="Upcoming showtimes")
def showtimes(request: HttpRequest, filters: Query[ShowtimeFilters]) -> HttpResponse:
    """Upcoming showtimes of listed movies, soonest first.

    The same for every visitor in one language: reused for PUBLIC_CACHE_SECONDS, like the schedule page."""

    def draw() -> list[dict[str, Any]]:
        shows = showtimes_upcoming(
            day=filters.date,
            movie_id=filters.movie,
            hall_id=filters.hall,
            format_code=filters.format,
            language_code=filters.language,
        )
        return [showtime_out(s) for s in shows]

    keys = (filters.date, filters.movie, filters.hall, filters.format, filters.language)
    return caches.showtime_listing(request, keys, draw)


@router.get("/showtimes/{id}", response={200: ShowtimeDetailOut, **ERRORS_READ}, summary="One showtime")
def showtime(request: HttpRequest, id: int) -> dict[str, Any]:
    """A showtime with the tariff in force and the price per seat type where it is uniform."""
    found = _showtime(id)
    sales_open = found.status == ShowtimeStatus.SCHEDULED and found.starts_at > clock_now()
    prices = showtime_prices(found)
    offers = ticket_types_for_showtime(found, tariff=prices.tariff, bases=prices.bases)
    return showtime_detail_out(found, prices, sales_open=sales_open, ticket_types=offers)


@router.get("/showtimes/{id}/seats", response={200: SeatMapOut, **ERRORS_READ, 409: ErrorOut}, summary="Seat map")
@api_gated  # 409 queue_required behind a queued sale without a pass (marquee.waiting_room)
def seat_map(request: HttpRequest, id: int) -> HttpResponse:
    """Every seat of the hall with its price and status (free, held, sold), by row and number.

    The answer is kept for SEAT_MAP_CACHE_SECONDS (marquee.scheduling.seat_map_cache): a
    premiere's customers re-read the same map after every conflict."""
    showtime_id = _id(id, "showtime")

    def draw() -> dict[str, Any]:
        drawn = showtime_seat_map(_showtime(showtime_id, with_counts=False))
        bases = uniform_base_prices((s.seat.seat_type, s.seat.base_price) for s in drawn.seats)
        offers = ticket_types_for_showtime(drawn.showtime, tariff=drawn.tariff, bases=bases)
        return seat_map_out(drawn, offers)

    return caches.seat_map(request, showtime_id, draw, lambda: seat_statuses(showtime_id))


# --- bookings ---------------------------------------------------------------------------------


@router.post(
    "/bookings",
    response={201: BookingCreatedOut, **BOOKING_ERRORS, 429: ErrorOut},
    summary="Hold seats",
    throttle=[HOLD_RATE],
)
@api_gated_hold  # 409 queue_required without a queue pass; the pass's seats counted (marquee.waiting_room)
def booking_create(request: HttpRequest, payload: BookingIn) -> Status[dict[str, Any]]:
    """Hold all the seats or none. The answer carries the booking's token, shown only here.

    Send `seat_ids`, or `"best_available": {"count": 2, "type": "standard"}` for the best free
    block (exactly one of them: `422 validation_error` otherwise; no block free: `409
    seats_unavailable` with `seat_ids` empty). `"wheelchair": true` when the customer needs a
    wheelchair space: wheelchair spaces and companion seats are kept for them until
    ACCESSIBLE_RELEASE_MINUTES before the show (`409 wheelchair_only` naming them, `seat_ids`).

    `409 single_seat_gap` when the seats would leave one empty seat alone between taken seats,
    an aisle or the row's end (SINGLE_SEAT_GAPS `refuse`, the default), with `seat_ids` (those
    asked) and `suggestion` (as many seats near them that leave none); never when every choice
    would leave one. With `warn` the seats are held and the answer's `warnings` says
    `"single_seat_gap"`.

    `429 rate_limited` when the request rate or a hold limit is reached: `"limit":
    "seats_per_customer"` (the email's unpaid seats for this showtime would pass
    MAX_SEATS_PER_BOOKING) or `"seats_per_client"` (the client address's unpaid seats would pass
    MAX_PENDING_SEATS_PER_CLIENT), with `held` and `maximum`. Seats already held stay held."""
    if (payload.seat_ids is None) == (payload.best_available is None):
        message = "Send either seat_ids or best_available."
        raise ValidationFailed(message, fields={"seat_ids": [message], "best_available": [message]})
    best = payload.best_available
    result = checkout_hold(
        showtime_id=payload.showtime_id,
        seat_ids=payload.seat_ids or (),
        best_available=(best.count, best.type) if best is not None else None,
        wheelchair=payload.wheelchair,
        customer=CustomerDetails(
            first_name=payload.customer.first_name,
            last_name=payload.customer.last_name,
            email=payload.customer.email,
            phone=payload.customer.phone or "",
        ),
        recipient_name=payload.recipient.name if payload.recipient else "",
        recipient_email=payload.recipient.email if payload.recipient else "",
        gift_message=payload.gift_message or "",
        marketing_consent=payload.marketing_consent,
        promo_code=payload.promo_code or "",
        ticket_types=payload.ticket_types,
        voucher_code=payload.voucher_code or "",
        # The emails follow the client's ?lang or Accept-Language, when it is one of ours.
        language=api_language(request),
        client_ip=client_address(request),
    )
    # Built from what the hold has in memory: re-reading the booking cost a hold 3 queries.
    body = booking_out(result.booking, token=result.token, seats=result.seats)
    vouchers = voucher_amount(result.booking.pk) if payload.voucher_code else Decimal("0.00")
    return Status(201, {**body, **booking_vouchers_out(result.booking, vouchers), "warnings": list(result.warnings)})


def _with_money(booking: Booking) -> dict[str, Any]:
    return {**booking_out(booking), **money_out(booking_money(booking.pk), booking)}


@router.get("/bookings/{reference}", response={200: PaymentBookingOut, 404: ErrorOut}, summary="One booking")
def booking(request: HttpRequest, reference: str, authorization: str | None = TOKEN_HEADER) -> dict[str, Any]:
    """The booking with its payments and refunds, for the holder of its token; any other
    caller gets 404."""
    return _with_money(booking_for_customer(reference=reference, token=_bearer(authorization)))


@router.post(
    "/bookings/{reference}/payments",
    response={200: PaymentStartedOut, 201: PaymentStartedOut, **BOOKING_ERRORS, 503: ErrorOut},
    summary="Start a payment",
)
def booking_payment_start(
    request: HttpRequest, reference: str, payload: PaymentStartIn, authorization: str | None = TOKEN_HEADER
) -> Status[dict[str, Any]]:
    """Start paying a held booking through `provider`; `next` says what the customer's
    browser does (a card form, a form to post to the provider, or nothing: paid already).
    Starting again for the same provider answers the same pending payment (200)."""
    started = payment_start(
        reference=reference,
        provider=payload.provider,
        token=_bearer(authorization),
        language=api_language(request),
    )
    body = payment_started_out(started.payment, started.next)
    return Status(201 if started.created else 200, body)


@router.post("/bookings/{reference}/pay", response={200: PaymentBookingOut, **BOOKING_ERRORS}, summary="Pay")
def booking_pay_view(
    request: HttpRequest,
    reference: str,
    payload: PayIn,
    authorization: str | None = TOKEN_HEADER,
) -> dict[str, Any]:
    """Pay a held booking at once through a provider that needs no browser (`demo`);
    paying a paid booking answers it unchanged (no second email)."""
    paid = booking_pay_answered(reference=reference, method=payload.method, token=_bearer(authorization))
    booking = booking_detail(paid.booking.pk)
    # A hold paid at once whose only payment is the one just written: its money is known.
    return {**booking_out(booking), **money_out(paid.money or booking_money(booking.pk), booking)}


@router.post("/bookings/{reference}/cancel", response={200: PaymentBookingOut, **BOOKING_ERRORS}, summary="Cancel")
def booking_cancel_view(
    request: HttpRequest, reference: str, authorization: str | None = TOKEN_HEADER
) -> dict[str, Any]:
    """Cancel: a hold any time, a paid booking until CANCEL_CUTOFF_MINUTES before the show,
    with a refund of the whole amount (in `refunds`, pending or succeeded)."""
    cancelled = booking_cancel(reference=reference, token=_bearer(authorization))
    return _with_money(booking_detail(cancelled.pk))
