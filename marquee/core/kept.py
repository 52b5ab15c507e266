"""What every visitor is shown alike (the listing, the schedule, the filters), kept in the
cache for a while and redrawn by one reader at a time.

A plain `cache.get`, else draw and `cache.set` lets every reader that arrives while the entry
is missing draw it: when the home page's listing lapsed (every PUBLIC_CACHE_SECONDS), all 32
clients of bench/reads.py drew it at once, and its p99 was 431 ms where its p50 was 34. Here
an entry stays readable STALE_SECONDS past its freshness: the first reader past it takes a
short lock (`cache.add`) and draws it again, and the others answer the previous one for the
milliseconds that takes. So what is shown is at most `seconds` old, plus one drawing. An entry
nobody has drawn yet (or one that lapsed past STALE_SECONDS unread) is drawn by each reader
that finds it missing, as before.
"""

import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

# How long past its freshness an entry may still be answered while it is being redrawn, and
# how long one reader may take to redraw before another one tries.
STALE_SECONDS = 5
DRAWING_SECONDS = 2


def kept[T](key: str, seconds: int, draw: Callable[[], T], *, keep: Callable[[T], bool] = bool) -> T:
    """The value under `key` while it is fresh (`seconds`), else `draw()`n and kept. A value
    `keep` refuses (by default, an empty one) is answered but not kept. `seconds` ≤ 0 keeps
    nothing."""
    if seconds <= 0:
        return draw()
    entry = _entry(cache.get(key))
    now = time.time()
    if entry is not None and now < entry[0]:
        value: T = entry[1]
        return value
    drawing_key = f"{key}:drawing"
    if entry is not None and not cache.add(drawing_key, 1, timeout=DRAWING_SECONDS):
        stale: T = entry[1]  # another reader is drawing it: the previous one, a moment more
        return stale
    try:
        value = draw()
        if keep(value):
            cache.set(key, (time.time() + seconds, value), timeout=seconds + STALE_SECONDS)
    finally:
        if entry is not None:
            cache.delete(drawing_key)
    return value


def _entry(found: object) -> tuple[float, Any] | None:
    """(fresh until, value), or None for nothing or for a value of another shape: a bare value
    the code before `kept` left under the same key (the listing's bytes, the filters' lists)
    in a cache shared across a deploy."""
    if isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], float):
        return found
    return None
