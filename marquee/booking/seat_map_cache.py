"""The seat map as the API answers it, kept for SEAT_MAP_CACHE_SECONDS (default 1 s).

On a premiere night every customer re-reads the same map after each conflict, and
building it (500 seats read, priced and serialised) costs some twenty times what serving
stored bytes does. The map is advisory: the hold decides, under row locks and the unique
constraint, so a map a moment old can make a hold fail but never sell a seat twice.

Every change the booking services make to a showtime's seats forgets its map once the
transaction commits, so the process that made the change (and, with CACHE_URL naming
Redis, every process) draws the next map afresh. Processes with their own local-memory
cache see other processes' changes, lapsed holds and staff edits (tariffs, layouts)
within SEAT_MAP_CACHE_SECONDS.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction


def _key(showtime_id: int) -> str:
    return f"marquee:seat-map:{showtime_id}"


def seat_map_cached(showtime_id: int) -> bytes | None:
    if settings.SEAT_MAP_CACHE_SECONDS <= 0:
        return None
    body = cache.get(_key(showtime_id))
    return body if isinstance(body, bytes) else None


def seat_map_store(showtime_id: int, body: bytes) -> None:
    if settings.SEAT_MAP_CACHE_SECONDS > 0:
        cache.set(_key(showtime_id), body, timeout=settings.SEAT_MAP_CACHE_SECONDS)


def seat_maps_changed(showtime_ids: Iterable[int]) -> None:
    """Forget these showtimes' maps when the current transaction commits (at once outside one).

    After the commit, not before: a map drawn between a delete and the commit would store
    the old seats again.
    """
    keys = sorted({_key(showtime_id) for showtime_id in showtime_ids})
    if keys and settings.SEAT_MAP_CACHE_SECONDS > 0:
        transaction.on_commit(lambda: cache.delete_many(keys))
