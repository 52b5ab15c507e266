"""The waiting room's reads, made cheap for thousands of polling browsers.

Two things every gated request and every poll needs are kept in the cache (shared by every
process with CACHE_URL, per process without): which showtimes are behind a queue (`gates`, read
again when a queued sale is set up, re-rated or ended, and every GATES_SECONDS: every showtime
page, seat map and hold asks, so it costs a query only that often) and each sale's status
(`sale_status`): its rate, whether its places are drawn, whether it has ended and whether any
seat is left. So a waiting browser's poll costs no query, and a sale that sells out is shown
"sold out" within about a second (STATUS_SECONDS) to everyone still waiting.

A status older than STATUS_SECONDS is read again by one request only (the one that takes the
short refresh lock); the others answer from the status they have meanwhile, so a crowd polling
at the moment it goes stale does not all query at once. A change (the draw, a new rate, the
end) reads the status again at once. A gate whose sale has ended lets everyone through (the
gate asks the sale's status), so a process whose cache did not hear of the end (several
processes without CACHE_URL) opens within a second or two too.
"""

import datetime as dt
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum

from marquee.booking.selectors import seats_free, with_seats_taken
from marquee.catalog.models import Movie
from marquee.core.clock import now as clock_now
from marquee.scheduling.models import Showtime, ShowtimeStatus
from marquee.waiting_room import admission
from marquee.waiting_room.models import Arrival, QueuedSale

GATES_KEY = "waiting_room:gates"
# Read again this often even when no sale changed: a showtime scheduled later for a movie on a
# movie-wide sale is gated within it, and so is every process's own cache (without CACHE_URL,
# a sale set up in one process is not heard of in another).
GATES_SECONDS = 10
STATUS_SECONDS = 1  # how old a status polls are answered from may be (then one request reads it again)
STATUS_KEPT_SECONDS = 300  # a stale status still answers the others while that one request reads


def _status_key(sale_id: int) -> str:
    return f"waiting_room:status:{sale_id}"


def _refresh_key(sale_id: int) -> str:
    return f"waiting_room:status-refresh:{sale_id}"


def forget_sale(sale_id: int) -> None:
    """After a change to the sale: its gates and status read again now, once, rather than by
    the first of the crowd's requests all at the same moment."""
    cache.delete_many([GATES_KEY, _status_key(sale_id)])
    sale_status(sale_id)
    gates()


RANK_SECONDS = 2 * 86400  # a drawn place outlives any sale's rush


def _rank_key(sale_id: int, arrival_id: int) -> str:
    return f"waiting_room:rank:{sale_id}:{arrival_id}"


def drawn_ranks_remember(sale_id: int, ranks: list[tuple[int, int]]) -> None:
    """The places the draw gave, by arrival: so the first poll after the opening of everyone
    who came before it needs no query (their place cookies were signed before the draw)."""
    cache.set_many({_rank_key(sale_id, arrival): rank for arrival, rank in ranks}, RANK_SECONDS)


def gate_for(showtime_id: int) -> int | None:
    """The live queued sale a showtime is behind, if any: no query while nothing changed."""
    sale_id = gates().get(showtime_id)
    if sale_id is None:
        return None
    status = sale_status(sale_id)
    return None if status is None or status.ended else sale_id


def gates() -> dict[int, int]:
    """Showtime id → the live queued sale it is behind (upcoming showtimes when read; a movie's
    showtimes scheduled after its sale was set up join it within GATES_SECONDS)."""
    found: dict[int, int] | None = cache.get(GATES_KEY)
    if found is not None:
        return found
    at = clock_now()
    live = QueuedSale.objects.filter(ended_at__isnull=True).filter(
        Q(showtime__isnull=True) | Q(showtime__starts_at__gt=at)
    )
    found = {}
    by_movie: dict[int, int] = {}
    for sale_id, showtime_id, movie_id in live.values_list("pk", "showtime_id", "movie_id"):
        if showtime_id is not None:
            found[showtime_id] = sale_id
        elif movie_id is not None:
            by_movie[movie_id] = sale_id
    if by_movie:
        shows = Showtime.objects.filter(movie_id__in=by_movie, starts_at__gt=at)
        for showtime_id, movie_id in shows.values_list("pk", "movie_id"):
            found.setdefault(showtime_id, by_movie[movie_id])
    cache.set(GATES_KEY, found, GATES_SECONDS)
    return found


@dataclass(frozen=True)
class SaleStatus:
    sale_id: int
    showtime_id: int | None
    movie_id: int
    opens_at: dt.datetime
    rate: int
    admitted_base: float
    rate_since: dt.datetime
    next_rank: int
    drawn: bool
    ended: bool
    seats_free: int
    read_at: float  # time.time() when read from the database

    @property
    def fresh(self) -> bool:
        return time.time() - self.read_at <= STATUS_SECONDS

    @property
    def sold_out(self) -> bool:
        return self.seats_free <= 0

    def allowance(self, at: dt.datetime) -> int:
        return admission.allowance(
            opens_at=self.opens_at,
            admitted_base=self.admitted_base,
            rate_since=self.rate_since,
            rate=self.rate,
            at=at,
        )

    def allowance_exact(self, at: dt.datetime) -> float:
        return admission.allowance_exact(
            opens_at=self.opens_at,
            admitted_base=self.admitted_base,
            rate_since=self.rate_since,
            rate=self.rate,
            at=at,
        )


