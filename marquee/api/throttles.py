"""The API's request rates: how many requests of a kind a client address may make a minute.

One fixed-window counter in the cache, shared by every process that shares the cache (per
process with the default local-memory cache): the first request of a minute starts the
count, the limit's next request in that minute answers 429 `rate_limited` (marquee.api.errors).
"""

import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from marquee.core.client import client_address
from marquee.core.redis_cache import SharedClientRedisCache

WINDOW_SECONDS = 60


def _count_up(key: str) -> int:
    """The window's count with this request. The counter outlives its minute, so that a request
    at the minute's end still finds it. Redis counts in one round trip (core/redis_cache.py)."""
    backend = caches["default"]
    if isinstance(backend, SharedClientRedisCache):
        return backend.count_up(key, 2 * WINDOW_SECONDS)
    backend.add(key, 0, timeout=2 * WINDOW_SECONDS)
    try:
        return backend.incr(key)
    except ValueError:  # evicted between add and incr: let it through
        return 0


class PerMinuteRate(BaseThrottle):
    """At most `setting` (a number of requests per client address and minute; 0 turns the
    limit off) requests a minute; `default` when the setting is not there. Counted under
    `marquee:<name>:<client address>:<minute>`."""

    def __init__(self, *, name: str, setting: str, default: int) -> None:
        self.name = name
        self.setting = setting
        self.default = default

    def get_ident(self, request: HttpRequest) -> str:
        # Not ninja's own: it believes any X-Forwarded-For. Ours believes TRUSTED_PROXIES only.
        return client_address(request)

    def allow_request(self, request: HttpRequest) -> bool:
        limit = int(getattr(settings, self.setting, self.default))
        if limit <= 0:
            return True
        key = f"marquee:{self.name}:{self.get_ident(request)}:{int(time.time() // WINDOW_SECONDS)}"
        return _count_up(key) <= limit

    def wait(self) -> float:
        return WINDOW_SECONDS - time.time() % WINDOW_SECONDS


# Seat holds (POST /bookings): API_HOLD_RATE_PER_MINUTE.
HOLD_RATE = PerMinuteRate(name="hold-rate", setting="API_HOLD_RATE_PER_MINUTE", default=60)
# Voucher balance look-ups: API_VOUCHER_LOOKUP_RATE_PER_MINUTE. A code has 99 random bits,
# but nothing is given away for free: a guesser gets a handful of tries a minute, found or not.
VOUCHER_LOOKUP_RATE = PerMinuteRate(name="voucher-lookup", setting="API_VOUCHER_LOOKUP_RATE_PER_MINUTE", default=5)
