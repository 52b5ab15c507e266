"""Formats and language versions in the API: every public answer about a showtime names them
(the language in the client's language), the listing filters by them, and the staff API
keeps them and sets them on showtimes by code."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User

from marquee.core.clock import local_today
from marquee.scheduling.formats import format_create, language_version_create
from marquee.scheduling.models import Format, LanguageVersion, Showtime
from marquee.scheduling.services import showtime_update
from marquee.staff.roles import ADMIN
from marquee.staff.services import api_key_create
from tests import factories as f
from tests.staff.conftest import Api as StaffApi

pytestmark = pytest.mark.django_db

THREE_D = {"code": "3d", "name": "3D", "surcharge": "40.00"}
SUBS_EN = {"code": "ov-uk-subs", "name": "Original, Ukrainian subtitles"}
SUBS_UK = {"code": "ov-uk-subs", "name": "Мовою оригіналу, українські субтитри"}


@pytest.fixture
def versions(db):
    format_create(code="3d", name="3D", surcharge=Decimal("40.00"))
    language_version_create(code="ov-uk-subs", name_en=SUBS_EN["name"], name_uk=SUBS_UK["name"])
    language_version_create(code="uk", name_en="Ukrainian", name_uk="Українською")


@pytest.fixture
def in_3d(show, versions):
    """The fixture's show (tomorrow 19:30, under the evening tariff ×1.25), in 3D with subtitles."""
    return showtime_update(showtime_id=show.pk, format_code="3d", language_code="ov-uk-subs")


@pytest.fixture
def plain(show, versions):
    """A second showtime of the same movie, in another hall, with nothing said."""
    return f.showtime(movie_obj=show.movie, hall_obj=f.hall(), starts_at=show.starts_at + dt.timedelta(hours=1))


def test_every_public_showtime_answer_names_its_format_and_language(api, in_3d, plain):
    listed = {s["id"]: s for s in api.get("/showtimes").json()}
    assert (listed[in_3d.pk]["format"], listed[in_3d.pk]["language"]) == (THREE_D, SUBS_EN)
    assert (listed[plain.pk]["format"], listed[plain.pk]["language"]) == (None, None)
    one = api.get(f"/showtimes/{in_3d.pk}").json()
    assert (one["format"], one["language"]) == (THREE_D, SUBS_EN)
    seat_map = api.get(f"/showtimes/{in_3d.pk}/seats").json()
    assert (seat_map["format"], seat_map["language"]) == (THREE_D, SUBS_EN)
    movie = {s["id"]: s for s in api.get(f"/movies/{in_3d.movie_id}").json()["showtimes"]}
    assert (movie[in_3d.pk]["format"], movie[in_3d.pk]["language"]) == (THREE_D, SUBS_EN)
    assert movie[plain.pk]["format"] is None
    seat = in_3d.hall.seats.order_by("pk").first()
    booking = api.hold(in_3d, [seat.pk]).json()
    assert (booking["showtime"]["format"], booking["showtime"]["language"]) == (THREE_D, SUBS_EN)
    fetched = api.get(f"/bookings/{booking['reference']}", token=booking["token"]).json()
    assert fetched["showtime"]["format"] == THREE_D


def test_the_language_is_named_in_the_clients_language(api, in_3d, settings):
    settings.SEAT_MAP_CACHE_SECONDS = 60  # the cached map is kept per language
    assert api.get(f"/showtimes/{in_3d.pk}/seats").json()["language"] == SUBS_EN
    assert api.get(f"/showtimes/{in_3d.pk}/seats", lang="uk").json()["language"] == SUBS_UK
    assert api.get(f"/showtimes/{in_3d.pk}/seats").json()["language"] == SUBS_EN
    answer = api.client.get(f"/api/v1/showtimes/{in_3d.pk}", headers={"Accept-Language": "uk"})
    assert answer.json()["language"] == SUBS_UK
    assert api.get("/showtimes", lang="uk").json()[0]["language"] == SUBS_UK


def test_the_seat_maps_and_the_showtimes_prices_include_the_surcharge(api, show, in_3d):
    # 100.00 × 1.25 (evening) = 125.00, + 40.00 for 3D; the VIP row's base is the same here.
    seats = api.get(f"/showtimes/{in_3d.pk}/seats").json()["seats"]
    assert {s["price"] for s in seats} == {"165.00"}
    assert api.get(f"/showtimes/{in_3d.pk}").json()["prices"] == {"standard": "165.00", "vip": "165.00"}


def test_showtimes_and_movies_filter_by_format_and_language(api, in_3d, plain, versions):
    other_movie = f.showtime(hall_obj=f.hall(), starts_at=in_3d.starts_at + dt.timedelta(hours=2))
    ids = lambda **q: [s["id"] for s in api.get("/showtimes", **q).json()]  # noqa: E731
    assert ids(format="3d") == [in_3d.pk]
    assert ids(format="3D", language="ov-uk-subs") == [in_3d.pk]
    assert ids(language="uk") == []  # a version nothing is shown in
    assert ids(format="imax") == []  # a code nobody has: an empty list, as an unknown genre id
    assert ids(format="") == [in_3d.pk, plain.pk, other_movie.pk]  # an empty filter is no filter
    movies = lambda **q: [m["id"] for m in api.get("/movies", **q).json()]  # noqa: E731
    assert movies(format="3d") == [in_3d.movie_id]
    assert movies(language="no-such-code") == []
    assert sorted(movies()) == sorted([in_3d.movie_id, other_movie.movie_id])
    assert api.get("/showtimes", format="x" * 300).status_code == 422


