"""Genres, movies, halls and tariffs through the staff API."""

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


def error(response):
    return response.status_code, response.json()["error"]


def test_genres_crud(admin_api):
    created = admin_api.post("/genres", {"name": "Drama"})
    assert created.status_code == 201
    genre_id = created.json()["id"]
    assert admin_api.get("/genres").json() == [{"id": genre_id, "name": "Drama", "name_en": "Drama", "name_uk": ""}]
    assert admin_api.get(f"/genres/{genre_id}").json()["name"] == "Drama"
    assert admin_api.patch(f"/genres/{genre_id}", {"name": "Drama!"}).json()["name"] == "Drama!"
    assert admin_api.delete(f"/genres/{genre_id}").status_code == 204
    assert error(admin_api.get(f"/genres/{genre_id}")) == (404, "not_found")


def test_genre_errors(admin_api):
    admin_api.post("/genres", {"name": "Drama"})
    response = admin_api.post("/genres", {"name": "drama"})
    assert error(response) == (422, "validation_error")
    assert "name" in response.json()["fields"]
    assert error(admin_api.post("/genres", {"name": ""})) == (422, "validation_error")
    assert error(admin_api.post("/genres", {"name": "x" * 61})) == (422, "validation_error")
    assert error(admin_api.post("/genres", "{not json")) == (422, "validation_error")
    assert error(admin_api.patch("/genres/424242", {"name": "Other"})) == (404, "not_found")
    assert error(admin_api.delete("/genres/424242")) == (404, "not_found")
    assert error(admin_api.get("/genres/99999999999999999999999")) == (422, "validation_error")


def test_a_genre_that_is_a_movies_only_genre_cannot_go(admin_api):
    genre = f.genre("Lonely")
    f.movie(genres=[genre])
    assert error(admin_api.delete(f"/genres/{genre.pk}")) == (409, "invalid_state")


def test_movies_crud(admin_api):
    drama, comedy = f.genre("Drama"), f.genre("Comedy")
    body = {
        "title": "Dune",
        "description": "Sand.",
        "duration_min": 155,
        "age_rating": 12,
        "release_year": 2021,
        "genre_ids": [drama.pk, comedy.pk],
        "is_listed": False,
    }
    created = admin_api.post("/movies", body)
    assert created.status_code == 201
    movie = created.json()
    assert movie["genres"] == [{"id": comedy.pk, "name": "Comedy"}, {"id": drama.pk, "name": "Drama"}]
    assert movie["genre_ids"] == [comedy.pk, drama.pk]
    assert (movie["is_listed"], movie["poster_url"], movie["age_rating"]) == (False, None, 12)
    changed = admin_api.patch(f"/movies/{movie['id']}", {"is_listed": True, "genre_ids": [drama.pk]}).json()
    assert (changed["is_listed"], changed["genre_ids"], changed["title"]) == (True, [drama.pk], "Dune")
    assert [m["title"] for m in admin_api.get("/movies").json()] == ["Dune"]
    assert admin_api.get(f"/movies/{movie['id']}").json() == changed
    assert admin_api.delete(f"/movies/{movie['id']}").status_code == 204
    assert error(admin_api.get(f"/movies/{movie['id']}")) == (404, "not_found")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"genre_ids": []}, "genre_ids"),
        ({"genre_ids": [987654]}, "genre_ids"),
        ({"duration_min": 0}, "duration_min"),
        ({"duration_min": 40000}, "duration_min"),
        ({"age_rating": 7}, "age_rating"),
        ({"release_year": 1700}, "release_year"),
        ({"title": " "}, "title"),
        ({"title": None}, "title"),
    ],
)
def test_movie_validation(admin_api, change, field):
    genre = f.genre()
    body = {"title": "Dune", "duration_min": 155, "release_year": 2021, "genre_ids": [genre.pk], **change}
    response = admin_api.post("/movies", body)
    assert error(response) == (422, "validation_error")
    assert field in response.json()["fields"]


