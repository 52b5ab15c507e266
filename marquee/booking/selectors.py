"""Reading seat availability. A constant number of queries, whatever the hall's size."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from marquee.booking.checkin import OPENS_BEFORE, door_is_open, ticket_from_code
from marquee.booking.detail_sql import booking_detail_read
from marquee.booking.models import ACTIVE_STATUSES, Booking, BookingSeat, BookingStatus, SeatBlock
from marquee.booking.tokens import normalise_reference
from marquee.catalog.models import Genre, Movie
from marquee.core.clock import day_bounds, local
from marquee.core.clock import now as clock_now
from marquee.core.errors import InvalidTicket
from marquee.core.languages import localized_expression
from marquee.pricing.models import Tariff
from marquee.pricing.prices import seat_price, tariff_for
from marquee.scheduling import selectors as scheduling_selectors
from marquee.scheduling.models import Showtime, ShowtimeStatus
from marquee.scheduling.showtime_sql import listed_showtime_read
from marquee.venues.models import Seat, SeatType

FREE, HELD, SOLD = "free", "held", "sold"
KEPT = "kept"  # kept back by staff; shown as SOLD (SeatState.kept tells staff)


def active_booking_seats(at: dt.datetime) -> Q:
    """BookingSeats that make a seat unavailable at `at`: sold, or held and not lapsed."""
    return Q(status=BookingStatus.PAID) | Q(status=BookingStatus.PENDING, booking__expires_at__gt=at)


def _count_by_showtime(rows: QuerySet[BookingSeat] | QuerySet[SeatBlock]) -> Coalesce:
    counted = rows.order_by().values("showtime").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_seats_taken(showtimes: QuerySet[Showtime], at: dt.datetime | None = None) -> QuerySet[Showtime]:
    """Annotate `seats_taken` (held + sold) on each showtime in one query.

    Sold seats are counted on the booking seats alone (an index scan of showtime and status);
    only pending seats join their booking to check that the hold has not lapsed. One count
    with an OR joined every sold seat to its booking: ten times slower for a day's schedule
    of a big cinema (bench/reads.py, docs/PERFORMANCE.md).
    """
    at = at or clock_now()
    seats = BookingSeat.objects.filter(showtime=OuterRef("pk"))
    sold = _count_by_showtime(seats.filter(status=BookingStatus.PAID))
    held = _count_by_showtime(seats.filter(status=BookingStatus.PENDING, booking__expires_at__gt=at))
    # Seats kept back by staff are not for sale: they count as taken (marquee.booking.house_seats).
    kept = _count_by_showtime(SeatBlock.objects.filter(showtime=OuterRef("pk")))
    return showtimes.annotate(seats_taken=sold + held + kept)


def seats_free(showtime: Showtime) -> int:
    taken: int = getattr(showtime, "seats_taken", None) or 0
    return max(showtime.hall.capacity - taken, 0)


@dataclass(frozen=True, slots=True)
class SeatInfo:
    """A seat as the seat map shows it: read as a plain row, not a model instance, because a
    large hall's map is read on every refresh by every customer looking at it."""

    pk: int
    row_number: int
    seat_number: int
    seat_type: str
    base_price: Decimal
    # Where it stands across the hall (a missing column is an aisle) and whether it is in the
    # hall's best-seats zone (marquee.venues.models.Seat).
    column: int = 0
    best_zone: bool = False

    @property
    def id(self) -> int:
        return self.pk

    def get_seat_type_display(self) -> str:
        return str(SeatType(self.seat_type).label)


@dataclass(frozen=True)
class SeatState:
    seat: SeatInfo
    price: Decimal
    status: str  # free, held or sold
    # Kept back by staff (marquee.booking.house_seats): its status says "sold", so that
    # customers and the API's clients see a seat they cannot have, in the values they know.
    kept: bool = False


@dataclass(frozen=True)
class SeatMap:
    showtime: Showtime
    tariff: Tariff | None
    seats: list[SeatState]

    @property
    def rows(self) -> list[tuple[int, list[SeatState]]]:
        grouped: dict[int, list[SeatState]] = {}
        for state in self.seats:
            grouped.setdefault(state.seat.row_number, []).append(state)
        return sorted(grouped.items())

    @property
    def max_seat_number(self) -> int:
        """How many places wide the map is: the farthest seat's column (aisles and offsets
        count; in a hall without them that is the widest row's last seat number)."""
        return max((s.seat.column for s in self.seats), default=0)

    def prices_by_type(self) -> dict[str, Decimal | None]:
        """The price per seat type, or None where seats of one type differ."""
        found: dict[str, set[Decimal]] = {}
        for state in self.seats:
            found.setdefault(state.seat.seat_type, set()).add(state.price)
        return {kind: next(iter(p)) if len(p) == 1 else None for kind, p in found.items()}


