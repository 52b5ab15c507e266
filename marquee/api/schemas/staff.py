"""The staff API's shapes (api.md, "Staff"): catalog, halls, showtimes, tariffs, bookings,
customers, reports and campaigns, and the functions that turn models and report rows into
answers. Names that the public API also has a shape for start with Staff….

Bounds on numbers and lengths (marquee.api.schemas.common) keep every input in a form the
database accepts.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.conf import settings
from ninja import Schema
from pydantic import Field, field_validator

from marquee.api.schemas.common import (
    SMALL,
    CleanIn,
    GenreOut,
    HallBrief,
    Id,
    MovieBrief,
    Multiplier,
    Paged,
    Price,
    RecipientOut,
    SmallInt,
    hall_brief,
    local_or_none,
    money,
    movie_brief,
    multiplier_text,
    naive_time,
    poster_file_url,
    sane_day,
    sane_moment,
)
from marquee.booking.models import Booking, Customer
from marquee.booking.selectors import seats_free
from marquee.catalog.models import Genre, Movie
from marquee.core.clock import local
from marquee.pricing.models import ALL_DAYS, Tariff
from marquee.privacy.models import CustomerErasure
from marquee.reports.selectors import (
    AudienceRow,
    CustomerProfile,
    ExpansionSignal,
    GenreCount,
    HeatMap,
    OccupancyRow,
    SalesReport,
    WatchedItem,
)
from marquee.scheduling.models import Showtime
from marquee.venues.models import Hall, Seat, SeatType

# --- genres ----------------------------------------------------------------------------


class GenreIn(CleanIn):
    """`name` is the default language's name; `name_en` and `name_uk` each language's (either
    language may be left out, but not both: the other is shown in its place)."""

    name: str | None = Field(None, max_length=60)
    name_en: str | None = Field(None, max_length=60)
    name_uk: str | None = Field(None, max_length=60)


class StaffGenreOut(GenreOut):
    """`name` in the request's language (falling back to the other), and each language's."""

    name_en: str
    name_uk: str


def staff_genre_out(genre: Genre) -> dict[str, Any]:
    return {"id": genre.pk, "name": genre.name, "name_en": genre.name_en, "name_uk": genre.name_uk}


# --- movies ----------------------------------------------------------------------------


class MovieIn(CleanIn):
    """`title` and `description` are the default language's; `title_en`, `title_uk`,
    `description_en` and `description_uk` each language's. A title in one language is enough."""

    title: str | None = Field(None, max_length=200)
    title_en: str | None = Field(None, max_length=200)
    title_uk: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=10000)
    description_en: str | None = Field(None, max_length=10000)
    description_uk: str | None = Field(None, max_length=10000)
    duration_min: SmallInt
    age_rating: SmallInt = 0
    release_year: SmallInt
    genre_ids: list[Id] = Field(max_length=50)
    is_listed: bool = True
    distributor_id: Id | None = None


class MoviePatch(CleanIn):
    title: str | None = Field(None, max_length=200)
    title_en: str | None = Field(None, max_length=200)
    title_uk: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=10000)
    description_en: str | None = Field(None, max_length=10000)
    description_uk: str | None = Field(None, max_length=10000)
    duration_min: SmallInt | None = None
    age_rating: SmallInt | None = None
    release_year: SmallInt | None = None
    genre_ids: list[Id] | None = Field(None, max_length=50)
    is_listed: bool | None = None
    distributor_id: Id | None = Field(None, description="The movie's distributor; null leaves the movie without one.")


class StaffMovieOut(Schema):
    id: int
    title: str
    title_en: str
    title_uk: str
    description: str
    description_en: str
    description_uk: str
    duration_min: int
    age_rating: int
    release_year: int
    genres: list[GenreOut]
    genre_ids: list[int]
    poster_url: str | None
    is_listed: bool
    distributor_id: int | None