def test_a_movie_with_showtimes_is_unlisted_not_deleted(admin_api):
    show = f.showtime()
    assert error(admin_api.delete(f"/movies/{show.movie_id}")) == (409, "invalid_state")


HALL = {
    "number": 4,
    "name": "Blue",
    "rows": [
        {"row": 1, "seats": 3, "type": "standard", "base_price": "120.00"},
        {"row": 2, "seats": 2, "type": "vip", "base_price": "200.00"},
    ],
}


def test_halls_crud(admin_api):
    created = admin_api.post("/halls", HALL)
    assert created.status_code == 201
    hall = created.json()
    assert (hall["number"], hall["name"], hall["capacity"]) == (4, "Blue", 5)
    assert [(s["row"], s["number"], s["type"], s["base_price"]) for s in hall["seats"]] == [
        (1, 1, "standard", "120.00"),
        (1, 2, "standard", "120.00"),
        (1, 3, "standard", "120.00"),
        (2, 1, "vip", "200.00"),
        (2, 2, "vip", "200.00"),
    ]
    assert admin_api.get("/halls").json() == [{"id": hall["id"], "number": 4, "name": "Blue", "capacity": 5}]
    assert admin_api.get(f"/halls/{hall['id']}").json() == hall
    changed = admin_api.patch(
        f"/halls/{hall['id']}", {"name": "Indigo", "rows": [{"row": 1, "seats": 4, "base_price": "100.00"}]}
    ).json()
    assert (changed["name"], changed["capacity"]) == ("Indigo", 4)
    assert admin_api.delete(f"/halls/{hall['id']}").status_code == 204
    assert error(admin_api.get(f"/halls/{hall['id']}")) == (404, "not_found")


@pytest.mark.parametrize(
    "change",
    [
        {"rows": []},
        {"rows": [{"row": 1, "seats": 0}]},
        {"rows": [{"row": 1, "seats": 3, "type": "sofa"}]},
        {"rows": [{"row": 1, "seats": 3, "base_price": "-1.00"}]},
        {"rows": [{"row": 1, "seats": 3, "base_price": "1.001"}]},
        {"rows": [{"row": 1, "seats": 3, "base_price": "100000000"}]},
        {"number": 0},
        {"number": 70000},
        {"name": ""},
    ],
)
def test_hall_validation(admin_api, change):
    assert error(admin_api.post("/halls", {**HALL, **change})) == (422, "validation_error")


def test_hall_number_taken_and_hall_with_showtimes(admin_api):
    admin_api.post("/halls", HALL)
    assert error(admin_api.post("/halls", HALL)) == (422, "validation_error")
    show = f.showtime()
    assert error(admin_api.delete(f"/halls/{show.hall_id}")) == (409, "invalid_state")


def test_tariffs_crud(admin_api):
    body = {"name": "Evening", "start_time": "18:00", "end_time": "23:59", "price_multiplier": "1.25"}
    created = admin_api.post("/tariffs", body)
    assert created.status_code == 201
    tariff = created.json()
    assert tariff == {**body, "id": tariff["id"], "days_mask": 127, "name_en": body["name"], "name_uk": ""}
    assert admin_api.get("/tariffs").json() == [tariff]
    changed = admin_api.patch(f"/tariffs/{tariff['id']}", {"price_multiplier": "1.125"}).json()
    assert changed["price_multiplier"] == "1.125"
    assert admin_api.get(f"/tariffs/{tariff['id']}").json() == changed
    assert admin_api.delete(f"/tariffs/{tariff['id']}").status_code == 204
    assert error(admin_api.delete(f"/tariffs/{tariff['id']}")) == (404, "not_found")


