"""What the public site reads, beyond marquee.booking.selectors. A constant number of
queries each, whatever the size of the listing, the hall or the customer's history."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, Min, OuterRef, Prefetch, Q
from django.utils.translation import get_language

from marquee.booking.models import Booking, BookingSeat, BookingStatus, Customer
from marquee.booking.selectors import in_presentation, seats_free, with_seats_taken
from marquee.booking.tokens import normalise_reference
from marquee.catalog.models import Genre, Movie
from marquee.core.clock import day_bounds, local, local_today
from marquee.core.clock import now as clock_now
from marquee.core.kept import kept
from marquee.core.languages import localized_expression
from marquee.scheduling.models import Format, LanguageVersion, Showtime, ShowtimeStatus
from marquee.scheduling.selectors import showtimes_listed_on_day, showtimes_upcoming
from marquee.venues.models import Hall, Seat
from marquee.venues.selectors import halls_by_number

# "Now showing": a first upcoming showtime within this many days; later ones are "coming soon".
NOW_SHOWING_DAYS = 7
STRIP_DAYS = 14


@dataclass(frozen=True)
class PresentationFilter:
    """The format and language a visitor filters the listing or the schedule by (`?format=`,
    `?language=`, by code), and the choices to offer: those of upcoming showtimes. A code
    nothing has is kept as asked, and finds nothing (as the API answers an empty list)."""

    format_code: str
    language_code: str
    format: Format | None
    language: LanguageVersion | None
    formats: list[Format]
    languages: list[LanguageVersion]

    @property
    def active(self) -> bool:
        return bool(self.format_code or self.language_code)

    @property
    def cache_key(self) -> str:
        """Every code nothing has gives the same (empty) page: one cache entry for them all."""

        def part(code: str, found: object) -> str:
            return "" if not code else (code if found is not None else "?")

        return f"{part(self.format_code, self.format)}|{part(self.language_code, self.language)}"


def _code(raw: str | None) -> str:
    return (raw or "").strip().lower()[:32]


def presentation_filter(
    format_raw: str | None, language_raw: str | None, at: dt.datetime | None = None
) -> PresentationFilter:
    """The formats and the language versions of upcoming showtimes: two queries, or none
    while those kept for PUBLIC_CACHE_SECONDS last (`at` not given)."""
    formats, languages = _upcoming_choices(at) if at is not None else _kept("presentations", _upcoming_choices)
    format_code, language_code = _code(format_raw), _code(language_raw)
    return PresentationFilter(
        format_code=format_code,
        language_code=language_code,
        format=next((f for f in formats if f.code == format_code), None),
        language=next((v for v in languages if v.code == language_code), None),
        formats=formats,
        languages=languages,
    )


def _upcoming_choices(at: dt.datetime | None = None) -> tuple[list[Format], list[LanguageVersion]]:
    upcoming = showtimes_upcoming(at)
    formats = list(Format.objects.filter(Exists(upcoming.filter(format=OuterRef("pk")))).order_by("position", "name"))
    languages = list(
        LanguageVersion.objects.filter(Exists(upcoming.filter(language_version=OuterRef("pk")))).order_by(
            "position", localized_expression("name"), "code"
        )
    )
    return formats, languages


def _kept[T](name: str, draw: Callable[[], T]) -> T:
    """What the listing and the schedule offer to filter by, the same for every visitor in one
    language: kept for PUBLIC_CACHE_SECONDS like the programme it filters. Building these
    queries cost the home page more CPU than the rest of it."""
    key = f"marquee:public-{name}:{get_language()}"
    return kept(key, settings.PUBLIC_CACHE_SECONDS, draw, keep=lambda _found: True)


def genres() -> list[Genre]:
    return list(Genre.objects.order_by(localized_expression("name")))


def listed_genres() -> list[Genre]:
    """The genres by name, for the listing's filter (kept like the programme)."""
    return _kept("genres", genres)


def day_strip(days: int = STRIP_DAYS) -> list[dt.date]:
    today = local_today()
    return [today + dt.timedelta(days=i) for i in range(days)]


@dataclass
class MovieCard:
    movie: Movie
    next_start: dt.datetime | None
    today: list[Showtime] = field(default_factory=list)
    tomorrow: list[Showtime] = field(default_factory=list)


@dataclass
class Listing:
    now_showing: list[MovieCard]
    coming_soon: list[MovieCard]
    today: dt.date
    tomorrow: dt.date