def sale_showtimes(sale: QueuedSale, at: dt.datetime) -> QuerySet[Showtime]:
    """The sale's showtimes still on sale."""
    shows = Showtime.objects.filter(status=ShowtimeStatus.SCHEDULED, starts_at__gt=at)
    if sale.showtime_id is not None:
        return shows.filter(pk=sale.showtime_id)
    return shows.filter(movie_id=sale.movie_id or 0)


@dataclass(frozen=True)
class Cached:
    """What the cache holds for a sale's poll (the waiting room's quick poll): no query."""

    status: SaleStatus | None
    gates: dict[int, int] | None
    refreshing: bool  # a request is reading a stale status again: answer from this one meanwhile
    drawn_rank: int | None = None  # the place the draw gave the arrival asked about

    @property
    def usable_status(self) -> SaleStatus | None:
        """The status, if fresh or being read again; None: a request should read it (Django's)."""
        if self.status is None or not (self.status.fresh or self.refreshing):
            return None
        return self.status


def cached_for_poll(sale_id: int, arrival_id: int | None = None) -> Cached:
    """`sale_status()`, `gates()`, whether the status is being read again and (given
    `arrival_id`) the place the draw gave that arrival: in one round trip."""
    keys = [_status_key(sale_id), GATES_KEY, _refresh_key(sale_id)]
    if arrival_id is not None:
        keys.append(_rank_key(sale_id, arrival_id))
    found = cache.get_many(keys)
    rank = found.get(keys[3]) if arrival_id is not None else None
    return Cached(
        status=found.get(keys[0]),
        gates=found.get(keys[1]),
        refreshing=keys[2] in found,
        drawn_rank=rank if isinstance(rank, int) else None,
    )


def sale_status(sale_id: int) -> SaleStatus | None:
    """The sale's numbers and seats left, about STATUS_SECONDS old (two queries when read again:
    when not cached, or stale and this request takes the refresh lock; others answer stale)."""
    key = _status_key(sale_id)
    found: SaleStatus | None = cache.get(key)
    if found is not None and (found.fresh or not cache.add(_refresh_key(sale_id), 1, STATUS_SECONDS)):
        return found
    sale = QueuedSale.objects.select_related("showtime").filter(pk=sale_id).first()
    if sale is None:
        cache.delete(key)  # a sale removed (the admin): its stale status must not gate anyone
        return None
    at = clock_now()
    shows = with_seats_taken(sale_showtimes(sale, at).select_related("hall"), at)
    free = sum(seats_free(show) for show in shows)
    found = SaleStatus(
        sale_id=sale.pk,
        showtime_id=sale.showtime_id,
        movie_id=sale.movie_id or sale.showtime.movie_id,  # type: ignore[union-attr]
        opens_at=sale.opens_at,
        rate=sale.admit_per_minute,
        admitted_base=sale.admitted_base,
        rate_since=sale.rate_since,
        next_rank=sale.next_rank,
        drawn=sale.drawn_at is not None,
        ended=sale.ended_at is not None,
        seats_free=free,
        read_at=time.time(),
    )
    cache.set(key, found, STATUS_KEPT_SECONDS)
    return found


def arrival_place(arrival_id: int, sale_id: int) -> tuple[str, int | None] | None:
    """The arrival's visitor id and place, or None when it is not of this sale."""
    row = Arrival.objects.filter(pk=arrival_id, sale_id=sale_id).values_list("visitor", "rank").first()
    return (row[0], row[1]) if row else None


@dataclass(frozen=True)
class QueueNumbers:
    arrivals: int
    waiting: int
    let_through: int
    passes_used: int
    seats_held: int


def queue_numbers(status: SaleStatus, at: dt.datetime) -> QueueNumbers:
    """For staff: how many joined, wait, were let through, used their pass (one query)."""
    reached = status.allowance(at)
    rows = Arrival.objects.filter(sale_id=status.sale_id).aggregate(
        arrivals=Count("pk"),
        let_through=Count("pk", filter=Q(rank__lte=reached)),
        passes_used=Count("pk", filter=Q(holds__gt=0)),
        seats_held=Sum("seats_used", default=0),
    )
    return QueueNumbers(
        arrivals=rows["arrivals"],
        waiting=rows["arrivals"] - rows["let_through"],
        let_through=rows["let_through"],
        passes_used=rows["passes_used"],
        seats_held=rows["seats_held"],
    )


def queued_sales(*, live_only: bool = True) -> QuerySet[QueuedSale]:
    sales = QueuedSale.objects.select_related("showtime__movie", "showtime__hall", "movie").order_by("-opens_at")
    return sales.filter(ended_at__isnull=True) if live_only else sales[:50]


def queued_sale(sale_id: int) -> QueuedSale | None:
    return QueuedSale.objects.select_related("showtime__movie", "showtime__hall", "movie").filter(pk=sale_id).first()


def sale_movie(status: SaleStatus) -> Movie | None:
    return Movie.objects.filter(pk=status.movie_id).first()
