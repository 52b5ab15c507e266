"""Fixtures for the public API: a hall, a showtime tomorrow evening under a tariff, a client."""

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from marquee.core.clock import local_today
from tests import factories as f

API = "/api/v1"


@pytest.fixture(autouse=True, scope="session")
def _static_root_exists() -> None:
    # WhiteNoise warns (an error here) when STATIC_ROOT is missing; tests never collect static.
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


class Api:
    """The test client speaking JSON to /api/v1."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str, token: str | None = None, **params: Any):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.client.get(API + path, params, headers=headers)

    def post(self, path: str, body: Any = None, token: str | None = None, raw: bytes | str | None = None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        return self.client.post(API + path, data=data, content_type="application/json", headers=headers)

    def hold(self, show, seat_ids: list[int], **extra: Any):
        body = {
            "showtime_id": show.pk,
            "seat_ids": seat_ids,
            "customer": {"first_name": "Olena", "last_name": "Koval", "email": "olena@example.com"},
            **extra,
        }
        return self.post("/bookings", body)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The hold rate limit counts in the cache, which outlives a test.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(client: Client) -> Api:
    return Api(client)


@pytest.fixture
def hall(db):
    return f.hall(rows=3, seats=4, price="100.00", vip_rows=(3,))


@pytest.fixture
def evening(db):
    return f.tariff(name="Evening", start=dt.time(18), end=dt.time(23, 59), multiplier="1.25")


@pytest.fixture
def show(db, hall, evening):
    starts = f.local_dt(local_today() + dt.timedelta(days=1), 19, 30)
    return f.showtime(hall_obj=hall, starts_at=starts)


@pytest.fixture
def seat_ids(show) -> list[int]:
    return list(show.hall.seats.order_by("row_number", "seat_number").values_list("pk", flat=True))