def staff_movie_out(movie: Movie) -> dict[str, Any]:
    genres = sorted(movie.genres.all(), key=lambda g: g.name)
    return {
        "id": movie.pk,
        "title": movie.title,
        "title_en": movie.title_en,
        "title_uk": movie.title_uk,
        "description": movie.description,
        "description_en": movie.description_en,
        "description_uk": movie.description_uk,
        "duration_min": movie.duration_min,
        "age_rating": movie.age_rating,
        "release_year": movie.release_year,
        "genres": [{"id": g.pk, "name": g.name} for g in genres],
        "genre_ids": [g.pk for g in genres],
        "poster_url": poster_file_url(movie),
        "is_listed": movie.is_listed,
        "distributor_id": movie.distributor_id,
    }


# --- halls -----------------------------------------------------------------------------


class RowIn(CleanIn):
    row: SmallInt
    seats: SmallInt
    type: str = Field(SeatType.STANDARD, max_length=16)
    base_price: Price = Decimal("0.00")
    offset: SmallInt = Field(0, description="Empty places before seat 1 (to centre a short row).")
    aisles_after: list[SmallInt] = Field(
        default_factory=list,
        max_length=100,
        description="Seat numbers after which an aisle (one empty place) follows; a number twice leaves two.",
    )


class HallIn(CleanIn):
    number: SmallInt
    name: str = Field(max_length=100)
    rows: list[RowIn] = Field(max_length=200)


class HallPatch(CleanIn):
    number: Annotated[int, Field(ge=1, le=SMALL)] | None = None
    name: str | None = Field(None, max_length=100)
    rows: list[RowIn] | None = Field(None, max_length=200)


class StaffSeatOut(Schema):
    id: int
    row: int
    number: int
    type: str
    base_price: str
    column: int = Field(description="Where the seat stands across the hall; a missing column is an aisle or a gap.")
    best_zone: bool = Field(description="In the hall's best-seats zone.")


class SeatPatch(CleanIn):
    """One seat's own type, price or best-zone mark (an addition to api.md)."""

    type: str | None = Field(None, max_length=16)
    base_price: Price | None = None
    best_zone: bool | None = None


class HallSummaryOut(Schema):
    id: int
    number: int
    name: str
    capacity: int


class HallOut(HallSummaryOut):
    seats: list[StaffSeatOut]


def hall_summary_out(hall: Hall) -> dict[str, Any]:
    return {"id": hall.pk, "number": hall.number, "name": hall.name, "capacity": hall.capacity}


def staff_seat_out(seat: Seat) -> dict[str, Any]:
    return {
        "id": seat.pk,
        "row": seat.row_number,
        "number": seat.seat_number,
        "type": seat.seat_type,
        "base_price": money(seat.base_price),
        "column": seat.column,
        "best_zone": seat.best_zone,
    }


def hall_out(hall: Hall) -> dict[str, Any]:
    seats = sorted(hall.seats.all(), key=lambda s: (s.row_number, s.seat_number))
    return {
        **hall_summary_out(hall),
        "seats": [staff_seat_out(s) for s in seats],
    }


# --- showtimes -------------------------------------------------------------------------


# A format's or language version's code (marquee.scheduling.formats checks that it exists).
PresentationCode = Annotated[str, Field(max_length=32, examples=["3d"])]


class ShowtimeIn(CleanIn):
    movie_id: Id
    hall_id: Id
    starts_at: dt.datetime
    format: PresentationCode | None = Field(None, description="A format's code (GET /admin/formats), or null.")
    language_version: PresentationCode | None = Field(
        None, description="A language version's code (GET /admin/language-versions), or null."
    )

    _moment = field_validator("starts_at")(sane_moment)


class ShowtimePatch(CleanIn):
    """`format` and `language_version` absent: unchanged; null: none."""

    movie_id: Id | None = None
    hall_id: Id | None = None
    starts_at: dt.datetime | None = None
    format: PresentationCode | None = None
    language_version: PresentationCode | None = None

    _moment = field_validator("starts_at")(sane_moment)


class StaffShowtimeOut(Schema):
    id: int
    movie: MovieBrief
    hall: HallBrief
    movie_id: int
    hall_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    cancelled_at: dt.datetime | None
    seats_total: int
    seats_free: int
    format: str | None = Field(description="The format's code, or null.")
    language_version: str | None = Field(description="The language version's code, or null.")


