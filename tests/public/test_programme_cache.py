"""The listing and schedule reuse their drawn programme for PUBLIC_CACHE_SECONDS."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marquee.core.clock import local_today


@pytest.fixture
def cached(settings):
    settings.PUBLIC_CACHE_SECONDS = 30
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("url", ["/", f"/schedule/?date={local_today():%Y-%m-%d}"])
def test_a_cached_programme_runs_fewer_queries_and_reads_the_same(client, cinema, cached, url):
    with CaptureQueriesContext(connection) as first:
        one = client.get(url)
    with CaptureQueriesContext(connection) as second:
        two = client.get(url)
    assert one.status_code == two.status_code == 200
    assert len(second) < len(first)
    assert without_csrf(one.content) == without_csrf(two.content)


def without_csrf(html: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"', b"", html)  # both differ per response


def test_languages_do_not_share_a_cached_programme(client, cinema, cached):
    english = client.get("/").content.decode()
    ukrainian = client.get("/", headers={"accept-language": "uk"}).content.decode()
    assert "Now showing" in english
    assert "Now showing" not in ukrainian


@pytest.mark.parametrize("url", ["/", f"/schedule/?date={local_today():%Y-%m-%d}", "/schedule/"])
def test_a_warm_programme_page_runs_no_query(client, cinema, cached, url):
    # The programme and what it is filtered by (genres, formats, languages) both come from the cache.
    first = client.get(url)
    with CaptureQueriesContext(connection) as warm:
        again = client.get(url)
    assert first.status_code == again.status_code == 200
    assert [q["sql"] for q in warm.captured_queries] == []
    assert without_csrf(first.content) == without_csrf(again.content)
