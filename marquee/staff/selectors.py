"""Reads for the staff API and pages: catalog, halls, schedule, tariffs and bookings."""

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet

from marquee.booking.models import Booking, BookingSeat
from marquee.booking.selectors import with_seats_taken
from marquee.catalog.models import Genre, Movie
from marquee.core.clock import day_bounds
from marquee.core.errors import ValidationFailed
from marquee.core.languages import localized_expression
from marquee.core.pages import Page, page_of
from marquee.core.rows import row_or_not_found
from marquee.pricing.models import Tariff
from marquee.scheduling.models import Showtime
from marquee.scheduling.selectors import showtimes_all
from marquee.venues.models import Hall, Seat


def genres_all() -> list[Genre]:
    return list(Genre.objects.order_by(localized_expression("name")))


def genre_get(*, genre_id: int) -> Genre:
    return row_or_not_found(Genre, "No such genre.", pk=genre_id)


def _movies() -> QuerySet[Movie]:
    return Movie.objects.prefetch_related(Prefetch("genres", Genre.objects.order_by(localized_expression("name"))))


def movies_all(*, listed: bool | None = None, search: str = "") -> list[Movie]:
    """Every movie, listed or not (two queries)."""
    qs = _movies().order_by(localized_expression("title"), "pk")
    if listed is not None:
        qs = qs.filter(is_listed=listed)
    if search.strip():
        qs = qs.filter(Q(title_en__icontains=search.strip()) | Q(title_uk__icontains=search.strip()))
    return list(qs)


def movies_page(*, listed: bool | None = None, search: str = "", limit: int, offset: int) -> Page[Movie]:
    """A page of movies by title in the active language, in either language's title: three queries."""
    qs = _movies()
    if listed is not None:
        qs = qs.filter(is_listed=listed)
    words = search.strip()
    if words:
        qs = qs.filter(Q(title_en__icontains=words) | Q(title_uk__icontains=words))
    return page_of(qs.order_by(localized_expression("title"), "pk"), limit=limit, offset=offset)


def genres_with_counts() -> list[Genre]:
    """Every genre with `movie_count`, by name in the active language: one query."""
    return list(Genre.objects.annotate(movie_count=Count("movies")).order_by(localized_expression("name"), "pk"))


def movie_get(*, movie_id: int) -> Movie:
    return row_or_not_found(_movies(), "No such movie.", pk=movie_id)


def halls_all() -> list[Hall]:
    return list(Hall.objects.order_by("number"))


def hall_get(*, hall_id: int) -> Hall:
    """The hall with its seats prefetched in row, seat order (two queries)."""
    return row_or_not_found(
        Hall.objects.prefetch_related(Prefetch("seats", Seat.objects.order_by("row_number", "seat_number"))),
        "No such hall.",
        pk=hall_id,
    )


def _showtimes() -> QuerySet[Showtime]:
    return with_seats_taken(showtimes_all())


def showtimes_find(
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    hall_id: int | None = None,
    movie_id: int | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[Showtime]:
    """Showtimes oldest first (by start, then hall), filtered; `start` and `end` are the
    cinema's local dates, both included. The page is annotated with `seats_taken`.
    Two queries (count, page)."""
    if start is not None and end is not None and start > end:
        # As the reports answer an inverted period: a mistake to name, not an empty page.
        raise ValidationFailed("The period ends before it starts.", fields={"to": ["Must be on or after `from`."]})
    qs = Showtime.objects.all()
    if start is not None:
        qs = qs.filter(starts_at__gte=day_bounds(start)[0])
    if end is not None:
        qs = qs.filter(starts_at__lt=day_bounds(end)[1])
    if hall_id is not None:
        qs = qs.filter(hall_id=hall_id)
    if movie_id is not None:
        qs = qs.filter(movie_id=movie_id)
    if status:
        qs = qs.filter(status=status)
    # Counted before the seats are annotated: the count needs none of the joins.
    count = qs.count()
    page = with_seats_taken(qs.select_related("movie", "hall")).order_by("starts_at", "hall__number", "pk")
    return Page(count=count, results=list(page[offset : offset + limit]))


def showtime_get(*, showtime_id: int) -> Showtime:
    return row_or_not_found(_showtimes(), "No such showtime.", pk=showtime_id)


def tariffs_all() -> list[Tariff]:
    return list(Tariff.objects.order_by("start_time", "pk"))


def tariff_get(*, tariff_id: int) -> Tariff:
    return row_or_not_found(Tariff, "No such tariff.", pk=tariff_id)


def _bookings() -> QuerySet[Booking]:
    return Booking.objects.select_related("customer", "showtime__movie", "showtime__hall").prefetch_related(
        Prefetch("seats", BookingSeat.objects.select_related("seat").order_by("seat__row_number", "seat__seat_number"))
    )


def bookings_find(
    *,
    showtime_id: int | None = None,
    email: str = "",
    status: str | None = None,
    reference: str = "",
    customer_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[Booking]:
    """Bookings, newest first; `email` matches the buyer's or the recipient's address,
    whatever its case. Three queries (count, page, seats)."""
    qs = Booking.objects.all()
    if showtime_id is not None:
        qs = qs.filter(showtime_id=showtime_id)
    if email.strip():
        qs = qs.filter(Q(customer__email__iexact=email.strip()) | Q(recipient_email__iexact=email.strip()))
    if status:
        qs = qs.filter(status=status)
    if reference.strip():
        qs = qs.filter(reference=reference.strip().upper())
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    count = qs.count()
    page = _bookings().filter(pk__in=qs.order_by("-booked_at", "-pk").values("pk")[offset : offset + limit])
    return Page(count=count, results=list(page.order_by("-booked_at", "-pk")))


def booking_get(*, reference: str) -> Booking:
    return row_or_not_found(_bookings(), "No such booking.", reference=reference.strip().upper())