def listing(
    *,
    genre_id: int | None = None,
    format_code: str = "",
    language_code: str = "",
    at: dt.datetime | None = None,
) -> Listing:
    """The afisha: listed movies with upcoming showtimes (in that format and language
    version, when given), split into now showing and coming soon, with today's and
    tomorrow's showtimes of each. Three queries."""
    at = at or clock_now()
    today = local(at).date()
    tomorrow = today + dt.timedelta(days=1)
    soonest_first = showtimes_upcoming(at).order_by("starts_at", "hall__number")
    upcoming = in_presentation(soonest_first, format_code=format_code, language_code=language_code)
    movies = (
        Movie.objects.filter(is_listed=True)
        .annotate(
            next_start=Min("showtimes__starts_at", filter=_upcoming_filter(at, format_code, language_code)),
            has_shown=Exists(Showtime.objects.filter(movie=OuterRef("pk"), starts_at__lte=at)),
        )
        .filter(next_start__isnull=False)
        .prefetch_related(Prefetch("genres", queryset=Genre.objects.order_by(localized_expression("name"))))
        .order_by("next_start", localized_expression("title"))
    )
    if genre_id is not None:
        # A subquery, not a join and DISTINCT: DISTINCT wants each ORDER BY expression in the
        # select list, and with parameters bound on the server the localized title's
        # placeholders there and in ORDER BY differ, so PostgreSQL refuses it.
        in_genre = Movie.genres.through.objects.filter(movie=OuterRef("pk"), genre_id=genre_id)
        movies = movies.filter(Exists(in_genre))
        upcoming = upcoming.filter(movie__genres__id=genre_id)
    window_start = at
    _, window_end = day_bounds(tomorrow)
    soon = with_seats_taken(upcoming.filter(starts_at__gte=window_start, starts_at__lt=window_end), at)
    by_movie: dict[int, list[Showtime]] = defaultdict(list)
    for show in soon:
        by_movie[show.movie_id].append(show)

    horizon = at + dt.timedelta(days=NOW_SHOWING_DAYS)
    now_showing, coming_soon = [], []
    for movie in movies:
        card = MovieCard(movie=movie, next_start=movie.next_start)
        for show in by_movie.get(movie.pk, []):
            show.seats_left = seats_free(show)  # type: ignore[attr-defined]
            (card.today if local(show.starts_at).date() == today else card.tomorrow).append(show)
        if movie.next_start <= horizon or movie.has_shown:
            now_showing.append(card)
        else:
            coming_soon.append(card)
    return Listing(now_showing=now_showing, coming_soon=coming_soon, today=today, tomorrow=tomorrow)


def _upcoming_filter(at: dt.datetime, format_code: str = "", language_code: str = "") -> Q:
    upcoming = Q(showtimes__starts_at__gt=at, showtimes__status=ShowtimeStatus.SCHEDULED)
    if format_code:
        upcoming &= Q(showtimes__format__code=format_code)
    if language_code:
        upcoming &= Q(showtimes__language_version__code=language_code)
    return upcoming


@dataclass
class ShowDay:
    day: dt.date
    showtimes: list[Showtime]


def movie_detail(movie_id: int, at: dt.datetime | None = None) -> tuple[Movie, list[ShowDay]] | None:
    """A listed movie and its upcoming showtimes grouped by local day, with seats left."""
    at = at or clock_now()
    movie = (
        Movie.objects.filter(pk=movie_id, is_listed=True)
        .prefetch_related(Prefetch("genres", queryset=Genre.objects.order_by(localized_expression("name"))))
        .first()
    )
    if movie is None:
        return None
    shows = with_seats_taken(showtimes_upcoming(at).filter(movie=movie).order_by("starts_at", "hall__number"), at)
    days: dict[dt.date, list[Showtime]] = {}
    for show in shows:
        show.seats_left = seats_free(show)  # type: ignore[attr-defined]
        days.setdefault(local(show.starts_at).date(), []).append(show)
    return movie, [ShowDay(day=d, showtimes=s) for d, s in days.items()]


@dataclass
class TimelineBlock:
    showtime: Showtime
    left: float  # percent of the day's window
    width: float
    seats_left: int
    on_sale: bool
    movie_ends_at: dt.datetime


@dataclass
class TimelineRow:
    hall: Hall
    blocks: list[TimelineBlock]


@dataclass
class Timeline:
    day: dt.date
    start_hour: int
    end_hour: int
    rows: list[TimelineRow]
    now_left: float | None = None  # where "now" falls on the axis, when it does

    @property
    def hours(self) -> list[tuple[int, float]]:
        span = self.end_hour - self.start_hour
        return [(h % 24, (h - self.start_hour) / span * 100) for h in range(self.start_hour, self.end_hour)]