def staff_showtime_out(showtime: Showtime) -> dict[str, Any]:
    return {
        "id": showtime.pk,
        "movie": movie_brief(showtime.movie),
        "hall": hall_brief(showtime.hall),
        "movie_id": showtime.movie_id,
        "hall_id": showtime.hall_id,
        "starts_at": local(showtime.starts_at),
        "ends_at": local(showtime.ends_at),
        "status": showtime.status,
        "cancelled_at": local_or_none(showtime.cancelled_at),
        "seats_total": showtime.hall.capacity,
        "seats_free": seats_free(showtime),
        # Codes, read without a query when the showtime was loaded with them (staff selectors).
        "format": showtime.format.code if showtime.format_id and showtime.format else None,
        "language_version": showtime.language_version.code
        if showtime.language_version_id and showtime.language_version
        else None,
    }


class ShowtimePage(Schema):
    count: int
    results: list[StaffShowtimeOut]


# --- tariffs ---------------------------------------------------------------------------


class TariffIn(CleanIn):
    """`name` is the default language's name; `name_en` and `name_uk` each language's."""

    name: str | None = Field(None, max_length=60)
    name_en: str | None = Field(None, max_length=60)
    name_uk: str | None = Field(None, max_length=60)
    start_time: dt.time
    end_time: dt.time
    price_multiplier: Multiplier
    days_mask: Annotated[int, Field(ge=0, le=SMALL)] = ALL_DAYS

    _times = field_validator("start_time", "end_time")(naive_time)


class TariffPatch(CleanIn):
    name: str | None = Field(None, max_length=60)
    name_en: str | None = Field(None, max_length=60)
    name_uk: str | None = Field(None, max_length=60)
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    price_multiplier: Multiplier | None = None
    days_mask: Annotated[int, Field(ge=0, le=SMALL)] | None = None

    _times = field_validator("start_time", "end_time")(naive_time)


class TariffOut(Schema):
    id: int
    name: str
    name_en: str
    name_uk: str
    start_time: str
    end_time: str
    price_multiplier: str
    days_mask: int


def tariff_out(tariff: Tariff) -> dict[str, Any]:
    return {
        "id": tariff.pk,
        "name": tariff.name,
        "name_en": tariff.name_en,
        "name_uk": tariff.name_uk,
        "start_time": tariff.start_time.strftime("%H:%M"),
        "end_time": tariff.end_time.strftime("%H:%M"),
        "price_multiplier": multiplier_text(tariff.price_multiplier),
        "days_mask": tariff.days_mask,
    }


# --- bookings --------------------------------------------------------------------------


class StaffBookingShowtimeOut(Schema):
    id: int
    starts_at: dt.datetime
    movie: MovieBrief
    hall: HallBrief


class StaffBookingSeatOut(Schema):
    seat_id: int
    row: int
    number: int
    type: str
    tariff: str | None
    price: str
    checked_in_at: dt.datetime | None = None


class CustomerRef(Schema):
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str


class StaffBookingOut(Schema):
    reference: str
    status: str
    expires_at: dt.datetime
    booked_at: dt.datetime
    paid_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    cancel_reason: str
    payment_method: str
    showtime: StaffBookingShowtimeOut
    seats: list[StaffBookingSeatOut]
    total_price: str
    currency: str
    customer: CustomerRef | None = Field(description="null for a walk-in sale at the box office without an email")
    recipient: RecipientOut | None
    gift_message: str
    channel: str = Field(description="online or box_office")
    comp_reason: str = Field(description="why a comp (payment_method comp) was given; empty otherwise")


class BookingPage(Schema):
    count: int
    results: list[StaffBookingOut]


class BookingFilters(Paged):
    showtime: Id | None = None
    email: str = Field("", max_length=254)
    status: Literal["pending", "paid", "cancelled"] | None = None
    reference: str = Field("", max_length=12)
    customer: Id | None = None


def customer_ref(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.pk,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "email": customer.email,
        "phone": customer.phone,
    }


