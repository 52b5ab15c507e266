"""The public API (api.md, "Public"): listing, showtimes, seat maps and bookings.

Handlers parse input, call one selector or service, and shape the answer; domain errors
become the contract's error answers in marquee.api.errors. Every read is a constant
number of queries, whatever the number of movies, showtimes or seats.
"""

import datetime as dt
import time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import Header, Query, Router, Schema
from ninja.renderers import JSONRenderer
from ninja.responses import Status
from ninja.throttling import BaseThrottle
from pydantic import Field, TypeAdapter, field_validator

from marquee.api.middleware import api_language
from marquee.api.schemas import (
    ERRORS_READ,
    MAX_ID,
    BookingCreatedOut,
    BookingIn,
    ErrorOut,
    GenreOut,
    Id,
    MovieDetailOut,
    MovieOut,
    PayIn,
    SeatMapOut,
    ShowtimeDetailOut,
    ShowtimeOut,
    booking_out,
    genre_out,
    hall_brief,
    local_moment,
    money,
    movie_out,
    presentation_out,
    seat_map_out,
    showtime_detail_out,
    showtime_out,
)
from marquee.api.schemas_payments import PaymentBookingOut, PaymentStartedOut, PaymentStartIn, money_out, voucher_out
from marquee.booking.models import Booking
from marquee.booking.selectors import (
    booking_detail,
    movie_listed,
    movies_showing,
    seats_free,
    showtime_prices,
    showtime_public,
    showtime_seat_map,
    showtimes_upcoming,
)
from marquee.booking.services import CustomerDetails, booking_for_customer
from marquee.catalog.models import Genre
from marquee.core.client import client_address
from marquee.core.clock import MAX_YEAR, MIN_YEAR
from marquee.core.clock import now as clock_now
from marquee.core.errors import NotFound
from marquee.core.languages import localized_expression
from marquee.payments.checkout import checkout_hold
from marquee.payments.selectors import booking_money
from marquee.payments.services import booking_cancel, booking_pay, payment_start
from marquee.payments.voucher_money import voucher_amount
from marquee.pricing.ticket_types import ticket_types_for_showtime, uniform_base_prices
from marquee.scheduling.models import Showtime, ShowtimeStatus
from marquee.scheduling.seat_map_cache import seat_map_body

router = Router(tags=["public"])
JSON_RENDERER = JSONRenderer()
JSON_CONTENT_TYPE = f"{JSON_RENDERER.media_type}; charset={JSON_RENDERER.charset}"
MOVIE_LIST = TypeAdapter(list[MovieOut])


def _render[T](request: HttpRequest, schema: TypeAdapter[T], data: Any) -> bytes:
    """The answer's bytes, validated and rendered as ninja renders what a handler returns:
    for answers kept in the cache, which handlers then return as they are."""
    return JSON_RENDERER.render(request, schema.dump_python(schema.validate_python(data)), response_status=200).encode()


BOOKING_ERRORS: dict[int, type[Schema]] = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
# The booking's token travels as `Authorization: Bearer <token>`.
TOKEN_HEADER = Header(None, description="`Bearer <token>`: the token from the answer that made the booking.")


class _Filters(Schema):
    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_absent(cls, value: Any) -> Any:
        # `?date=` from a form with nothing chosen means "any", not a bad date.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("date", mode="after", check_fields=False)
    @classmethod
    def _a_day_the_cinema_can_have(cls, value: dt.date | None) -> dt.date | None:
        # Days at the ends of the calendar have no day after them to bound a query with.
        if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
            raise ValueError(f"Give a date between {MIN_YEAR} and {MAX_YEAR}.")
        return value


# A code no format or version has finds nothing, as a genre id no genre has: an empty list.
FORMAT_FILTER = Field(None, max_length=200, description='A format\'s code ("3d"): only showtimes in it.')
LANGUAGE_FILTER = Field(
    None, max_length=200, description='A language version\'s code ("ov-uk-subs"): only showtimes in it.'
)


