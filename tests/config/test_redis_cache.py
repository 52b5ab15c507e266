"""The Redis cache (CACHE_URL=redis://…) against the real Redis on 127.0.0.1:6379: what
Django's backend does, with one client kept per pool and shared by threads."""

import socket
import threading

import pytest
from django.core.cache import caches
from django.test import override_settings

from marquee.env import cache_config

URL = "redis://127.0.0.1:6379/13"


def _redis_runs() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(not _redis_runs(), reason="no Redis at 127.0.0.1:6379")


@pytest.fixture
def redis_cache():
    with override_settings(CACHES={"default": cache_config(URL)}):
        cache = caches["default"]
        cache.clear()
        yield cache
        cache.clear()
        cache.close()


def test_it_is_a_cache(redis_cache):
    redis_cache.set("seat-map", {"free": [1, 2, 3]}, 30)
    assert redis_cache.get("seat-map") == {"free": [1, 2, 3]}
    assert redis_cache.add("seat-map", "other") is False
    redis_cache.set_many({"a": 1, "b": 2})
    assert redis_cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    assert redis_cache.incr("a", 5) == 6
    redis_cache.delete_many(["a", "b"])
    assert redis_cache.get("a") is None
    redis_cache.set("gone", 1, 0)  # a timeout of 0 expires at once, as Django's does
    assert redis_cache.get("gone") is None


def test_one_client_per_pool_shared_by_threads(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client  # one server: one pool, one client
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(200):
                redis_cache.set(f"t{n}:{i}", i)
                assert redis_cache.get(f"t{n}:{i}") == i
        except BaseException as error:  # reported to the test's thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert redis_cache._cache.get_client() is client


def test_a_counter_counts_up_in_one_round_trip_and_expires(redis_cache):
    assert [redis_cache.count_up("rate", 120) for _ in range(3)] == [1, 2, 3]
    assert redis_cache.get("rate") == 3  # Django reads the counter as the int it is
    name = redis_cache.make_and_validate_key("rate")
    client = redis_cache._cache.get_client(name)
    assert 110 < client.ttl(name) <= 120
    sent: list[object] = []
    pipeline = type(client.pipeline())
    execute = pipeline.execute

    def counted(self, *args, **kwargs):  # every round trip a pipeline makes goes through here
        sent.append(len(self.command_stack))
        return execute(self, *args, **kwargs)

    pipeline.execute = counted
    try:
        assert redis_cache.count_up("rate", 120) == 4
    finally:
        pipeline.execute = execute
    assert sent == [2]  # INCR and EXPIRE, sent together


def test_the_hold_rate_counts_in_redis(redis_cache, settings):
    from django.test import RequestFactory

    from marquee.api.throttles import HOLD_RATE

    settings.API_HOLD_RATE_PER_MINUTE = 2
    ask = RequestFactory().post("/api/v1/bookings", REMOTE_ADDR="203.0.113.9")
    assert [HOLD_RATE.allow_request(ask) for _ in range(3)] == [True, True, False]