def staff_booking_out(booking: Booking) -> dict[str, Any]:
    showtime = booking.showtime
    seats = sorted(booking.seats.all(), key=lambda bs: (bs.seat.row_number, bs.seat.seat_number))
    return {
        "reference": booking.reference,
        "status": booking.status,
        "expires_at": local(booking.expires_at),
        "booked_at": local(booking.booked_at),
        "paid_at": local_or_none(booking.paid_at),
        "cancelled_at": local_or_none(booking.cancelled_at),
        "cancel_reason": booking.cancel_reason,
        "payment_method": booking.payment_method,
        "showtime": {
            "id": showtime.pk,
            "starts_at": local(showtime.starts_at),
            "movie": movie_brief(showtime.movie),
            "hall": hall_brief(showtime.hall),
        },
        "seats": [
            {
                "seat_id": bs.seat_id,
                "row": bs.seat.row_number,
                "number": bs.seat.seat_number,
                "type": bs.seat.seat_type,
                "tariff": bs.tariff_name or None,
                "price": money(bs.final_price),
                "checked_in_at": local_or_none(bs.checked_in_at),
            }
            for bs in seats
        ],
        "total_price": money(booking.total_price),
        "currency": settings.CURRENCY,
        "customer": customer_ref(booking.customer) if booking.customer is not None else None,
        "recipient": {"name": booking.recipient_name, "email": booking.recipient_email}
        if booking.recipient_email
        else None,
        "gift_message": booking.gift_message,
        "channel": booking.channel,
        "comp_reason": booking.comp_reason,
    }


# --- customers -------------------------------------------------------------------------


class CustomerFilters(Paged):
    search: str = Field("", max_length=200)


class StaffCustomerOut(CustomerRef):
    marketing_consent: bool
    marketing_consent_at: dt.datetime | None
    marketing_withdrawn_at: dt.datetime | None
    created_at: dt.datetime
    erased_at: dt.datetime | None = None


class CustomerPage(Schema):
    count: int
    results: list[StaffCustomerOut]


class WatchedOut(Schema):
    movie: MovieBrief
    showtime_id: int
    starts_at: dt.datetime
    hall: str


class GenreCountOut(Schema):
    id: int
    name: str
    count: int


class CustomerDetailOut(StaffCustomerOut):
    bookings: list[StaffBookingOut]
    watched: list[WatchedOut]
    favourite_genres: list[GenreCountOut]


def customer_out(customer: Customer) -> dict[str, Any]:
    return {
        **customer_ref(customer),
        "marketing_consent": customer.marketing_consent,
        "marketing_consent_at": local_or_none(customer.marketing_consent_at),
        "marketing_withdrawn_at": local_or_none(customer.marketing_withdrawn_at),
        "created_at": local(customer.created_at),
        "erased_at": local_or_none(customer.erased_at),
    }


class CustomerErasureIn(CleanIn):
    reason: Annotated[str, Field(min_length=1, max_length=500)]


class CustomerErasureOut(Schema):
    customer_id: int
    erased_at: dt.datetime
    reason: str


def customer_erasure_out(erasure: CustomerErasure) -> dict[str, Any]:
    return {"customer_id": erasure.customer_id, "erased_at": local(erasure.erased_at), "reason": erasure.reason}


def watched_out(item: WatchedItem) -> dict[str, Any]:
    return {
        "movie": {
            "id": item.movie_id,
            "title": item.movie_title,
            "duration_min": item.movie_duration_min,
            "age_rating": item.movie_age_rating,
        },
        "showtime_id": item.showtime_id,
        "starts_at": local(item.starts_at),
        "hall": item.hall_name,
    }


def genre_count_out(item: GenreCount) -> dict[str, Any]:
    return {"id": item.id, "name": item.name, "count": item.count}


def customer_detail_out(profile: CustomerProfile) -> dict[str, Any]:
    return {
        **customer_out(profile.customer),
        "bookings": [staff_booking_out(b) for b in profile.bookings],
        "watched": [watched_out(w) for w in profile.watched],
        "favourite_genres": [genre_count_out(g) for g in profile.favourite_genres],
    }


class AudienceOut(Schema):
    customer_id: int
    first_name: str
    last_name: str
    email: str
    times: int
    last_watched_at: dt.datetime


class AudiencePage(Schema):
    count: int
    results: list[AudienceOut]


def audience_out(row: AudienceRow) -> dict[str, Any]:
    return {
        "customer_id": row.customer_id,
        "first_name": row.first_name,
        "last_name": row.last_name,
        "email": row.email,
        "times": row.times,
        "last_watched_at": local(row.last_watched_at),
    }


