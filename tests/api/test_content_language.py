"""The public API answers titles, descriptions and names in the visitor's language:
`?lang=` first, then Accept-Language, then the default; a blank one falls back to the other."""

import json

import pytest
from django.core.cache import cache

from marquee.catalog.services import movie_update
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def bilingual(show):
    drama = f.genre("Drama", name_uk="Драма")
    movie_update(
        movie_id=show.movie_id,
        title_en="The Last Tram to Podil",
        title_uk="Останній трамвай на Поділ",
        description_en="Two strangers walk the city.",
        description_uk="Двоє незнайомців гуляють містом.",
        genre_ids=[drama.pk],
    )
    return show


def titles(response) -> list[str]:
    assert response.status_code == 200
    return [m["title"] for m in response.json()]


@pytest.fixture
def cached(settings):
    """The movie listing kept for a minute (per language); forgotten after the test."""
    settings.PUBLIC_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def test_accept_language_chooses_and_lang_wins(api, bilingual, cached):
    assert titles(api.get("/movies")) == ["The Last Tram to Podil"]
    uk = api.client.get("/api/v1/movies", headers={"Accept-Language": "uk,en;q=0.5"})
    assert titles(uk) == ["Останній трамвай на Поділ"]
    assert uk["Content-Language"] == "uk"
    assert "Accept-Language" in uk["Vary"]
    assert titles(api.client.get("/api/v1/movies", {"lang": "en"}, headers={"Accept-Language": "uk"})) == [
        "The Last Tram to Podil"
    ]
    assert titles(api.get("/movies", lang="uk")) == ["Останній трамвай на Поділ"]
    # A language we do not speak, as a header or ?lang: the default.
    assert titles(api.client.get("/api/v1/movies", {"lang": "fr"}, headers={"Accept-Language": "de"})) == [
        "The Last Tram to Podil"
    ]


def test_every_public_read_speaks_the_chosen_language(api, bilingual, evening):
    movie_id = bilingual.movie_id
    evening_uk = {"name_uk": "Вечірній"}
    from marquee.pricing.services import tariff_update

    tariff_update(tariff_id=evening.pk, **evening_uk)
    detail = api.get(f"/movies/{movie_id}", lang="uk").json()
    assert (detail["title"], detail["description"]) == ("Останній трамвай на Поділ", "Двоє незнайомців гуляють містом.")
    assert detail["genres"] == [{"id": detail["genres"][0]["id"], "name": "Драма"}]
    assert "Драма" in [g["name"] for g in api.get("/genres", lang="uk").json()]
    assert [s["movie"]["title"] for s in api.get("/showtimes", lang="uk").json()] == ["Останній трамвай на Поділ"]
    one = api.get(f"/showtimes/{bilingual.pk}", lang="uk").json()
    assert (one["movie"]["title"], one["tariff"]["name"]) == ("Останній трамвай на Поділ", "Вечірній")
    assert api.get(f"/showtimes/{bilingual.pk}", lang="en").json()["tariff"]["name"] == "Evening"


def test_a_blank_language_falls_back_to_the_other(api, show):
    only_uk = f.movie(title="", title_uk="Тіні забутих предків", description_uk="Гуцульська легенда.")
    f.showtime(movie_obj=only_uk, hall_obj=show.hall, starts_at=show.starts_at.replace(hour=12))
    english = api.get(f"/movies/{only_uk.pk}", lang="en").json()
    assert (english["title"], english["description"]) == ("Тіні забутих предків", "Гуцульська легенда.")
    # And the other way: an English-only movie on the Ukrainian API.
    assert api.get(f"/movies/{show.movie_id}", lang="uk").json()["title"] == show.movie.title_en


def test_the_api_booking_follows_lang_for_its_emails(api, show, seat_ids):
    response = api.client.post(
        "/api/v1/bookings?lang=uk",
        data=json.dumps(
            {
                "showtime_id": show.pk,
                "seat_ids": [seat_ids[0]],
                "customer": {"first_name": "Olena", "last_name": "Koval", "email": "olena@example.com"},
            }
        ),
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 201, response.content
    from marquee.booking.models import Booking

    assert Booking.objects.get(reference=response.json()["reference"]).language == "uk"