def format_surcharge(showtime: Showtime) -> Decimal:
    """What the showtime's format adds to each seat (read with the showtime when it was joined)."""
    return showtime.surcharge


def _taken(showtime_id: int, at: dt.datetime) -> dict[int, str]:
    """Seats booked (their BookingSeat status) and kept back (KEPT): one query for both."""
    booked = (
        BookingSeat.objects.filter(showtime_id=showtime_id, status__in=ACTIVE_STATUSES)
        .filter(active_booking_seats(at))
        .values_list("seat_id", "status")
        .order_by()
    )
    kept_back = (
        SeatBlock.objects.filter(showtime_id=showtime_id)
        .annotate(kind=Value(KEPT, output_field=CharField()))
        .values_list("seat_id", "kind")
        .order_by()
    )
    return dict(booked.union(kept_back, all=True).order_by())


def seat_statuses(showtime_id: int, at: dt.datetime | None = None) -> dict[int, str]:
    """The seats that are not free now, HELD or SOLD as the seat map shows them (kept back
    seats are SOLD): the part of the map that changes with every hold. One query."""
    taken = _taken(showtime_id, at or clock_now())
    return {pk: HELD if status == BookingStatus.PENDING else SOLD for pk, status in taken.items()}


def showtime_seat_map(showtime: Showtime, at: dt.datetime | None = None) -> SeatMap:
    """Every seat of the showtime's hall with its price now (the format's surcharge in it) and
    its status.

    Three queries: seats, the taken seats, tariffs (small; read whole); a fourth for the
    format when the showtime was read without it.
    """
    at = at or clock_now()
    taken = _taken(showtime.pk, at)
    tariff = tariff_for(Tariff.objects.all(), local(showtime.starts_at))
    surcharge = format_surcharge(showtime)
    rows = (
        Seat.objects.filter(hall_id=showtime.hall_id)
        .order_by("row_number", "seat_number")
        .values_list("pk", "row_number", "seat_number", "seat_type", "base_price", "column", "best_zone")
    )
    prices: dict[Decimal, Decimal] = {}  # a hall has a handful of base prices
    states = []
    for pk, row_number, seat_number, seat_type, base_price, column, best_zone in rows:
        price = prices.get(base_price)
        if price is None:
            price = prices[base_price] = seat_price(base_price, tariff, surcharge=surcharge)
        status = taken.get(pk)
        states.append(
            SeatState(
                seat=SeatInfo(pk, row_number, seat_number, seat_type, base_price, column, best_zone),
                price=price,
                status=FREE if status is None else (HELD if status == BookingStatus.PENDING else SOLD),
                kept=status == KEPT,
            )
        )
    return SeatMap(showtime=showtime, tariff=tariff, seats=states)


# --- what the public API lists ------------------------------------------------------------


def in_presentation(
    shows: QuerySet[Showtime], *, format_code: str | None = None, language_code: str | None = None
) -> QuerySet[Showtime]:
    """Only showtimes in the format and language version named by their codes (when given):
    a code nothing has finds nothing."""
    if format_code:
        shows = shows.filter(format__code=format_code.strip().lower())
    if language_code:
        shows = shows.filter(language_version__code=language_code.strip().lower())
    return shows


def showtimes_upcoming(
    *,
    day: dt.date | None = None,
    movie_id: int | None = None,
    hall_id: int | None = None,
    format_code: str | None = None,
    language_code: str | None = None,
    at: dt.datetime | None = None,
) -> QuerySet[Showtime]:
    """Scheduled showtimes of listed movies that have not started (on `day` in the cinema's
    time zone, if given; in a format, a language version, if given), soonest first, with
    movie, hall, format and language version joined and `seats_taken` annotated: one query."""
    at = at or clock_now()
    shows = scheduling_selectors.showtimes_upcoming(at)
    if day is not None:
        start, end = day_bounds(day)
        shows = shows.filter(starts_at__gte=start, starts_at__lt=end)
    if movie_id is not None:
        shows = shows.filter(movie_id=movie_id)
    if hall_id is not None:
        shows = shows.filter(hall_id=hall_id)
    shows = in_presentation(shows, format_code=format_code, language_code=language_code)
    return with_seats_taken(shows.order_by("starts_at", "hall__number", "pk"), at)