# --- reports ---------------------------------------------------------------------------


class ReportFilters(CleanIn):
    """`from` and `to` are the cinema's local dates, both included."""

    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None
    hall: Id | None = None

    _days = field_validator("from_", "to")(sane_day)


class StaffShowtimeFilters(ReportFilters, Paged):
    """`from`/`to` and `hall` as for the reports, without their default period: no dates, every showtime."""

    movie: Id | None = None
    status: Literal["scheduled", "cancelled"] | None = None


class StaffMovieFilters(CleanIn):
    listed: bool | None = None
    search: str = Field("", max_length=200)


class SalesFilters(ReportFilters):
    group_by: Literal["movie", "day", "hall", "seat_type", "tariff", "ticket_type", "channel"] = "movie"
    channel: Literal["online", "box_office"] | None = None


class MovieTitle(Schema):
    id: int
    title: str


class OccupancyOut(Schema):
    showtime_id: int
    movie: MovieTitle
    hall: HallBrief
    starts_at: dt.datetime
    capacity: int
    sold: int
    held: int
    occupancy: float


def occupancy_out(row: OccupancyRow) -> dict[str, Any]:
    return {
        "showtime_id": row.showtime_id,
        "movie": {"id": row.movie_id, "title": row.movie_title},
        "hall": {"id": row.hall_id, "number": row.hall_number, "name": row.hall_name},
        "starts_at": row.local_start,
        "capacity": row.capacity,
        "sold": row.sold,
        "held": row.held,
        "occupancy": row.occupancy,
    }


class SalesRowOut(Schema):
    key: str
    tickets: int
    revenue: str
    id: int | None = None
    comps: int = Field(0, description="tickets given free at the box office (not among `tickets`)")


class SalesTotals(Schema):
    tickets: int
    revenue: str
    comps: int = 0


class SalesOut(Schema):
    group_by: str
    from_: dt.date = Field(alias="from")
    to: dt.date
    results: list[SalesRowOut]
    totals: SalesTotals
    currency: str


def sales_out(report: SalesReport) -> dict[str, Any]:
    return {
        "group_by": report.group_by,
        "from": report.start,
        "to": report.end,
        "results": [
            {"key": r.key, "tickets": r.tickets, "revenue": money(r.revenue), "id": r.id, "comps": r.comps}
            for r in report.rows
        ],
        "totals": {"tickets": report.tickets, "revenue": money(report.revenue), "comps": report.comps},
        "currency": report.currency,
    }


class HeatMapRowOut(Schema):
    hall: HallBrief
    values: list[float | None]


class HeatMapOut(Schema):
    days: list[dt.date]
    rows: list[HeatMapRowOut]


def heat_map_out(heat: HeatMap) -> dict[str, Any]:
    return {
        "days": heat.days,
        "rows": [
            {"hall": {"id": h.id, "number": h.number, "name": h.name}, "values": values} for h, values in heat.rows
        ],
    }


class WeekOut(Schema):
    year: int
    week: int
    monday: dt.date
    showtimes: int
    nearly_full: int
    sold_out: int
    nearly_full_share: float
    sold_out_share: float
    level: str
    sentence: str


class ExpansionOut(Schema):
    sentence: str
    weeks: list[WeekOut]


def expansion_out(signal: ExpansionSignal) -> dict[str, Any]:
    return {
        "sentence": signal.sentence,
        "weeks": [
            {
                "year": w.year,
                "week": w.week,
                "monday": w.monday,
                "showtimes": w.showtimes,
                "nearly_full": w.nearly_full,
                "sold_out": w.sold_out,
                "nearly_full_share": w.nearly_full_share,
                "sold_out_share": w.sold_out_share,
                "level": w.level,
                "sentence": w.sentence(),
            }
            for w in signal.weeks
        ],
    }


# --- campaigns -------------------------------------------------------------------------


class CampaignIn(CleanIn):
    limit_per_customer: Annotated[int, Field(ge=1, le=10)] = 3


class CampaignOut(Schema):
    queued: int
    deferred: bool = False