class MovieFilters(_Filters):
    date: dt.date | None = Field(None, description="YYYY-MM-DD in the cinema's time zone.")
    genre: Id | None = Field(None, description="A genre id.")
    format: str | None = FORMAT_FILTER
    language: str | None = LANGUAGE_FILTER


class ShowtimeFilters(_Filters):
    date: dt.date | None = Field(None, description="YYYY-MM-DD in the cinema's time zone.")
    movie: Id | None = Field(None, description="A movie id.")
    hall: Id | None = Field(None, description="A hall id.")
    format: str | None = FORMAT_FILTER
    language: str | None = LANGUAGE_FILTER


class HoldRate(BaseThrottle):
    """Holds per client address and minute: settings.API_HOLD_RATE_PER_MINUTE (default 60;
    0 turns the limit off). A fixed-window counter in the cache, so it is shared by every
    process that shares the cache (per process with the default local-memory cache)."""

    def get_ident(self, request: HttpRequest) -> str:
        # Not ninja's own: it believes any X-Forwarded-For. Ours believes TRUSTED_PROXIES only.
        return client_address(request)

    def allow_request(self, request: HttpRequest) -> bool:
        limit = int(getattr(settings, "API_HOLD_RATE_PER_MINUTE", 60))
        if limit <= 0:
            return True
        key = f"marquee:hold-rate:{self.get_ident(request)}:{int(time.time() // 60)}"
        cache.add(key, 0, timeout=120)
        try:
            return cache.incr(key) <= limit
        except ValueError:  # evicted between add and incr: let it through
            return True

    def wait(self) -> float:
        return 60 - time.time() % 60


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
    return [genre_out(g) for g in Genre.objects.order_by(localized_expression("name"))]


@router.get("/movies", response={200: list[MovieOut], 422: ErrorOut}, summary="Movies now showing")
def movies(request: HttpRequest, filters: Query[MovieFilters]) -> HttpResponse:
    """Listed movies with at least one upcoming showtime (on `date`; in genre `genre`).

    The same for every visitor in one language: reused for PUBLIC_CACHE_SECONDS, like the listing page."""
    key = f"marquee:api-movies:{get_language()}:{filters.date}:{filters.genre}:{filters.format}:{filters.language}"
    body = cache.get(key) if settings.PUBLIC_CACHE_SECONDS > 0 else None
    if not isinstance(body, bytes):
        shown = movies_showing(
            day=filters.date, genre_id=filters.genre, format_code=filters.format, language_code=filters.language
        )
        listing = [movie_out(m) for m in shown]
        body = _render(request, MOVIE_LIST, listing)
        # Only answers worth keeping: an empty one for any genre id or far date a client
        # makes up would fill the cache with nothing.
        if settings.PUBLIC_CACHE_SECONDS > 0 and listing:
            cache.set(key, body, timeout=settings.PUBLIC_CACHE_SECONDS)
    return HttpResponse(body, content_type=JSON_CONTENT_TYPE)


@router.get("/movies/{id}", response={200: MovieDetailOut, **ERRORS_READ}, summary="One movie")
def movie(request: HttpRequest, id: int) -> dict[str, Any]:
    """A listed movie and its upcoming showtimes."""
    found = movie_listed(_id(id, "movie"))
    if found is None:
        raise NotFound("No such movie.")
    shows = showtimes_upcoming(movie_id=found.pk)
    return {
        **movie_out(found),
        "showtimes": [
            {
                "id": s.pk,
                "starts_at": local_moment(s.starts_at),
                "hall": hall_brief(s.hall),
                "seats_free": seats_free(s),
                **presentation_out(s),
            }
            for s in shows
        ],
    }


@router.get("/showtimes", response={200: list[ShowtimeOut], 422: ErrorOut}, summary="Upcoming showtimes")
def showtimes(request: HttpRequest, filters: Query[ShowtimeFilters]) -> list[dict[str, Any]]:
    """Upcoming showtimes of listed movies, soonest first."""
    shows = showtimes_upcoming(
        day=filters.date,
        movie_id=filters.movie,
        hall_id=filters.hall,
        format_code=filters.format,
        language_code=filters.language,
    )
    return [showtime_out(s) for s in shows]


