"""The public listing kept in the cache (marquee.api.caches); the seat map's keeping is in
test_read_caches.py."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import translation

from marquee.api.caches import listing_key, movie_listing

pytestmark = pytest.mark.django_db

MOVIE = {
    "id": 1,
    "title": "Dune",
    "description": "",
    "duration_min": 155,
    "age_rating": 12,
    "release_year": 2021,
    "genres": [],
    "poster_url": "/posters/1.svg",
}


def counted(listing: list[dict]):
    calls: list[int] = []

    def draw() -> list[dict]:
        calls.append(1)
        return listing

    return draw, calls


def test_the_key_is_the_language_and_the_filters():
    with translation.override("uk"):
        assert listing_key((None, 7, "3d", None)) == "marquee:api-movies:uk:None:7:3d:None"


def test_a_listing_is_drawn_once_while_public_cache_seconds_last(settings):
    settings.PUBLIC_CACHE_SECONDS = 30
    draw, calls = counted([MOVIE])
    first = movie_listing(RequestFactory().get("/"), (None,), draw)
    again = movie_listing(RequestFactory().get("/"), (None,), draw)
    assert first.content == again.content and len(calls) == 1
    assert first["Content-Type"] == "application/json; charset=utf-8"


def test_an_empty_listing_is_not_kept(settings):
    settings.PUBLIC_CACHE_SECONDS = 30
    draw, calls = counted([])
    movie_listing(RequestFactory().get("/"), ("far",), draw)
    movie_listing(RequestFactory().get("/"), ("far",), draw)
    assert len(calls) == 2 and cache.get(listing_key(("far",))) is None


def test_nothing_is_kept_or_read_with_public_cache_seconds_0(settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    cache.set(listing_key((None,)), b"[]")
    draw, calls = counted([MOVIE])
    answer = movie_listing(RequestFactory().get("/"), (None,), draw)
    assert len(calls) == 1 and answer.content != b"[]"


def test_an_answer_that_breaks_the_schema_is_refused_not_kept(settings):
    settings.PUBLIC_CACHE_SECONDS = 30
    draw, _calls = counted([{"id": 1}])
    with pytest.raises(ValueError):
        movie_listing(RequestFactory().get("/"), ("broken",), draw)
    assert cache.get(listing_key(("broken",))) is None
