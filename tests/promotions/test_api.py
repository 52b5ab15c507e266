"""The promo code in the public API (POST /api/v1/bookings) and the staff API for codes and batches."""

import csv
import datetime as dt
import io
import json

import pytest
import time_machine

from marquee.audit.models import AuditEntry
from marquee.booking.models import Booking
from marquee.promotions.models import PromoCode
from marquee.promotions.services import BATCH_CODE_LENGTH, CODE_ALPHABET
from tests.promotions.conftest import make_code
from tests.staff.conftest import admin_api, box_office_api  # noqa: F401

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _hold(client, show, seat_ids, **extra):
    body = {
        "showtime_id": show.pk,
        "seat_ids": seat_ids,
        "customer": {"first_name": "Olena", "last_name": "Koval", "email": "olena@example.com"},
        **extra,
    }
    return client.post("/api/v1/bookings", data=json.dumps(body), content_type="application/json")


def test_a_hold_with_a_promo_code_answers_the_discount(client, show, seats):
    make_code("KINO20", "percent", "20")
    response = _hold(client, show, seats[:2], promo_code="kino20")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["promo_code"] == "KINO20" and body["discount"] == "40.00" and body["total_price"] == "160.00"
    assert [(s["price"], s["discount"]) for s in body["seats"]] == [("80.00", "20.00")] * 2
    again = client.get(
        f"/api/v1/bookings/{body['reference']}", headers={"Authorization": f"Bearer {body['token']}"}
    ).json()
    assert (again["promo_code"], again["discount"], again["total_price"]) == ("KINO20", "40.00", "160.00")


@pytest.mark.parametrize("code", ["NOPE", "", None])
def test_unknown_empty_or_null_codes(client, show, seats, code):
    response = _hold(client, show, seats[:1], promo_code=code)
    if code:
        assert response.status_code == 422
        body = response.json()
        assert body["error"] == "validation_error"
        assert body["fields"] == {"promo_code": ["There is no such promo code."]}
        assert not Booking.objects.exists()
    else:
        assert response.status_code == 201 and response.json()["promo_code"] is None


def test_a_used_up_code_answers_422_with_why(client, show, seats):
    make_code("ONE", max_uses=1)
    assert _hold(client, show, seats[:1], promo_code="ONE").status_code == 201
    refused = _hold(client, show, seats[1:2], promo_code="one")
    assert refused.status_code == 422
    assert refused.json()["fields"]["promo_code"] == ["This promo code has been used up."]


def test_a_promo_code_that_is_not_a_string_is_refused(client, show, seats):
    assert _hold(client, show, seats[:1], promo_code=["X"]).status_code == 422
    assert _hold(client, show, seats[:1], promo_code="A" * 101).status_code == 422


def test_staff_create_read_change_and_deactivate_a_code(admin_api, show):  # noqa: F811
    made = admin_api.post(
        "/promo-codes",
        {
            "code": "spring-10",
            "kind": "amount",
            "value": "50.00",
            "valid_from": "2026-12-01",
            "valid_until": "2026-12-31",
            "days_mask": 15,
            "movie_ids": [show.movie_id],
            "max_uses": 100,
            "max_uses_per_customer": 1,
        },
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["code"] == "SPRING-10" and body["value"] == "50.00" and body["uses"] == 0
    assert body["movie_ids"] == [show.movie_id] and body["format_ids"] == [] and body["batch_id"] is None
    code_id = body["id"]
    clash = admin_api.post("/promo-codes", {"code": "Spring-10", "kind": "percent", "value": "10"})
    assert clash.status_code == 422 and clash.json()["fields"] == {"code": ["This code already exists."]}
    changed = admin_api.patch(f"/promo-codes/{code_id}", {"value": "60", "max_uses": None, "movie_ids": []})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["value"], changed.json()["max_uses"], changed.json()["movie_ids"]) == ("60.00", None, [])
    assert admin_api.get("/promo-codes").json()["count"] == 1
    gone = admin_api.delete(f"/promo-codes/{code_id}")
    assert gone.status_code == 200 and gone.json()["is_active"] is False
    actions = list(
        AuditEntry.objects.filter(target_type="promocode").order_by("pk").values_list("action", "actor__username")
    )
    assert actions == [
        ("promocode.create", "ada"),
        ("promocode.update", "ada"),
        ("promocode.deactivate", "ada"),
    ]
    assert admin_api.get("/promo-codes/999999").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "X", "kind": "percent", "value": "10"}, "code"),
        ({"code": "OVER", "kind": "percent", "value": "100.01"}, "value"),
        (
            {"code": "BACK", "kind": "percent", "value": "5", "valid_from": "2026-12-10", "valid_until": "2026-12-01"},
            "valid_until",
        ),
        ({"code": "GHOST", "kind": "percent", "value": "5", "movie_ids": [987654]}, "movie_ids"),
    ],
)
def test_staff_api_names_the_wrong_field(admin_api, body, field):  # noqa: F811
    response = admin_api.post("/promo-codes", body)
    assert response.status_code == 422, response.content
    assert field in json.dumps(response.json())
    assert not PromoCode.objects.exists()


def test_a_batch_of_single_use_codes_and_its_csv(admin_api):  # noqa: F811
    response = admin_api.post("/promo-batches", {"quantity": 25, "prefix": "gift", "kind": "percent", "value": "15"})
    assert response.status_code == 201, response.content
    body = response.json()
    codes = body["codes"]
    assert len(codes) == len(set(codes)) == 25
    for code in codes:
        head, _, tail = code.partition("-")
        assert head == "GIFT" and len(tail) == BATCH_CODE_LENGTH and set(tail) <= set(CODE_ALPHABET)
    assert set(PromoCode.objects.filter(batch_id=body["id"]).values_list("max_uses", flat=True)) == {1}
    assert AuditEntry.objects.get().action == "promobatch.created"
    exported = admin_api.get(f"/promo-batches/{body['id']}/codes.csv")
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert sorted(r["code"] for r in rows) == sorted(codes)
    assert {(r["kind"], r["value"], r["max_uses"]) for r in rows} == {("percent", "15.00", "1")}
    # batch codes stay out of the plain list
    assert admin_api.get("/promo-codes").json()["count"] == 0
    assert admin_api.get("/promo-codes", include_batches="true").json()["count"] == 25
    assert admin_api.get("/promo-batches/424242/codes.csv").status_code == 404


def test_the_box_office_may_not_manage_codes(box_office_api):  # noqa: F811
    assert box_office_api.get("/promo-codes").status_code == 403