def movies_showing(
    *,
    day: dt.date | None = None,
    genre_id: int | None = None,
    format_code: str | None = None,
    language_code: str | None = None,
    at: dt.datetime | None = None,
) -> QuerySet[Movie]:
    """Listed movies with at least one upcoming showtime (on `day`, if given; in that format
    and language version, if given; in genre `genre_id`, if given), by title, genres
    prefetched: two queries."""
    upcoming = showtimes_upcoming(day=day, format_code=format_code, language_code=language_code, at=at).filter(
        movie=OuterRef("pk")
    )
    movies = Movie.objects.filter(is_listed=True).filter(Exists(upcoming))
    if genre_id is not None:
        movies = movies.filter(Exists(Movie.genres.through.objects.filter(movie=OuterRef("pk"), genre_id=genre_id)))
    return movies.prefetch_related(Prefetch("genres", Genre.objects.order_by(localized_expression("name")))).order_by(
        localized_expression("title"), "pk"
    )


def movie_listed(movie_id: int) -> Movie | None:
    """One listed movie with its genres (two queries), or None."""
    return (
        Movie.objects.filter(pk=movie_id, is_listed=True)
        .prefetch_related(Prefetch("genres", Genre.objects.order_by(localized_expression("name"))))
        .first()
    )


def showtime_public(showtime_id: int, at: dt.datetime | None = None, *, with_counts: bool = True) -> Showtime | None:
    """One showtime of a listed movie, past or cancelled ones included (a customer may hold
    a link to it), with movie and hall joined and (unless `with_counts` is off: the seat map
    counts for itself) `seats_taken` annotated: one query."""
    if not with_counts:
        return listed_showtime_read(showtime_id)
    shows = scheduling_selectors.showtimes_all().filter(pk=showtime_id, movie__is_listed=True)
    return with_seats_taken(shows, at).first()


@dataclass(frozen=True)
class ShowtimePrices:
    tariff: Tariff | None
    # The price now, per seat type whose seats all cost the same.
    uniform: dict[str, Decimal]
    # Their base price (before tariff, ticket type and format), for pricing each ticket type.
    bases: dict[str, Decimal]


def showtime_prices(showtime: Showtime) -> ShowtimePrices:
    """The tariff in force and the uniform price per seat type: two queries."""
    tariff = tariff_for(Tariff.objects.all(), local(showtime.starts_at))
    by_type = (
        Seat.objects.filter(hall_id=showtime.hall_id)
        .order_by()
        .values("seat_type")
        .annotate(low=Min("base_price"), high=Max("base_price"))
    )
    bases = {row["seat_type"]: row["low"] for row in by_type if row["low"] == row["high"]}
    surcharge = format_surcharge(showtime)
    uniform = {kind: seat_price(base, tariff, surcharge=surcharge) for kind, base in bases.items()}
    return ShowtimePrices(tariff=tariff, uniform=dict(sorted(uniform.items())), bases=dict(sorted(bases.items())))


def booking_detail(booking_id: int) -> Booking:
    """A booking with everything its page or API answer shows: its customer, its showtime's
    movie, hall, format and language version, and its seats (each with its seat, tariff and
    ticket type) by row and number. One query (detail_sql says why it is not the ORM's)."""
    booking = booking_detail_read(booking_id)
    if booking is None:
        raise Booking.DoesNotExist(f"No booking {booking_id}.")
    return booking


# --- the door (check-in) ---------------------------------------------------------------------


def _with_door_counts(showtimes: QuerySet[Showtime]) -> QuerySet[Showtime]:
    """Annotate `expected` (tickets sold) and `admitted` (of those, checked in)."""
    sold = BookingSeat.objects.filter(showtime=OuterRef("pk"), status=BookingStatus.PAID)
    return showtimes.annotate(
        expected=_count_by_showtime(sold), admitted=_count_by_showtime(sold.filter(checked_in_at__isnull=False))
    )


def door_showtimes(at: dt.datetime | None = None) -> list[Showtime]:
    """The showtimes a door may admit to today: today's (in the cinema's time zone) and any
    still running from last night. Those whose door is open now come first, then those still
    to start, soonest first, then those that have ended."""
    at = at or clock_now()
    start, end = day_bounds(local(at).date())
    rows = list(
        _with_door_counts(
            scheduling_selectors.showtimes_all()
            .filter(status=ShowtimeStatus.SCHEDULED)
            .filter(Q(starts_at__gte=start, starts_at__lt=end) | Q(starts_at__lte=at + OPENS_BEFORE, ends_at__gte=at))
            .order_by("starts_at", "hall__number")
        )
    )
    return sorted(rows, key=lambda s: (not door_is_open(s, at), s.ends_at < at, s.starts_at, s.hall.number))