def day_timeline(
    day: dt.date, at: dt.datetime | None = None, *, format_code: str = "", language_code: str = ""
) -> Timeline:
    """All halls on one local day, each with its showtimes (in that format and language
    version, when given) placed on a time axis. Two queries."""
    at = at or clock_now()
    start, _end = day_bounds(day)
    shows = list(
        with_seats_taken(
            in_presentation(
                showtimes_listed_on_day(day), format_code=format_code, language_code=language_code
            ).order_by("hall__number", "starts_at"),
            at,
        )
    )
    halls = list(halls_by_number())
    first = min((local(s.starts_at).hour for s in shows), default=10)
    last_end = max(((s.ends_at - start).total_seconds() / 3600 for s in shows), default=23)
    start_hour = min(first, 10)
    end_hour = max(int(last_end + 0.999), 24)
    span_min = (end_hour - start_hour) * 60
    by_hall: dict[int, list[TimelineBlock]] = defaultdict(list)
    for show in shows:
        offset = (show.starts_at - start).total_seconds() / 60 - start_hour * 60
        length = show.movie.duration_min
        by_hall[show.hall_id].append(
            TimelineBlock(
                showtime=show,
                left=round(offset / span_min * 100, 3),
                width=round(length / span_min * 100, 3),
                seats_left=seats_free(show),
                on_sale=show.starts_at > at,
                movie_ends_at=show.starts_at + dt.timedelta(minutes=show.movie.duration_min),
            )
        )
    rows = [TimelineRow(hall=h, blocks=by_hall.get(h.pk, [])) for h in halls]
    now_offset = (at - start).total_seconds() / 60 - start_hour * 60
    now_left = round(now_offset / span_min * 100, 3) if 0 <= now_offset <= span_min else None
    return Timeline(day=day, start_hour=start_hour, end_hour=end_hour, rows=rows, now_left=now_left)


def visitor_holds(references: list[str], showtime_id: int, at: dt.datetime | None = None) -> list[Booking]:
    """The visitor's own unexpired holds on a showtime (references from their session)."""
    if not references:
        return []
    at = at or clock_now()
    return list(
        Booking.objects.filter(
            reference__in=references, showtime_id=showtime_id, status=BookingStatus.PENDING, expires_at__gt=at
        )
        .prefetch_related(Prefetch("seats", queryset=BookingSeat.objects.select_related("seat", "tariff")))
        .order_by("booked_at")
    )


def visitor_booking_of_seats(references: list[str], showtime_id: int, seat_ids: list[int]) -> str | None:
    """The reference of the visitor's own live booking (pending or paid) on this showtime that
    holds any of these seats: coming back to the checkout after paying finds their own seats
    taken, by them."""
    if not references or not seat_ids:
        return None
    return (
        BookingSeat.objects.filter(
            booking__reference__in=references,
            showtime_id=showtime_id,
            seat_id__in=seat_ids,
            status__in=(BookingStatus.PENDING, BookingStatus.PAID),
        )
        .order_by("-booking__booked_at")
        .values_list("booking__reference", flat=True)
        .first()
    )


def booking_seats(booking: Booking) -> list[BookingSeat]:
    return list(
        booking.seats.select_related("seat", "tariff", "ticket_type").order_by("seat__row_number", "seat__seat_number")
    )


def booking_for_customer(*, reference: str, customer_id: int) -> Booking | None:
    """The booking if it belongs to the signed-in customer (my-bookings access)."""
    return (
        Booking.objects.select_related(
            "customer", "showtime__movie", "showtime__hall", "showtime__format", "showtime__language_version"
        )
        .filter(reference=normalise_reference(reference), customer_id=customer_id, customer__erased_at__isnull=True)
        .first()
    )


# An erased customer cannot sign in (a session signed in before the erasure ends with it).
def customer_by_email(email: str) -> Customer | None:
    return Customer.objects.filter(email__iexact=email.strip(), erased_at__isnull=True).first()


def customer_bookings(customer_id: int) -> tuple[Customer | None, list[Booking]]:
    customer = Customer.objects.filter(pk=customer_id, erased_at__isnull=True).first()
    if customer is None:
        return None, []
    bookings = list(
        Booking.objects.filter(customer_id=customer_id)
        .select_related("showtime__movie", "showtime__hall")
        .prefetch_related(
            Prefetch("seats", queryset=BookingSeat.objects.select_related("seat").order_by("seat__row_number"))
        )
        .order_by("-showtime__starts_at")
    )
    return customer, bookings


def customer_cancel_deadline(booking: Booking) -> dt.datetime:
    """Until when the customer may cancel a paid booking (the service has the last word)."""
    return booking.showtime.starts_at - dt.timedelta(minutes=settings.CANCEL_CUTOFF_MINUTES)


def seats_by_id(seat_ids: list[int]) -> list[Seat]:
    return list(Seat.objects.filter(pk__in=seat_ids).order_by("row_number", "seat_number"))


def movie_title(movie_id: int) -> tuple[str, int] | None:
    """Title (in the active language) and year, for the generated poster: of listed movies
    only, as the movie page and the API show them (an unlisted movie's title is not public yet)."""
    movie = Movie.objects.filter(pk=movie_id, is_listed=True).only("title_en", "title_uk", "release_year").first()
    return None if movie is None else (movie.title, movie.release_year)