def test_the_openapi_schema_names_the_new_fields(api):
    schema = api.get("/openapi.json").json()
    showtime = schema["components"]["schemas"]["ShowtimeOut"]["properties"]
    assert {"format", "language"} <= set(showtime)
    params = {p["name"] for p in schema["paths"]["/api/v1/showtimes"]["get"]["parameters"]}
    assert {"format", "language"} <= params
    assert "/api/v1/admin/formats/{format_id}" in schema["paths"]
    assert "/api/v1/admin/language-versions" in schema["paths"]


# --- the staff API -------------------------------------------------------------------------------


@pytest.fixture
def staff(db, client):
    user = User.objects.create_user("ada", is_staff=True)
    user.groups.add(Group.objects.get(name=ADMIN))
    return StaffApi(client, api_key_create(username="ada").key)


def test_staff_keep_formats(staff):
    created = staff.post("/formats", {"code": "imax", "name": "IMAX", "surcharge": "80"})
    assert created.status_code == 201
    body = created.json()
    assert body == {
        "id": body["id"],
        "code": "imax",
        "name": "IMAX",
        "surcharge": "80.00",
        "position": 0,
        "showtimes": 0,
    }
    changed = staff.patch(f"/formats/{body['id']}", {"surcharge": "85.50", "position": 2}).json()
    assert (changed["surcharge"], changed["position"], changed["name"]) == ("85.50", 2, "IMAX")
    assert staff.get("/formats").json() == [changed]
    assert staff.get(f"/formats/{body['id']}").json() == changed
    refused = staff.post("/formats", {"code": "imax", "name": "IMAX 2"})
    assert (refused.status_code, list(refused.json()["fields"])) == (422, ["code"])
    assert staff.post("/formats", {"code": "4dx", "name": "4DX", "surcharge": "-1"}).status_code == 422
    assert staff.post("/formats", {"code": "4dx", "name": "4DX", "colour": "red"}).status_code == 422  # strict
    assert staff.delete(f"/formats/{body['id']}").status_code == 204
    assert staff.get(f"/formats/{body['id']}").status_code == 404
    assert staff.patch(f"/formats/{body['id']}", {"name": "Gone"}).status_code == 404


def test_staff_keep_language_versions(staff):
    created = staff.post("/language-versions", {"code": "en", "name_en": "English", "name_uk": "Англійською"})
    assert created.status_code == 201
    body = created.json()
    assert (body["code"], body["name"], body["name_uk"], body["showtimes"]) == ("en", "English", "Англійською", 0)
    changed = staff.patch(f"/language-versions/{body['id']}", {"name_en": "English (original)"}).json()
    assert changed["name_en"] == "English (original)"
    in_uk = staff.client.get(
        f"/api/v1/admin/language-versions/{body['id']}", headers={**staff._headers(), "Accept-Language": "uk"}
    )
    assert in_uk.json()["name"] == "Англійською"
    assert staff.post("/language-versions", {"code": "de"}).status_code == 422  # no name at all
    assert staff.delete(f"/language-versions/{body['id']}").status_code == 204
    assert not LanguageVersion.objects.exists()


def test_a_format_or_version_in_use_is_not_deleted(staff, show, versions):
    showtime_update(showtime_id=show.pk, format_code="3d", language_code="uk")
    fmt, version = Format.objects.get(code="3d"), LanguageVersion.objects.get(code="uk")
    assert staff.get(f"/formats/{fmt.pk}").json()["showtimes"] == 1
    refused = staff.delete(f"/formats/{fmt.pk}")
    assert (refused.status_code, refused.json()["error"]) == (409, "invalid_state")
    assert "1 showtime" in refused.json()["detail"]
    refused = staff.delete(f"/language-versions/{version.pk}")
    assert (refused.status_code, refused.json()["error"]) == (409, "invalid_state")
    assert Format.objects.filter(pk=fmt.pk).exists() and LanguageVersion.objects.filter(pk=version.pk).exists()


def test_the_staff_showtime_api_takes_and_answers_codes(staff, versions):
    movie, hall = f.movie(), f.hall()
    starts = f.local_dt(local_today() + dt.timedelta(days=4), 18).isoformat()
    body = {"movie_id": movie.pk, "hall_id": hall.pk, "starts_at": starts}
    unknown = staff.post("/showtimes", {**body, "format": "5d"})
    assert (unknown.status_code, list(unknown.json()["fields"])) == (422, ["format"])
    unknown = staff.post("/showtimes", {**body, "language_version": "klingon"})
    assert (unknown.status_code, list(unknown.json()["fields"])) == (422, ["language_version"])
    assert not Showtime.objects.filter(hall=hall).exists()
    created = staff.post("/showtimes", {**body, "format": "3d", "language_version": "ov-uk-subs"}).json()
    assert (created["format"], created["language_version"]) == ("3d", "ov-uk-subs")
    path = f"/showtimes/{created['id']}"
    kept = staff.patch(path, {"language_version": "uk"}).json()  # format absent: kept
    assert (kept["format"], kept["language_version"]) == ("3d", "uk")
    cleared = staff.patch(path, {"format": None}).json()  # null: none
    assert (cleared["format"], cleared["language_version"]) == (None, "uk")
    later = f.local_dt(local_today() + dt.timedelta(days=4), 21).isoformat()
    moved = staff.patch(path, {"starts_at": later, "format": "3d"}).json()  # a move and a format at once
    assert (moved["starts_at"], moved["format"]) == (later, "3d")
    assert staff.patch(path, {"format": "5d"}).status_code == 422
    assert staff.get(path).json()["format"] == "3d"
    listed = staff.get("/showtimes").json()["results"]
    assert [(s["format"], s["language_version"]) for s in listed] == [("3d", "uk")]
