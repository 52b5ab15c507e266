"""Reports and campaigns through the staff API, on the hand-worked cinema of tests/reports."""

import pytest
import time_machine

from marquee.notifications.models import MailKind, OutgoingMail
from tests import factories as f
from tests.reports.conftest import cinema  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def error(response):
    return response.status_code, response.json()["error"]


def period(c, **more):
    return {"from": c.day.isoformat(), "to": c.day.isoformat(), **more}


def test_occupancy(admin_api, cinema, django_assert_max_num_queries):  # noqa: F811
    with django_assert_max_num_queries(7):  # key, last used, permissions (2), report (3)
        rows = admin_api.get("/reports/occupancy", **period(cinema)).json()
    assert [(r["showtime_id"], r["capacity"], r["sold"], r["held"], r["occupancy"]) for r in rows] == [
        (cinema.s1.pk, 10, 2, 1, 0.2),
        (cinema.s2.pk, 10, 3, 0, 0.3),
        (cinema.s3.pk, 4, 4, 0, 1.0),
    ]
    assert rows[0]["movie"] == {"id": cinema.m1.pk, "title": "M1"}
    assert rows[0]["hall"] == {"id": cinema.hall_a.pk, "number": 1, "name": "Hall A"}
    assert rows[0]["starts_at"].startswith(f"{cinema.day.isoformat()}T14:00:00+")
    only_b = admin_api.get("/reports/occupancy", **period(cinema, hall=cinema.hall_b.pk)).json()
    assert [r["showtime_id"] for r in only_b] == [cinema.s3.pk]
    assert len(admin_api.get("/reports/occupancy").json()) == 3  # default period covers the coming days


@pytest.mark.parametrize(
    ("group_by", "expected"),
    [
        ("movie", [("M1", 6, "600.00"), ("M2", 3, "500.00")]),
        ("hall", [("Hall A", 5, "700.00"), ("Hall B", 4, "400.00")]),
        ("seat_type", [("standard", 7, "725.00"), ("vip", 2, "375.00")]),
        ("tariff", [("Evening", 7, "900.00"), ("No tariff", 2, "200.00")]),
    ],
)
def test_sales(admin_api, cinema, group_by, expected):  # noqa: F811
    answer = admin_api.get("/reports/sales", **period(cinema, group_by=group_by)).json()
    assert [(r["key"], r["tickets"], r["revenue"]) for r in answer["results"]] == expected
    # `comps` (free tickets given at the box office) is an addition: none here.
    assert answer["totals"] == {"tickets": 9, "revenue": "1100.00", "comps": 0}
    assert (answer["currency"], answer["group_by"], answer["from"]) == ("UAH", group_by, cinema.day.isoformat())


def test_sales_by_day(admin_api, cinema):  # noqa: F811
    answer = admin_api.get("/reports/sales", **period(cinema, group_by="day")).json()
    assert answer["results"] == [
        {"key": cinema.day.isoformat(), "tickets": 9, "revenue": "1100.00", "id": None, "comps": 0}
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"group_by": "colour"},
        {"from": "2026-13-01"},
        {"from": "2026-02-01", "to": "2026-01-01"},
        {"from": "2020-01-01", "to": "2026-01-01"},
        {"hall": "one"},
    ],
)
def test_report_validation(admin_api, params):
    assert error(admin_api.get("/reports/sales", **params)) == (422, "validation_error")
    if "group_by" not in params:
        assert error(admin_api.get("/reports/occupancy", **params)) == (422, "validation_error")


def test_heat_map_and_expansion(admin_api, cinema):  # noqa: F811
    heat = admin_api.get("/reports/heat-map", **period(cinema)).json()
    assert heat["days"] == [cinema.day.isoformat()]
    assert [(r["hall"]["name"], r["values"]) for r in heat["rows"]] == [("Hall A", [0.25]), ("Hall B", [1.0])]
    with time_machine.travel(f.local_dt(cinema.day, 23), tick=False):
        signal = admin_api.get("/reports/expansion", **period(cinema)).json()
    assert "consider adding a screen" in signal["sentence"]
    assert signal["weeks"][0]["sold_out"] == 1


def test_movie_audience(admin_api, cinema):  # noqa: F811
    answer = admin_api.get(f"/movies/{cinema.m1.pk}/audience").json()
    assert answer == {"count": 0, "results": []}
    assert error(admin_api.get("/movies/424242/audience")) == (404, "not_found")


def test_campaign_endpoint_queues_and_answers_the_count(admin_api, cinema):  # noqa: F811
    assert admin_api.post("/campaigns/recommendations").json() == {"queued": 0, "deferred": False}  # no consent
    assert error(admin_api.post("/campaigns/recommendations", {"limit_per_customer": 0})) == (422, "validation_error")
    assert not OutgoingMail.objects.filter(kind=MailKind.RECOMMENDATION).exists()


def test_the_staff_api_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    for path in [
        "/api/v1/admin/genres",
        "/api/v1/admin/movies/{movie_id}",
        "/api/v1/admin/halls",
        "/api/v1/admin/showtimes/{showtime_id}",
        "/api/v1/admin/tariffs",
        "/api/v1/admin/bookings/{reference}/mark-paid",
        "/api/v1/admin/customers/{customer_id}",
        "/api/v1/admin/reports/occupancy",
        "/api/v1/admin/reports/sales",
        "/api/v1/admin/campaigns/recommendations",
    ]:
        assert path in paths, path
