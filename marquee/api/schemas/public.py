"""The public API's shapes (api.md, "Public"): what clients send (`…In`) and what they get
(`…Out`), and the functions that build the answers from loaded model instances, so that every
endpoint renders a thing the same way: datetimes in the cinema's time zone with their offset,
dates as YYYY-MM-DD, money as a string with two decimals next to `currency`.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from ninja import Schema
from pydantic import Field, field_validator

from marquee.api.schemas.common import (
    ErrorOut,
    GenreOut,
    HallBrief,
    Id,
    Money,
    MovieBrief,
    RecipientOut,
    StrictIn,
    day_in_range,
    genre_out,
    hall_brief,
    local_moment,
    moment,
    money,
    movie_brief,
    poster_url,
)
from marquee.booking.models import Booking, BookingSeat
from marquee.booking.selectors import SeatMap, ShowtimePrices, seats_free
from marquee.catalog.models import Movie
from marquee.core.clock import MAX_YEAR, MIN_YEAR
from marquee.pricing.models import Tariff
from marquee.pricing.ticket_types import TicketTypeOffer
from marquee.scheduling.models import Format, LanguageVersion, Showtime

# A booking's actions answer these besides 200/201.
BOOKING_ERRORS: dict[int, type[Schema]] = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut}

# --- what clients send ------------------------------------------------------------------------


class CustomerIn(StrictIn):
    first_name: str = Field(max_length=1000)
    last_name: str = Field(max_length=1000)
    email: str = Field(max_length=1000, examples=["olena@example.com"])
    phone: str | None = Field(None, max_length=1000, examples=["+380501234567"])


class RecipientIn(StrictIn):
    name: str = Field("", max_length=1000)
    email: str = Field(max_length=1000)


class BestAvailableIn(StrictIn):
    count: int = Field(ge=1, le=1000, description="How many seats, together: 1 to MAX_SEATS_PER_BOOKING.")
    type: str | None = Field(
        None, max_length=32, description="Only seats of this type (standard, vip, …); any type when left out."
    )


class BookingIn(StrictIn):
    showtime_id: Id
    seat_ids: list[Id] | None = Field(
        None,
        max_length=1000,
        description="1 to MAX_SEATS_PER_BOOKING distinct seats of the hall; or `best_available` instead.",
    )
    best_available: BestAvailableIn | None = Field(
        None,
        description="Instead of `seat_ids`: the best free block of `count` seats (in the best-seats zone first, "
        "centred, together in one row, else over adjacent rows), chosen and held at once. Exactly one of "
        "`seat_ids` and `best_available` (422 otherwise); no such block answers 409 `seats_unavailable` with "
        "`seat_ids` empty.",
        examples=[{"count": 2, "type": "standard"}],
    )
    wheelchair: bool = Field(
        False,
        description="The customer needs a wheelchair space: wheelchair spaces and companion seats are theirs "
        "to book (for anyone else only from ACCESSIBLE_RELEASE_MINUTES before the show: 409 `wheelchair_only`).",
    )
    customer: CustomerIn
    recipient: RecipientIn | None = Field(None, description="Someone else receives the tickets: a gift.")
    gift_message: str | None = Field(None, max_length=10000)
    marketing_consent: bool = False
    promo_code: str | None = Field(
        None, max_length=100, description="A promo code: refused with 422 `validation_error` and its reason."
    )
    ticket_types: dict[Id, Annotated[str, Field(max_length=100)]] | None = Field(
        None,
        max_length=1000,
        description="Seat id → ticket type code (see the showtime's `ticket_types`); a seat not named is an adult "
        "(the default type). A code not sold for this film answers 422 validation_error naming `ticket_types`.",
        examples=[{"301": "child"}],
    )
    voucher_code: str | None = Field(
        None,
        max_length=64,
        description="A gift voucher's code: it pays min(balance, total); the card pays `amount_due`. "
        "A voucher that cannot pay answers 422 with the reason under `voucher_code`, and nothing is held.",
    )

    @field_validator("marketing_consent", "wheelchair", mode="before")
    @classmethod
    def _null_is_no(cls, value: Any) -> Any:
        return False if value is None else value


class PayIn(StrictIn):
    method: str = Field(max_length=100, examples=["demo"])


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
        if value is not None and not day_in_range(value):
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


# --- what clients get -----------------------------------------------------------------------


class MovieOut(Schema):
    id: int
    title: str
    description: str
    duration_min: int
    age_rating: int
    release_year: int
    genres: list[GenreOut]
    poster_url: str


class ShowtimeFormatOut(Schema):
    code: str = Field(examples=["3d"])
    name: str = Field(examples=["3D"])
    surcharge: Money = Field(description="Added to every seat's price.")


class ShowtimeLanguageOut(Schema):
    code: str = Field(examples=["ov-uk-subs"])
    name: str = Field(description="In the client's language.", examples=["Original, Ukrainian subtitles"])


FORMAT_FIELD = Field(None, description="How it is projected (2D, 3D, IMAX…), or null when not said.")
LANGUAGE_FIELD = Field(None, description="What the audience hears and reads, or null when not said.")


class MovieShowtimeOut(Schema):
    id: int
    starts_at: dt.datetime
    hall: HallBrief
    seats_free: int
    format: ShowtimeFormatOut | None = FORMAT_FIELD
    language: ShowtimeLanguageOut | None = LANGUAGE_FIELD


class MovieDetailOut(MovieOut):
    showtimes: list[MovieShowtimeOut]


class ShowtimeOut(Schema):
    id: int
    movie: MovieBrief
    hall: HallBrief
    starts_at: dt.datetime
    ends_at: dt.datetime
    seats_total: int
    seats_free: int
    format: ShowtimeFormatOut | None = FORMAT_FIELD
    language: ShowtimeLanguageOut | None = LANGUAGE_FIELD


class TariffBrief(Schema):
    id: int
    name: str
    price_multiplier: str = Field(examples=["1.25"])


class TicketTypeOfferOut(Schema):
    code: str = Field(examples=["child"])
    name: str
    door_note: str = Field(description="What the door checks, e.g. “Show student ID”; may be empty.")
    prices: dict[str, Money] = Field(description="The price of this type per seat type, as `prices`.")


class ShowtimeDetailOut(ShowtimeOut):
    status: str = Field(description="scheduled or cancelled")
    sales_open: bool
    tariff: TariffBrief | None
    prices: dict[str, Money] = Field(description="The price per seat type, for types whose seats all cost the same.")
    ticket_types: list[TicketTypeOfferOut] = Field(description="The ticket types sold for this film, default first.")
    currency: str


class SeatOut(Schema):
    id: int
    row: int
    number: int
    type: str
    price: Money
    status: str = Field(description="free, held or sold")
    column: int = Field(
        description="Where the seat stands across the hall, in places from the left: seats whose columns differ "
        "by 1 are side by side; a missing column is an aisle or a gap."
    )
    best_zone: bool = Field(description="In the hall's best-seats zone.")


class SeatMapOut(Schema):
    showtime_id: int
    hall: HallBrief
    seats: list[SeatOut]
    ticket_types: list[TicketTypeOfferOut] = Field(description="The ticket types sold for this film, default first.")
    currency: str
    format: ShowtimeFormatOut | None = Field(
        None, description="The showtime's format; its surcharge is in every seat's price."
    )
    language: ShowtimeLanguageOut | None = LANGUAGE_FIELD


class TicketTypeBrief(Schema):
    code: str = Field(examples=["adult"])
    name: str


class BookingSeatOut(Schema):
    seat_id: int
    row: int
    number: int
    type: str
    tariff: str | None
    ticket_type: TicketTypeBrief | None = Field(
        description="Who the ticket is for; null only for seats sold before types."
    )
    price: Money
    discount: Money = Field(description="What the promo code took off this seat: `price` is after it.")


class BookingShowtimeOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    movie: MovieBrief
    hall: HallBrief
    format: ShowtimeFormatOut | None = FORMAT_FIELD
    language: ShowtimeLanguageOut | None = LANGUAGE_FIELD


class CustomerOut(Schema):
    first_name: str
    last_name: str
    email: str
    phone: str


class BookingOut(Schema):
    reference: str
    status: str = Field(description="pending, paid or cancelled")
    cancel_reason: str | None = Field(None, description="customer, staff, expired or showtime_cancelled")
    expires_at: dt.datetime
    booked_at: dt.datetime
    paid_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    showtime: BookingShowtimeOut
    seats: list[BookingSeatOut]
    total_price: Money
    currency: str
    customer: CustomerOut
    recipient: RecipientOut | None
    gift_message: str | None
    promo_code: str | None = Field(description="The promo code used, or null.")
    discount: Money = Field(description="What the promo code took off in all: `total_price` is after it.")


class BookingCreatedOut(BookingOut):
    token: str = Field(description="The booking's secret: shown only here; send it as `Authorization: Bearer …`.")
    voucher_amount: Money = Field(description="What gift vouchers pay of the total.")
    amount_due: Money = Field(description="What is left to pay (0: paid, or nothing left to pay).")
    warnings: list[str] = Field(
        default_factory=list,
        description='What the hold let pass: `"single_seat_gap"` when SINGLE_SEAT_GAPS is `warn` and the seats '
        "leave a single empty seat.",
    )


# --- building answers -----------------------------------------------------------------------


def movie_out(movie: Movie) -> dict[str, Any]:
    """Needs `genres` prefetched."""
    return {
        "id": movie.pk,
        "title": movie.title,
        "description": movie.description,
        "duration_min": movie.duration_min,
        "age_rating": movie.age_rating,
        "release_year": movie.release_year,
        "genres": [genre_out(g) for g in movie.genres.all()],
        "poster_url": poster_url(movie),
    }


def movie_detail_out(movie: Movie, showtimes: Iterable[Showtime]) -> dict[str, Any]:
    """Needs the movie's `genres` prefetched, and its showtimes as selectors.showtimes_upcoming
    loads them."""
    return {
        **movie_out(movie),
        "showtimes": [
            {
                "id": s.pk,
                "starts_at": local_moment(s.starts_at),
                "hall": hall_brief(s.hall),
                "seats_free": seats_free(s),
                **presentation_out(s),
            }
            for s in showtimes
        ],
    }


def format_brief(fmt: Format | None) -> dict[str, Any] | None:
    return None if fmt is None else {"code": fmt.code, "name": fmt.name, "surcharge": money(fmt.surcharge)}


def language_brief(version: LanguageVersion | None) -> dict[str, Any] | None:
    return None if version is None else {"code": version.code, "name": version.name}


def presentation_out(showtime: Showtime) -> dict[str, Any]:
    """The showtime's format and language; needs them joined (the selectors join them), else
    reads each named one."""
    return {
        "format": format_brief(showtime.format if showtime.format_id else None),
        "language": language_brief(showtime.language_version if showtime.language_version_id else None),
    }


def showtime_out(showtime: Showtime) -> dict[str, Any]:
    """Needs movie, hall, format and language version joined and `seats_taken` annotated
    (selectors.showtimes_upcoming)."""
    return {
        "id": showtime.pk,
        "movie": movie_brief(showtime.movie),
        "hall": hall_brief(showtime.hall),
        "starts_at": local_moment(showtime.starts_at),
        "ends_at": local_moment(showtime.ends_at),
        "seats_total": showtime.hall.capacity,
        "seats_free": seats_free(showtime),
        **presentation_out(showtime),
    }


def tariff_brief(tariff: Tariff | None) -> dict[str, Any] | None:
    if tariff is None:
        return None
    return {"id": tariff.pk, "name": tariff.name, "price_multiplier": f"{tariff.price_multiplier.normalize():f}"}


def ticket_types_out(offers: Iterable[TicketTypeOffer]) -> list[dict[str, Any]]:
    return [
        {
            "code": o.ticket_type.code,
            "name": o.ticket_type.name,
            "door_note": o.ticket_type.door_note,
            "prices": {kind: money(p) for kind, p in o.prices.items()},
        }
        for o in offers
    ]


def showtime_detail_out(
    showtime: Showtime, prices: ShowtimePrices, *, sales_open: bool, ticket_types: Iterable[TicketTypeOffer] = ()
) -> dict[str, Any]:
    return {
        **showtime_out(showtime),
        "status": showtime.status,
        "sales_open": sales_open,
        "tariff": tariff_brief(prices.tariff),
        "prices": {kind: money(p) for kind, p in prices.uniform.items()},
        "ticket_types": ticket_types_out(ticket_types),
        "currency": settings.CURRENCY,
    }


def seat_map_out(seat_map: SeatMap, ticket_types: Iterable[TicketTypeOffer] = ()) -> dict[str, Any]:
    return {
        "showtime_id": seat_map.showtime.pk,
        "hall": hall_brief(seat_map.showtime.hall),
        "seats": [
            {
                "id": s.seat.pk,
                "row": s.seat.row_number,
                "number": s.seat.seat_number,
                "type": s.seat.seat_type,
                "price": money(s.price),
                "status": s.status,
                "column": s.seat.column,
                "best_zone": s.seat.best_zone,
            }
            for s in seat_map.seats
        ],
        "ticket_types": ticket_types_out(ticket_types),
        "currency": settings.CURRENCY,
        **presentation_out(seat_map.showtime),
    }


def booking_out(
    booking: Booking, *, token: str | None = None, seats: Iterable[BookingSeat] | None = None
) -> dict[str, Any]:
    """Needs the booking as selectors.booking_detail loads it, or its `seats` (with their
    seats, by row and number) and the showtime's movie and hall already in memory."""
    showtime = booking.showtime
    customer = booking.customer
    booked = list(booking.seats.all() if seats is None else seats)
    out: dict[str, Any] = {
        "reference": booking.reference,
        "status": booking.status,
        "cancel_reason": booking.cancel_reason or None,
        "expires_at": local_moment(booking.expires_at),
        "booked_at": local_moment(booking.booked_at),
        "paid_at": moment(booking.paid_at),
        "cancelled_at": moment(booking.cancelled_at),
        "showtime": {
            "id": showtime.pk,
            "starts_at": local_moment(showtime.starts_at),
            "ends_at": local_moment(showtime.ends_at),
            "movie": movie_brief(showtime.movie),
            "hall": hall_brief(showtime.hall),
            **presentation_out(showtime),
        },
        "seats": [
            {
                "seat_id": bs.seat_id,
                "row": bs.seat.row_number,
                "number": bs.seat.seat_number,
                "type": bs.seat.seat_type,
                "tariff": bs.tariff_label or None,
                "ticket_type": {"code": bs.ticket_type_code, "name": bs.ticket_type_label}
                if bs.ticket_type_code
                else None,
                "price": money(bs.final_price),
                "discount": money(bs.discount),
            }
            for bs in booked
        ],
        "total_price": money(booking.total_price),
        "promo_code": booking.promo_code_text or None,
        "discount": money(sum((bs.discount for bs in booked), Decimal("0.00"))),
        "currency": settings.CURRENCY,
        # A walk-in sale without an email has no customer; the public API never reaches one
        # (its token is never shown), but the answer keeps its shape.
        "customer": {
            "first_name": customer.first_name if customer else "",
            "last_name": customer.last_name if customer else "",
            "email": customer.email if customer else "",
            "phone": customer.phone if customer else "",
        },
        "recipient": {"name": booking.recipient_name, "email": booking.recipient_email}
        if booking.recipient_email
        else None,
        "gift_message": booking.gift_message or None,
    }
    if token is not None:
        out["token"] = token
    return out
