"""The seat map as the API answers it, kept for SEAT_MAP_CACHE_SECONDS (default 1 s).

On a premiere night every customer re-reads the same map after each conflict, and
drawing it (every seat read, priced and serialised) costs some twenty times what serving
stored bytes does. The map is advisory: the hold decides, under row locks and the unique
constraint, so a map a moment old can make a hold fail but never sell a seat twice.

Every change to a showtime's seats (booking's holds, sales and cancellations; a format's
surcharge) gives its map a new version once the transaction commits, so the next reader in
the process that made the change (and, with CACHE_URL naming Redis, in every process) draws
it afresh. Only one reader per cache draws it at a time: the others answer with the
previous map until the new one is stored, for the few milliseconds that takes, instead of
all drawing the same map at once right after every hold. Processes with their own
local-memory cache see other processes' changes, lapsed holds and staff edits (tariffs,
layouts) within SEAT_MAP_CACHE_SECONDS.

A map is drawn in two parts: its layout (seats, prices, the showtime's names; kept
PUBLIC_CACHE_SECONDS whatever the seats do, forgotten when the showtime itself changes (its
hall, start, format or language; a format's surcharge; the showtime deleted:
`seat_layouts_changed`) and the seats' states, read afresh at each drawing. On a premiere
night every hold gives the map a new version: redrawing a 500-seat map's states took 3.2 ms
of web CPU and one query, drawing it whole 10.6 ms and five (bench/request_cpu.py).

It knows showtime ids and bytes, nothing of bookings: it lives with showtimes, so that
scheduling (a format's new surcharge) and booking (its seats) both tell it of changes.
"""

import secrets
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

# How long a stale map may still be answered while (or if) its redrawing is under way,
# and how long one reader may take to redraw before another one tries.
STALE_SECONDS = 5
DRAWING_SECONDS = 2
WAIT_STEP_SECONDS = 0.005  # how often a reader waiting for another's first drawing looks again
VERSION_SECONDS = 24 * 60 * 60


def _keys(showtime_id: int, part: str = "seat-map") -> tuple[str, str, str]:
    prefix = f"marquee:{part}:{showtime_id}"
    return prefix, f"{prefix}:version", f"{prefix}:drawing"


def seat_map_body(showtime_id: int, draw: Callable[[], bytes], *, variant: str = "") -> bytes:
    """The map's bytes from the cache while they are fresh, else drawn by `draw()` and stored.

    `draw` may raise (no such showtime, say): nothing is stored then. `variant` keeps maps
    that differ by more than the seats apart (the client's language names the showtime's
    language version); one version serves them all.
    """
    return _kept(_keys(showtime_id), draw, variant)


def seat_map_layout[T](showtime_id: int, draw: Callable[[], T], *, variant: str = "") -> T:
    """The map's layout (whatever `draw()` makes of it, as long as it pickles), under a version
    of its own that only a change of the showtime renews (seat_layouts_changed). Staff's edits
    elsewhere (a tariff, a hall's seats, a ticket type, a name) reach it within
    PUBLIC_CACHE_SECONDS, as they reach the listing and the schedule: the hold prices and
    checks each seat itself, so the map only advises."""
    seconds = max(settings.SEAT_MAP_CACHE_SECONDS, settings.PUBLIC_CACHE_SECONDS)
    return _kept(_keys(showtime_id, "seat-layout"), draw, variant, seconds=seconds)


def _kept[T](keys: tuple[str, str, str], draw: Callable[[], T], variant: str, *, seconds: int = 0) -> T:
    if settings.SEAT_MAP_CACHE_SECONDS <= 0:
        return draw()
    seconds = seconds or settings.SEAT_MAP_CACHE_SECONDS
    entry_key, version_key, drawing_key = keys
    if variant:  # one reader draws at a time, whatever the variant
        entry_key = f"{entry_key}:{variant}"
    found = cache.get_many([entry_key, version_key])
    version = found.get(version_key)
    entry = found.get(entry_key)  # (version it was drawn at, fresh until, bytes)
    if entry is not None and entry[0] == version and time.time() < entry[1]:
        return entry[2]
    if not cache.add(drawing_key, 1, timeout=DRAWING_SECONDS):
        if entry is not None:
            return entry[2]  # another reader is drawing it: the previous map, for a moment more
        drawn = _drawn_by_another(entry_key, drawing_key)
        if drawn is not None:
            return drawn[2]
    try:
        body = draw()
        cache.set(entry_key, (version, time.time() + seconds, body), timeout=seconds + STALE_SECONDS)
    finally:
        cache.delete(drawing_key)
    return body


def _drawn_by_another(entry_key: str, drawing_key: str) -> tuple | None:
    """The entry another reader is drawing, once stored; None if it stopped drawing without
    storing one (the showtime does not exist, say) or took longer than DRAWING_SECONDS.

    When a sale opens, every customer asks for a map no one has drawn yet: they wait a few
    milliseconds for the first drawing instead of all drawing it at once (the premiere's
    first 64 maps took up to 1.7 s when each was drawn)."""
    deadline = time.monotonic() + DRAWING_SECONDS
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP_SECONDS)
        found = cache.get_many([entry_key, drawing_key])
        if entry_key in found:
            entry: tuple = found[entry_key]
            return entry
        if drawing_key not in found:
            return None
    return None


def seat_maps_changed(showtime_ids: Iterable[int]) -> None:
    """Give these showtimes' maps a new version when the current transaction commits.

    After the commit, not before: a map drawn between the change and the commit would be
    stored under the new version with the old seats.
    """
    ids = sorted(set(showtime_ids))
    if ids and settings.SEAT_MAP_CACHE_SECONDS > 0:
        transaction.on_commit(lambda: _new_versions(ids))


def seat_layouts_changed(showtime_ids: Iterable[int]) -> None:
    """Like seat_maps_changed, for a change of the layout itself (the showtime's hall, start
    and so its tariff, format and its surcharge, language version; the showtime deleted): the
    layouts are drawn again too."""
    ids = sorted(set(showtime_ids))
    if ids and settings.SEAT_MAP_CACHE_SECONDS > 0:
        transaction.on_commit(lambda: _new_versions(ids, parts=("seat-map", "seat-layout")))


def _new_versions(showtime_ids: list[int], parts: Iterable[str] = ("seat-map",)) -> None:
    # A random version, not a counter: no read-modify-write to race, and a version that
    # was evicted (None) never equals a new one.
    versions = {_keys(i, part)[1]: secrets.token_hex(8) for i in showtime_ids for part in parts}
    cache.set_many(versions, timeout=VERSION_SECONDS)