def door_showtime(showtime_id: int) -> Showtime | None:
    """One showtime with its door counts (any day: the door person chose it)."""
    return _with_door_counts(scheduling_selectors.showtimes_all().filter(pk=showtime_id)).first()


def door_ticket(code: str) -> BookingSeat | None:
    """The ticket a code was signed for, with what the door's screens say about it (its seat,
    showtime, booking and who admitted it); None for a code not signed here, or one that a move
    replaced: one query."""
    try:
        seat_id, version = ticket_from_code(code)
    except InvalidTicket:
        return None
    return (
        BookingSeat.objects.select_related("booking", "seat", "showtime__movie", "showtime__hall", "checked_in_by")
        .filter(pk=seat_id, code_version=version)
        .first()
    )


# Facts that scheduling and venues ask through their ports (marquee.scheduling.sales_facts,
# marquee.venues.sales_facts); BookingConfig.ready() registers these there.


def showtime_has_active_sales(showtime_id: int) -> bool:
    """Whether the showtime has seats in an active booking (held or sold)."""
    return BookingSeat.objects.filter(showtime_id=showtime_id, status__in=ACTIVE_STATUSES).exists()


def seats_with_future_sales(hall_id: int, seat_ids: Iterable[int]) -> list[int]:
    """The seats among `seat_ids` (of this hall) held or sold for a showtime still to come."""
    return list(
        BookingSeat.objects.filter(
            seat_id__in=list(seat_ids),
            seat__hall_id=hall_id,
            status__in=ACTIVE_STATUSES,
            showtime__starts_at__gt=clock_now(),
        )
        .values_list("seat_id", flat=True)
        .distinct()
    )


def seats_ever_sold(seat_ids: Iterable[int]) -> set[int]:
    """The seats among `seat_ids` that any booking ever named, whatever became of it."""
    return set(BookingSeat.objects.filter(seat_id__in=list(seat_ids)).values_list("seat_id", flat=True))


# --- the back office's reads of bookings -----------------------------------------------------


def _staff_bookings() -> QuerySet[Booking]:
    return Booking.objects.select_related("customer", "showtime__movie", "showtime__hall")


def bookings_search(*, q: str = "", showtime_id: int | None = None) -> QuerySet[Booking]:
    """Bookings newest first, with customer, movie and hall. `q` with an @ is part of an email
    (the buyer's or the recipient's); anything else a reference (exact, as printed) or part
    of the buyer's email."""
    bookings = _staff_bookings().order_by("-booked_at")
    if q:
        if "@" in q:
            bookings = bookings.filter(Q(customer__email__icontains=q) | Q(recipient_email__icontains=q))
        else:
            bookings = bookings.filter(Q(reference=normalise_reference(q)) | Q(customer__email__icontains=q))
    if showtime_id is not None:
        bookings = bookings.filter(showtime_id=showtime_id)
    return bookings


def booking_by_reference(reference: str) -> Booking | None:
    """The booking with this exact reference, with customer, movie and hall: one query."""
    return _staff_bookings().filter(reference=reference).first()


def booking_sold(reference: str) -> Booking | None:
    """A booking as the box office's receipt shows it (who sold it, its seats and ticket
    types), by its reference as printed: four queries at most."""
    return (
        _staff_bookings()
        .select_related("sold_by")
        .prefetch_related("seats__seat", "seats__ticket_type")
        .filter(reference=normalise_reference(reference))
        .first()
    )


def booking_seats_with_seat(booking: Booking) -> list[BookingSeat]:
    return list(BookingSeat.objects.filter(booking=booking).select_related("seat"))


def booking_paid_seat_ids(booking: Booking) -> set[int]:
    return set(booking.seats.filter(status=BookingStatus.PAID).values_list("seat_id", flat=True))


def booking_paid_seat_count(booking: Booking) -> int:
    return booking.seats.filter(status=BookingStatus.PAID).count()


def showtime_bookings(showtime: Showtime, *, limit: int = 200) -> list[Booking]:
    """The showtime's latest bookings, newest first, with their customer: one query."""
    return list(Booking.objects.filter(showtime=showtime).select_related("customer").order_by("-booked_at")[:limit])


def showtime_active_booking_count(showtime: Showtime) -> int:
    """How many of the showtime's bookings are held or paid (those a cancellation reaches)."""
    return Booking.objects.filter(showtime=showtime, status__in=ACTIVE_STATUSES).count()
