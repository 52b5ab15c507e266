"""Which movies to recommend to whom (domain.md, "Recommendations"). Pure reads.

For a customer: upcoming listed movies in the genres they watch most, that they have not
watched (nor already bought tickets for) and that were never recommended to them before.

- "Genres they watch most": the customer's genres ranked by the number of showtimes they
  watched (paid bookings whose showtime has begun); the top TOP_GENRES, ties included.
- A candidate scores the sum of the watch counts of its genres among those; the best
  scores come first, then the soonest next showtime.
- "Upcoming": the movie has a scheduled showtime that has not started.

The rule itself is `pick_movies`, a pure function; the selectors gather its inputs for
many customers at once in a fixed number of queries. `recommendable_count` states the same
rule in SQL, to count a whole audience in one query (tests hold the two to each other).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Min, OuterRef, Q, Window
from django.db.models.functions import Rank

from marquee.booking.models import Booking, BookingStatus
from marquee.catalog.models import Movie
from marquee.core.clock import now as clock_now
from marquee.core.languages import localized_expression
from marquee.scheduling.models import ShowtimeStatus

TOP_GENRES = 3


@dataclass(frozen=True)
class Candidate:
    movie_id: int
    title: str
    genre_ids: frozenset[int]
    next_showtime: dt.datetime


def pick_movies(
    *,
    genre_counts: dict[int, int],
    excluded: set[int],
    candidates: Sequence[Candidate],
    limit: int,
    top_genres: int = TOP_GENRES,
) -> list[int]:
    """The rule, with no database: ids of up to `limit` movies, best first."""
    ranked = sorted(((g, n) for g, n in genre_counts.items() if n > 0), key=lambda gn: (-gn[1], gn[0]))
    if not ranked or limit <= 0:
        return []
    cutoff = ranked[min(top_genres, len(ranked)) - 1][1]
    favourite = {g: n for g, n in ranked if n >= cutoff}
    scored = []
    for c in candidates:
        if c.movie_id in excluded:
            continue
        score = sum(favourite.get(g, 0) for g in c.genre_ids)
        if score > 0:
            scored.append((score, c))
    scored.sort(key=lambda sc: (-sc[0], sc[1].next_showtime, sc[1].movie_id))
    return [c.movie_id for _, c in scored[:limit]]


def upcoming_candidates(*, at: dt.datetime | None = None) -> list[Candidate]:
    """Listed movies with a scheduled showtime still to start. Two queries."""
    at = at or clock_now()
    movies = list(
        Movie.objects.filter(is_listed=True, showtimes__status=ShowtimeStatus.SCHEDULED, showtimes__starts_at__gt=at)
        .values("pk", localized_title=localized_expression("title"))
        .annotate(next_showtime=Min("showtimes__starts_at"))
        .order_by("next_showtime", "pk")
    )
    links: dict[int, set[int]] = defaultdict(set)
    through = Movie.genres.through
    for movie_id, genre_id in through.objects.filter(movie_id__in=[m["pk"] for m in movies]).values_list(
        "movie_id", "genre_id"
    ):
        links[movie_id].add(genre_id)
    return [
        Candidate(
            movie_id=m["pk"],
            title=m["localized_title"],
            genre_ids=frozenset(links[m["pk"]]),
            next_showtime=m["next_showtime"],
        )
        for m in movies
    ]


def genre_watch_counts(*, customer_ids: Iterable[int], at: dt.datetime | None = None) -> dict[int, dict[int, int]]:
    """customer → genre → showtimes of that genre watched. One query."""
    at = at or clock_now()
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    rows = (
        Booking.objects.filter(
            customer_id__in=list(customer_ids), status=BookingStatus.PAID, showtime__starts_at__lte=at
        )
        .order_by()
        .values("customer_id", "showtime__movie__genres")
        .annotate(n=Count("showtime", distinct=True))
    )
    for r in rows:
        if r["showtime__movie__genres"] is not None:
            counts[r["customer_id"]][r["showtime__movie__genres"]] = r["n"]
    return counts


def excluded_movies(*, customer_ids: Iterable[int]) -> dict[int, set[int]]:
    """customer → movies not to recommend: paid for (watched or to watch) or recommended
    before. Two queries."""
    from marquee.marketing.models import Recommendation  # reports reads marketing's record

    ids = list(customer_ids)
    excluded: dict[int, set[int]] = defaultdict(set)
    paid = (
        Booking.objects.filter(customer_id__in=ids, status=BookingStatus.PAID)
        .order_by()
        .values_list("customer_id", "showtime__movie_id")
        .distinct()
    )
    for customer_id, movie_id in paid:
        excluded[customer_id].add(movie_id)
    for customer_id, movie_id in Recommendation.objects.filter(customer_id__in=ids).values_list(
        "customer_id", "movie_id"
    ):
        excluded[customer_id].add(movie_id)
    return excluded


def recommendations_for_customers(
    *,
    customer_ids: Sequence[int],
    limit: int = 3,
    at: dt.datetime | None = None,
    candidates: Sequence[Candidate] | None = None,
) -> dict[int, list[int]]:
    """customer → movie ids to recommend (customers with nothing are left out).

    Five queries (three when `candidates` are given), whatever the number of customers.
    Consent is the caller's business: the campaign asks only customers who agreed.
    """
    at = at or clock_now()
    if candidates is None:
        candidates = upcoming_candidates(at=at)
    if not candidates or not customer_ids:
        return {}
    counts = genre_watch_counts(customer_ids=customer_ids, at=at)
    excluded = excluded_movies(customer_ids=[c for c in customer_ids if c in counts])
    found: dict[int, list[int]] = {}
    for customer_id in customer_ids:
        picked = pick_movies(
            genre_counts=counts.get(customer_id, {}),
            excluded=excluded.get(customer_id, set()),
            candidates=candidates,
            limit=limit,
        )
        if picked:
            found[customer_id] = picked
    return found


def recommendations_for(*, customer_id: int, limit: int = 3, at: dt.datetime | None = None) -> list[Movie]:
    """The movies one customer would be recommended now, best first (for a preview)."""
    ids = recommendations_for_customers(customer_ids=[customer_id], limit=limit, at=at).get(customer_id, [])
    movies = Movie.objects.in_bulk(ids)
    return [movies[i] for i in ids if i in movies]


def recommendable_count(*, at: dt.datetime | None = None, top_genres: int = TOP_GENRES) -> int:
    """How many consenting customers would be recommended at least one movie now. One query.

    The rule of `pick_movies`, counted in the database: a customer's genre is a favourite
    when fewer than `top_genres` of their genres were watched more often (SQL's RANK, which
    keeps ties as `pick_movies` does); the customer counts when some upcoming listed movie
    of a favourite genre is neither paid for by them nor recommended to them before. How
    many movies an email holds does not matter here: one is enough.
    """
    from marquee.marketing.models import Recommendation  # reports reads marketing's record

    at = at or clock_now()
    upcoming = Movie.objects.filter(
        is_listed=True, showtimes__status=ShowtimeStatus.SCHEDULED, showtimes__starts_at__gt=at
    ).values("pk")
    paid_for = Booking.objects.filter(
        customer_id=OuterRef(OuterRef("customer_id")),
        status=BookingStatus.PAID,
        showtime__movie_id=OuterRef("movie_id"),
    )
    recommended = Recommendation.objects.filter(
        customer_id=OuterRef(OuterRef("customer_id")), movie_id=OuterRef("movie_id")
    )
    # An upcoming movie of the genre still to offer the customer. The upcoming movies are
    # a subquery of their own, which the database reads once rather than once per row.
    open_movie = Movie.genres.through.objects.filter(
        ~Exists(paid_for), ~Exists(recommended), genre_id=OuterRef("genre_id"), movie_id__in=upcoming
    )
    # One row per (customer, genre) watched. The ranking must see every genre of the
    # customer, so whether a genre has a movie to offer is a column (`open`), computed per
    # row, never a filter: filtering would drop genres before they are ranked.
    genres = (
        Booking.objects.filter(
            status=BookingStatus.PAID,
            showtime__starts_at__lte=at,
            customer__marketing_consent=True,
            customer__erased_at__isnull=True,
            showtime__movie__genres__isnull=False,
        )
        .order_by()
        .values("customer_id", genre_id=F("showtime__movie__genres"))
        .annotate(n=Count("showtime", distinct=True))
        .annotate(
            rank=Window(Rank(), partition_by=F("customer_id"), order_by=F("n").desc()),
            open=Exists(open_movie),
        )
        .filter(rank__lte=top_genres)
    )
    found = genres.aggregate(customers=Count("customer_id", distinct=True, filter=Q(open=True)))
    return int(found["customers"] or 0)
