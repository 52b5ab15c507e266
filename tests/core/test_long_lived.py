"""marquee.core.long_lived: a web worker sets what lives as long as it does aside from the
collector's full passes, at start and again after its first requests."""

import gc

import pytest

from marquee.core.long_lived import freezing_after_warm_up


@pytest.fixture(autouse=True)
def thawed():
    gc.unfreeze()
    yield
    gc.unfreeze()


def hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


def call(app) -> bytes:
    return b"".join(app({"REQUEST_METHOD": "GET", "PATH_INFO": "/"}, lambda status, headers: None))


def test_it_freezes_at_start_and_after_the_warm_up_requests_only():
    app = freezing_after_warm_up(hello, after=(3, 5))
    at_start = gc.get_freeze_count()
    assert at_start > 0
    long_lived = []  # what a first request leaves behind for good (a compiled template, say)
    for served in range(1, 8):
        long_lived.append([[served]])  # containers of containers: tracked by the collector
        before = gc.get_freeze_count()
        assert call(app) == b"hello"
        grew = gc.get_freeze_count() > before
        assert grew == (served in (3, 5)), served
    # The objects of the first requests are among the frozen ones: no full pass walks them.
    assert gc.get_freeze_count() >= at_start + 3


def test_the_wsgi_entry_point_is_wrapped():
    from marquee import wsgi

    assert wsgi.application.__qualname__.startswith("freezing_after_warm_up")
