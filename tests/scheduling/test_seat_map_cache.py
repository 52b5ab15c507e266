"""The seat map cache when a sale opens: a map no one has drawn yet is drawn once, and the
readers who come while it is drawn wait for it instead of drawing it too."""

import threading
import time

import pytest
from django.core.cache import cache

from marquee.scheduling import seat_map_cache
from marquee.scheduling.seat_map_cache import _keys, seat_map_body


@pytest.fixture(autouse=True)
def cached(settings):
    settings.SEAT_MAP_CACHE_SECONDS = 60


def test_a_reader_waits_for_the_first_drawing_under_way_rather_than_draw_it_too():
    entry_key, _version_key, drawing_key = _keys(41)
    assert cache.add(drawing_key, 1)  # another reader is drawing the first map

    def store_it() -> None:
        time.sleep(0.05)
        cache.set(entry_key, (None, time.time() + 60, b"drawn by the other reader"))
        cache.delete(drawing_key)

    other = threading.Thread(target=store_it)
    other.start()
    drawn: list[int] = []
    body = seat_map_body(41, lambda: drawn.append(1) or b"drawn again")
    other.join()
    assert body == b"drawn by the other reader"
    assert drawn == []


def test_a_reader_draws_when_the_other_stops_without_a_map():
    _entry_key, _version_key, drawing_key = _keys(42)
    assert cache.add(drawing_key, 1)
    threading.Timer(0.05, cache.delete, [drawing_key]).start()  # its drawing failed (no such showtime)
    assert seat_map_body(42, lambda: b"drawn here") == b"drawn here"


def test_a_reader_does_not_wait_longer_than_a_drawing_may_take(monkeypatch):
    monkeypatch.setattr(seat_map_cache, "DRAWING_SECONDS", 0.1)
    _entry_key, _version_key, drawing_key = _keys(43)
    assert cache.add(drawing_key, 1, timeout=60)  # a drawer that hangs
    assert seat_map_body(43, lambda: b"drawn here") == b"drawn here"
