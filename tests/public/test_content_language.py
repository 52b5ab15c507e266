"""The Ukrainian site shows movies, genres and tariffs in Ukrainian (the English where a
Ukrainian one is blank), and the English site in English; the cached listing keeps them apart."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from marquee.catalog.services import genre_update, movie_update
from marquee.core.clock import local
from marquee.pricing.services import tariff_update
from tests import factories

pytestmark = pytest.mark.django_db

UK = {"accept-language": "uk"}


@pytest.fixture
def cached(settings):
    """The listing and the schedule kept for a minute (per language); forgotten after the test."""
    settings.PUBLIC_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def bilingual(cinema):
    movie_update(
        movie_id=cinema["film"].pk,
        title_uk="Довга ніч",
        description_en="A lighthouse keeper's longest night.",
        description_uk="Найдовша ніч доглядача маяка.",
    )
    genre_update(genre_id=cinema["drama"].pk, name_uk="Драма")
    return cinema


def page(client, name, *args, headers=None, **params) -> str:
    response = client.get(reverse(name, args=args), params, headers=headers or {})
    assert response.status_code == 200
    return response.content.decode()


def test_the_listing_movie_page_and_schedule_in_ukrainian(client, bilingual, cached):
    film = bilingual["film"]
    tomorrow = local(bilingual["shows"][0].starts_at).date().isoformat()
    for name, args in (("public:home", ()), ("public:movie", (film.pk,)), ("public:schedule", ())):
        params = {"date": tomorrow} if name == "public:schedule" else {}
        english = page(client, name, *args, **params)
        ukrainian = page(client, name, *args, headers=UK, **params)
        assert "The Long Night" in english and "Довга ніч" not in english
        assert "Довга ніч" in ukrainian and "The Long Night" not in ukrainian
        # No Ukrainian title yet: the English one, rather than nothing.
        assert "Laughing Matters" in ukrainian or name == "public:movie"
    movie_page = page(client, "public:movie", film.pk, headers=UK)
    assert "Найдовша ніч доглядача маяка." in movie_page and "Драма" in movie_page
    assert "Drama" not in movie_page


def test_the_showtime_and_booking_pages_in_ukrainian(client, bilingual):
    show = bilingual["shows"][0]
    assert "Довга ніч" in page(client, "public:showtime", show.pk, headers=UK)
    evening = factories.tariff(name="Evening", start=dt.time(0), end=dt.time(23, 59))
    tariff_update(tariff_id=evening.pk, name_uk="Вечірній")
    client.post(reverse("set_language"), {"language": "uk", "next": "/"})
    later = factories.showtime(
        movie_obj=bilingual["film"], hall_obj=bilingual["small"], starts_at=show.starts_at + dt.timedelta(days=2)
    )
    seat = later.hall.seats.order_by("pk").first()
    response = client.post(
        reverse("public:checkout", args=[later.pk]),
        {"seat": [seat.pk], "first_name": "Olena", "last_name": "Koval", "email": "olena@example.com"},
    )
    assert response.status_code == 302, response.content.decode()[:300]
    booking_page = client.get(response["Location"]).content.decode()
    assert "Довга ніч" in booking_page and "Вечірній" in booking_page
    assert "Evening" not in booking_page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(response["Location"]).content.decode()
    assert "The Long Night" in english and "Evening" in english
    assert local(later.starts_at).date() > local(show.starts_at).date()


def test_the_generated_poster_is_in_the_visitor_s_language(client, bilingual):
    film = bilingual["film"]
    assert "Довга ніч" in client.get(reverse("public:poster", args=[film.pk]), headers=UK).content.decode()
    assert "Long Night" in client.get(reverse("public:poster", args=[film.pk])).content.decode()