def test_tariff_overlap_and_validation(admin_api):
    admin_api.post(
        "/tariffs", {"name": "Evening", "start_time": "18:00", "end_time": "23:59", "price_multiplier": "1.25"}
    )
    overlap = admin_api.post(
        "/tariffs", {"name": "Late", "start_time": "22:00", "end_time": "23:00", "price_multiplier": "1.5"}
    )
    assert error(overlap) == (422, "tariff_overlap")
    for bad in [
        {"start_time": "20:00", "end_time": "19:00"},
        {"price_multiplier": "0"},
        {"price_multiplier": "99999"},
        {"price_multiplier": "abc"},
        {"start_time": "25:00"},
        {"start_time": "09:00+02:00"},
        {"days_mask": 0},
    ]:
        body = {"name": "Morning", "start_time": "09:00", "end_time": "12:00", "price_multiplier": "0.8", **bad}
        assert error(admin_api.post("/tariffs", body)) == (422, "validation_error"), bad
    morning = admin_api.post(
        "/tariffs", {"name": "Morning", "start_time": "09:00", "end_time": "12:00", "price_multiplier": "0.8"}
    ).json()
    assert error(admin_api.patch(f"/tariffs/{morning['id']}", {"end_time": "19:00"})) == (422, "tariff_overlap")


def test_genres_and_movies_in_each_language_and_the_plain_field_is_the_default_languages(admin_api):
    from marquee.audit.models import AuditEntry

    genre = admin_api.post("/genres", {"name_en": "Drama", "name_uk": "Драма"}).json()
    assert (genre["name"], genre["name_en"], genre["name_uk"]) == ("Drama", "Drama", "Драма")
    assert admin_api.get(f"/genres/{genre['id']}?lang=uk").json()["name"] == "Драма"
    assert admin_api.post("/genres", {"name_uk": "драма"}).json()["fields"] == {
        "name_uk": ["A genre with this name exists."]
    }
    body = {
        "title": "Dune",
        "title_uk": "Дюна",
        "description_uk": "Пісок.",
        "duration_min": 155,
        "release_year": 2021,
        "genre_ids": [genre["id"]],
    }
    movie = admin_api.post("/movies", body).json()
    assert (movie["title"], movie["title_en"], movie["title_uk"]) == ("Dune", "Dune", "Дюна")
    assert (movie["description"], movie["description_en"], movie["description_uk"]) == ("Пісок.", "", "Пісок.")
    changed = admin_api.patch(f"/movies/{movie['id']}?lang=uk", {"title": "Dune: Part One"}).json()
    assert (changed["title"], changed["title_en"], changed["genres"][0]["name"]) == ("Дюна", "Dune: Part One", "Драма")
    only_uk = admin_api.post("/movies", {**body, "title": None, "title_uk": "Тіні"}).json()
    assert (only_uk["title"], only_uk["title_en"]) == ("Тіні", "")
    entries = AuditEntry.objects.filter(target_type="movie").order_by("pk")
    assert [(e.action, e.actor.username) for e in entries] == [
        ("movie.create", "ada"),
        ("movie.update", "ada"),
        ("movie.create", "ada"),
    ]
    assert entries[1].changes == {"title_en": ["Dune", "Dune: Part One"]}
    admin_api.delete(f"/movies/{only_uk['id']}")
    assert AuditEntry.objects.filter(action="movie.delete", actor__username="ada").count() == 1


def test_tariffs_in_each_language(admin_api):
    body = {
        "name": "Morning",
        "name_uk": "Ранковий",
        "start_time": "09:00",
        "end_time": "12:00",
        "price_multiplier": "0.8",
    }
    tariff = admin_api.post("/tariffs", body).json()
    assert (tariff["name"], tariff["name_en"], tariff["name_uk"]) == ("Morning", "Morning", "Ранковий")
    assert admin_api.get(f"/tariffs/{tariff['id']}?lang=uk").json()["name"] == "Ранковий"
    changed = admin_api.patch(f"/tariffs/{tariff['id']}", {"name_uk": "Ранок"}).json()
    assert (changed["name_en"], changed["name_uk"]) == ("Morning", "Ранок")
    nameless = admin_api.post(
        "/tariffs", {**body, "name": None, "name_uk": None, "start_time": "13:00", "end_time": "14:00"}
    )
    assert error(nameless) == (422, "validation_error")
