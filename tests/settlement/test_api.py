"""The staff API: distributors, a movie's rental terms, `distributor_id` on movies, and the
settlement report (JSON and CSV)."""

import pytest

from marquee.audit.models import AuditEntry
from tests import factories as f
from tests.settlement.conftest import THURSDAY, sell, show_at
from tests.staff.conftest import admin_api, box_office_api  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_distributors_and_terms_end_to_end(admin_api):  # noqa: F811
    made = admin_api.post("/distributors", {"name": "Bohdan Films", "email": "a@bohdan.example", "vat_rate": "20"})
    assert made.status_code == 201, made.content
    bohdan = made.json()
    assert bohdan["vat_rate"] == "20.00" and bohdan["language"] == ""
    assert admin_api.post("/distributors", {"name": "bohdan films"}).json()["error"] == "validation_error"
    assert admin_api.post("/distributors", {"name": "X", "colour": "red"}).status_code == 422  # strict body
    assert admin_api.post("/distributors", {"name": "X", "vat_rate": "101"}).status_code == 422

    film = f.movie(title="The Tribe")
    genre = film.genres.first().pk
    moved = admin_api.patch(f"/movies/{film.pk}", {"distributor_id": bohdan["id"]})
    assert moved.json()["distributor_id"] == bohdan["id"]
    assert admin_api.patch(f"/movies/{film.pk}", {"distributor_id": 99999}).json()["fields"]["distributor_id"]
    created = admin_api.post(
        "/movies", {"title": "Stop-Zemlia", "duration_min": 90, "release_year": 2021, "genre_ids": [genre],
                    "distributor_id": bohdan["id"]},
    )  # fmt: skip
    assert created.status_code == 201 and created.json()["distributor_id"] == bohdan["id"]
    assert admin_api.get(f"/movies/{film.pk}").json()["is_listed"] is True  # every field still there

    put = admin_api._send(
        "put",
        f"/movies/{film.pk}/rental-terms",
        {
            "terms": [
                {"from_week": 2, "percentage": "50"},
                {"from_week": 1, "percentage": "55", "minimum_per_showtime": "300"},
            ]
        },
    )
    assert put.status_code == 200, put.content
    assert put.json()["terms"] == [
        {"from_week": 1, "percentage": "55.00", "minimum_per_showtime": "300.00"},
        {"from_week": 2, "percentage": "50.00", "minimum_per_showtime": None},
    ]
    assert admin_api.get(f"/movies/{film.pk}/rental-terms").json() == put.json()
    bad = admin_api._send("put", f"/movies/{film.pk}/rental-terms", {"terms": [{"from_week": 3, "percentage": "50"}]})
    assert bad.status_code == 422 and bad.json()["fields"]["terms"]
    assert admin_api.get("/movies/99999/rental-terms").status_code == 404

    assert admin_api.delete(f"/distributors/{bohdan['id']}").json()["error"] == "invalid_state"
    cleared = admin_api.patch(f"/movies/{film.pk}", {"distributor_id": None})
    assert cleared.json()["distributor_id"] is None
    patched = admin_api.patch(f"/distributors/{bohdan['id']}", {"vat_rate": "7", "is_active": False}).json()
    assert (patched["vat_rate"], patched["is_active"]) == ("7.00", False)
    assert [d["name"] for d in admin_api.get("/distributors").json()] == ["Bohdan Films"]
    assert AuditEntry.objects.filter(action__startswith="distributor.").count() == 2
    assert AuditEntry.objects.filter(action="rentalterm.set").count() == 1


def test_the_settlement_report(admin_api):  # noqa: F811
    bohdan = admin_api.post("/distributors", {"name": "Bohdan Films", "email": "a@bohdan.example"}).json()
    film = f.movie(title="The Tribe", distributor_id=bohdan["id"])
    admin_api._send("put", f"/movies/{film.pk}/rental-terms", {"terms": [{"from_week": 1, "percentage": "55"}]})
    sell(show_at(film, THURSDAY, 19, price="123.45"), 3)

    answer = admin_api.get("/reports/settlement", week="2027-01-20")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["week_start"], body["week_end"], body["currency"]) == ("2027-01-14", "2027-01-20", "UAH")
    [block] = body["distributors"]
    [movie] = block["movies"]
    assert (movie["gross"], movie["vat"], movie["net"], movie["percentage"], movie["amount_due"]) == (
        "370.35", "61.73", "308.62", "55.00", "169.74")  # fmt: skip
    assert movie["admissions_by_format"] == [{"label": "2D", "admissions": 3}]
    assert body["amount_due"] == "169.74"
    only = admin_api.get("/reports/settlement", week="2027-01-20", distributor=bohdan["id"]).json()
    assert only["distributors"][0]["name"] == "Bohdan Films"
    csv = admin_api.get("/reports/settlement", week="2027-01-20", format="csv")
    assert csv["Content-Type"].startswith("text/csv") and "169.74" in csv.content.decode()
    assert admin_api.get("/reports/settlement", distributor=99999).status_code == 404
    assert admin_api.get("/reports/settlement", week="0001-01-01").status_code == 422
    assert admin_api.get("/reports/settlement", week="nonsense").status_code == 422

    emailed = admin_api.post(f"/distributors/{bohdan['id']}/settlement-email?week=2027-01-15")
    assert emailed.json() == {"queued": True, "to": "a@bohdan.example", "week_start": "2027-01-14"}


def test_box_office_may_not(box_office_api):  # noqa: F811
    assert box_office_api.get("/distributors").status_code == 403
    assert box_office_api.get("/reports/settlement").status_code == 403


def test_a_missing_movie_is_not_found_whatever_distributor_it_is_given(admin_api):  # noqa: F811
    """Checking the distributor moved into settlement (issue 14); a missing movie must still
    answer 404, not the distributor's 422."""
    answer = admin_api.patch("/movies/987654", {"distributor_id": 99999})
    assert answer.status_code == 404 and answer.json()["error"] == "not_found"
