"""The served OpenAPI document describes the answers the API really gives (issue 10, point 10).

Public and staff schemas once shared class names (`MovieOut`, `ShowtimeOut`, …), and the
served document kept the staff ones, so `GET /movies` promised `genre_ids` and `is_listed`.
Here: every component name stands for one schema class, and schemathesis validates real
answers of every public operation against the served document, on a small cinema, through
the WSGI application (bounded, deterministic examples; part of `make test`).
"""

import datetime as dt
import json
from collections import defaultdict
from typing import Any, get_args

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from pydantic import BaseModel
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from marquee.api.urls import api
from marquee.core.clock import local_today
from marquee.payments.services import payment_record_box_office
from tests import factories as f

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 6  # per operation: enough to reach each answer's shape, small enough for make test


def _models_in(annotation: Any, found: set[type[BaseModel]]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    for arg in get_args(annotation):
        _models_in(arg, found)


def _api_models() -> set[type[BaseModel]]:
    """Every schema class an operation reads or answers with, nested ones included."""
    found: set[type[BaseModel]] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for response_model in operation.response_models.values():
                    _models_in(response_model, found)
                for model in operation.models:
                    _models_in(model, found)
    return found


def test_every_component_name_stands_for_one_schema_class():
    by_name: dict[str, set[str]] = defaultdict(set)
    for model in _api_models():
        if model.__module__.startswith("marquee."):
            by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    shared = {name: classes for name, classes in by_name.items() if len(classes) > 1}
    assert not shared, f"one name, several schemas (the served document keeps only one): {shared}"


def test_the_served_document_has_no_key_twice(client):
    """Swagger UI (js-yaml) refuses a document with a key twice in one object; json.loads keeps
    the last silently. A response declared as 200 and again as "200" once broke /api/v1/docs."""
    doubled: list[tuple[str, set[str]]] = []

    def keys_once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _value in pairs]
        if len(set(keys)) != len(keys):
            doubled.append((str(keys[:3]), {key for key in keys if keys.count(key) > 1}))
        return dict(pairs)

    json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=keys_once)
    assert not doubled


def _component(document: dict[str, Any], ref: str) -> dict[str, Any]:
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_public_lists_point_at_public_schemas(client):
    document = client.get("/api/v1/openapi.json").json()

    def answer(path: str) -> dict[str, Any]:
        return document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]

    movie = _component(document, answer("/api/v1/movies")["items"]["$ref"])
    assert "genre_ids" not in movie["properties"] and "is_listed" not in movie["properties"]
    showtime = _component(document, answer("/api/v1/showtimes")["items"]["$ref"])
    assert "status" not in showtime["properties"] and "movie_id" not in showtime["properties"]
    seat_map = _component(document, answer("/api/v1/showtimes/{id}/seats")["$ref"])
    seat = _component(document, seat_map["properties"]["seats"]["items"]["$ref"])
    assert "base_price" not in seat["properties"] and "status" in seat["properties"]
    staff_movie = _component(document, answer("/api/v1/admin/movies")["items"]["$ref"])
    assert "genre_ids" in staff_movie["properties"]


def _wsgi_app():
    """Django's WSGI application, serving inside the test's transaction: as Django's test
    client does, the request signals must not close the test's connection."""
    handler = WSGIHandler()

    def app(environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            result = handler(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                result.close()
            return [body]
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)

    return app


@pytest.fixture
def small_cinema():
    drama, comedy = f.genre("Drama"), f.genre("Comedy")
    film = f.movie(title="The Long Night", genres=[drama, comedy], age_rating=12)
    f.movie(title="Not Yet Listed", genres=[drama], is_listed=False)
    tariff = f.tariff(name="Evening", start=dt.time(18), end=dt.time(23, 59), multiplier="1.25")
    hall = f.hall(rows=3, seats=4, vip_rows=(3,))
    tomorrow = local_today() + dt.timedelta(days=1)
    evening = f.showtime(movie_obj=film, hall_obj=hall, starts_at=f.local_dt(tomorrow, 19))
    morning = f.showtime(movie_obj=film, hall_obj=f.hall(rows=2, seats=3), starts_at=f.local_dt(tomorrow, 10))
    seats = list(hall.seats.order_by("pk").values_list("pk", flat=True))
    paid = f.hold(evening, seats[:2])
    payment_record_box_office(reference=paid.booking.reference)
    pending = f.hold(evening, seats[2:4], email="taras@example.com")
    return {
        "film": film,
        "genre": drama,
        "tariff": tariff,
        "evening": evening,
        "morning": morning,
        "free_seats": seats[4:6],
        "pending": pending,
    }


def _real_cases(schema, cinema) -> list:
    """One case per public operation with the cinema's real ids, so that every operation's
    successful answer is checked, not only its 404 and 422."""
    evening, pending = cinema["evening"], cinema["pending"]
    bearer = {"Authorization": f"Bearer {pending.token}"}
    ref = {"reference": pending.booking.reference}
    hold_body = {
        "showtime_id": evening.pk,
        "seat_ids": cinema["free_seats"],
        "customer": {"first_name": "Olena", "last_name": "Koval", "email": "olena@example.com"},
        "recipient": {"name": "Taras", "email": "taras@example.com"},
        "gift_message": "Enjoy",
    }
    day = local_today() + dt.timedelta(days=1)
    return [
        schema["/api/v1/genres"]["GET"].Case(),
        schema["/api/v1/movies"]["GET"].Case(query={"date": day.isoformat(), "genre": cinema["genre"].pk}),
        schema["/api/v1/movies/{id}"]["GET"].Case(path_parameters={"id": cinema["film"].pk}),
        schema["/api/v1/showtimes"]["GET"].Case(query={"date": day.isoformat()}),
        schema["/api/v1/showtimes/{id}"]["GET"].Case(path_parameters={"id": evening.pk}),
        schema["/api/v1/showtimes/{id}/seats"]["GET"].Case(path_parameters={"id": evening.pk}),
        schema["/api/v1/bookings"]["POST"].Case(body=hold_body, media_type="application/json"),
        schema["/api/v1/bookings/{reference}"]["GET"].Case(path_parameters=ref, headers=bearer),
        schema["/api/v1/bookings/{reference}/pay"]["POST"].Case(
            path_parameters=ref, headers=bearer, body={"method": "demo"}, media_type="application/json"
        ),
        schema["/api/v1/bookings/{reference}/cancel"]["POST"].Case(path_parameters=ref, headers=bearer),
    ]


def test_public_answers_match_the_served_schema(small_cinema):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _wsgi_app()).include(tag="public")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    statuses: dict[str, set[int]] = defaultdict(set)
    for case in _real_cases(schema, small_cinema):
        response = case.call()
        statuses[case.operation.label].add(response.status_code)
        case.validate_response(response, checks=CHECKS)
    assert all(codes & {200, 201} for codes in statuses.values()), statuses

    # Then generated input for every public operation: whatever it answers must be in the document.
    for operation in operations:

        @hypothesis.settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        @hypothesis.given(case=operation.as_strategy())
        def check(case):
            response = case.call()
            statuses[case.operation.label].add(response.status_code)
            case.validate_response(response, checks=CHECKS)

        check()
    assert set(statuses) >= {op.label for op in operations}