@router.get("/showtimes/{id}", response={200: ShowtimeDetailOut, **ERRORS_READ}, summary="One showtime")
def showtime(request: HttpRequest, id: int) -> dict[str, Any]:
    """A showtime with the tariff in force and the price per seat type where it is uniform."""
    found = _showtime(id)
    sales_open = found.status == ShowtimeStatus.SCHEDULED and found.starts_at > clock_now()
    prices = showtime_prices(found)
    offers = ticket_types_for_showtime(found, tariff=prices.tariff, bases=prices.bases)
    return showtime_detail_out(found, prices, sales_open=sales_open, ticket_types=offers)


@router.get("/showtimes/{id}/seats", response={200: SeatMapOut, **ERRORS_READ}, summary="Seat map")
def seat_map(request: HttpRequest, id: int) -> HttpResponse:
    """Every seat of the hall with its price and status (free, held, sold), by row and number.

    The answer is kept for SEAT_MAP_CACHE_SECONDS (marquee.scheduling.seat_map_cache): a
    premiere's customers re-read the same map after every conflict."""
    showtime_id = _id(id, "showtime")

    def draw() -> bytes:
        drawn = showtime_seat_map(_showtime(showtime_id, with_counts=False))
        bases = uniform_base_prices((s.seat.seat_type, s.seat.base_price) for s in drawn.seats)
        offers = ticket_types_for_showtime(drawn.showtime, tariff=drawn.tariff, bases=bases)
        seat_map = seat_map_out(drawn, offers)
        # seat_map_out builds exactly SeatMapOut's plain fields (tests/api/test_read_caches.py
        # checks): validating 500 seats through ninja's schema cost 40% of drawing the map.
        return JSON_RENDERER.render(request, seat_map, response_status=200).encode()

    # Kept per language: the language version's name is in the client's.
    return HttpResponse(seat_map_body(showtime_id, draw, variant=get_language()), content_type=JSON_CONTENT_TYPE)


# --- bookings ---------------------------------------------------------------------------------


@router.post(
    "/bookings",
    response={201: BookingCreatedOut, **BOOKING_ERRORS, 429: ErrorOut},
    summary="Hold seats",
    throttle=[HoldRate()],
)
def booking_create(request: HttpRequest, payload: BookingIn) -> Status[dict[str, Any]]:
    """Hold all the seats or none. The answer carries the booking's token, shown only here.

    `429 rate_limited` when the request rate or a hold limit is reached: `"limit":
    "seats_per_customer"` (the email's unpaid seats for this showtime would pass
    MAX_SEATS_PER_BOOKING) or `"seats_per_client"` (the client address's unpaid seats would pass
    MAX_PENDING_SEATS_PER_CLIENT), with `held` and `maximum`. Seats already held stay held."""
    result = checkout_hold(
        showtime_id=payload.showtime_id,
        seat_ids=payload.seat_ids,
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
    return Status(201, {**body, **voucher_out(result.booking, vouchers)})


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
    payment = started.payment
    body = {
        "id": payment.pk,
        "provider": payment.provider,
        "status": payment.status,
        "amount": money(payment.amount),
        "currency": payment.currency,
        "next": started.next.as_api() if payment.status != "succeeded" else {"type": "none"},
    }
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
    paid = booking_pay(reference=reference, method=payload.method, token=_bearer(authorization))
    return _with_money(booking_detail(paid.pk))


@router.post("/bookings/{reference}/cancel", response={200: PaymentBookingOut, **BOOKING_ERRORS}, summary="Cancel")
def booking_cancel_view(
    request: HttpRequest, reference: str, authorization: str | None = TOKEN_HEADER
) -> dict[str, Any]:
    """Cancel: a hold any time, a paid booking until CANCEL_CUTOFF_MINUTES before the show,
    with a refund of the whole amount (in `refunds`, pending or succeeded)."""
    cancelled = booking_cancel(reference=reference, token=_bearer(authorization))
    return _with_money(booking_detail(cancelled.pk))
