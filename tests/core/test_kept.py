"""marquee.core.kept: a value shared by every visitor is kept for its seconds, and once it lapses
one reader draws it again while the others answer the previous one; `{% kept %}` does the same
for a template fragment."""

import threading
import time

import pytest
from django.core.cache import cache
from django.template import Context, Template

from marquee.core.kept import STALE_SECONDS, kept


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


class Drawer:
    def __init__(self, value: object = "new", pause: float = 0.0) -> None:
        self.value, self.pause, self.calls = value, pause, 0
        self.lock = threading.Lock()

    def __call__(self) -> object:
        with self.lock:
            self.calls += 1
        time.sleep(self.pause)
        return self.value


def test_a_fresh_value_is_answered_without_drawing():
    draw = Drawer()
    assert kept("k", 30, draw) == "new"
    assert kept("k", 30, draw) == "new"
    assert draw.calls == 1


def test_a_lapsed_value_is_drawn_again_and_kept():
    cache.set("k", (time.time() - 1, "old"), 60)
    draw = Drawer()
    assert kept("k", 30, draw) == "new"
    assert kept("k", 30, draw) == "new"
    assert draw.calls == 1
    assert cache.get("k:drawing") is None  # the drawer's lock is given back


def test_while_another_reader_draws_the_previous_value_is_answered():
    cache.set("k", (time.time() - 1, "old"), 60)
    cache.add("k:drawing", 1, 60)  # another reader is drawing it
    draw = Drawer()
    assert kept("k", 30, draw) == "old"
    assert draw.calls == 0


def test_many_readers_of_a_lapsed_value_draw_it_once():
    cache.set("k", (time.time() - 1, "old"), 60)
    draw = Drawer(pause=0.5)
    answers: list[object] = []
    together = threading.Barrier(8)

    def read() -> None:
        together.wait()
        answers.append(kept("k", 30, draw))

    readers = [threading.Thread(target=read) for _ in range(8)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert draw.calls == 1
    assert len(answers) == 8 and set(answers) <= {"old", "new"} and "new" in answers


def test_a_drawing_that_fails_lets_the_next_reader_draw():
    cache.set("k", (time.time() - 1, "old"), 60)

    def broken() -> str:
        raise RuntimeError("the database is away")

    with pytest.raises(RuntimeError):
        kept("k", 30, broken)
    assert kept("k", 30, Drawer()) == "new"


def test_a_value_keep_refuses_is_answered_not_kept_and_zero_seconds_keeps_nothing():
    draw = Drawer(value=[])
    assert kept("empty", 30, draw) == [] and kept("empty", 30, draw) == []
    assert draw.calls == 2
    always = Drawer()
    assert kept("off", 0, always) == "new" and kept("off", 0, always) == "new"
    assert always.calls == 2 and cache.get("off") is None


def test_an_entry_outlives_its_freshness_only_by_the_stale_seconds():
    kept("k", 30, Drawer())
    assert cache.get("k")[0] == pytest.approx(time.time() + 30, abs=2)
    # locmem keeps its expiry per key: the entry lasts 30 + STALE_SECONDS.
    assert cache._expire_info[cache.make_and_validate_key("k")] == pytest.approx(
        time.time() + 30 + STALE_SECONDS, abs=2
    )


def test_the_template_tag_keeps_a_fragment_per_vary_on_value():
    template = Template('{% load kept %}{% kept seconds "greeting" lang %}{{ draw }}{% endkept %}')
    english = Drawer("hello")
    assert template.render(Context({"seconds": 30, "lang": "en", "draw": english})) == "hello"
    assert template.render(Context({"seconds": 30, "lang": "en", "draw": english})) == "hello"
    assert english.calls == 1
    ukrainian = Drawer("привіт")
    assert template.render(Context({"seconds": 30, "lang": "uk", "draw": ukrainian})) == "привіт"
    off = Drawer("fresh")
    assert template.render(Context({"seconds": 0, "lang": "en", "draw": off})) == "fresh"


def test_a_value_of_another_shape_under_the_key_is_drawn_over():
    # What the code before kept stored under the same keys in a shared cache: bare bytes, a tuple.
    for foreign in (b'[{"id": 1}]', ([1], [2]), (1, "x")):
        cache.set("k", foreign, 60)
        assert kept("k", 30, Drawer()) == "new"
        assert cache.get("k")[1] == "new"
