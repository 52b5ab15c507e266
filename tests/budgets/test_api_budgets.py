"""Each public API endpoint runs a fixed number of queries, whatever the cinema's size."""

import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.test import Client

from marquee.core.clock import local_today
from tests.budgets.conftest import queries_of, same_budget
from tests.budgets.world import World

API = "/api/v1"


def _get(path: Callable[[World], str]) -> Callable[[Client, World], Callable]:
    def prepare(client: Client, world: World) -> Callable:
        url = API + path(world)
        return lambda: client.get(url)

    return prepare


def _tomorrow() -> str:
    return (local_today() + dt.timedelta(days=1)).isoformat()


def _hold(client: Client, world: World) -> Callable:
    body = {
        "showtime_id": world.show.pk,
        "seat_ids": world.free_seats(),
        "customer": {"first_name": "Olena", "last_name": "Koval", "email": world.new_email()},
    }
    return lambda: client.post(API + "/bookings", json.dumps(body), content_type="application/json")


def _with_token(action: str, make: str) -> Callable[[Client, World], Callable]:
    def prepare(client: Client, world: World) -> Callable:
        booked = world.fresh_hold() if make == "hold" else world.fresh_paid()
        url = f"{API}/bookings/{booked.booking.reference}{action}"
        headers = {"Authorization": f"Bearer {booked.token}"}
        if action == "":
            return lambda: client.get(url, headers=headers)
        bodies = {"/pay": {"method": "demo"}, "/payments": {"provider": "demo"}}
        body = json.dumps(bodies[action]) if action in bodies else ""
        return lambda: client.post(url, body, content_type="application/json", headers=headers)

    return prepare


ENDPOINTS: dict[str, Callable[[Client, World], Callable]] = {
    "GET /genres": _get(lambda w: "/genres"),
    "GET /movies": _get(lambda w: "/movies"),
    "GET /movies?date=": _get(lambda w: f"/movies?date={_tomorrow()}"),
    "GET /movies?genre=": _get(lambda w: f"/movies?genre={w.genres[0].pk}"),
    "GET /movies/{id}": _get(lambda w: f"/movies/{w.movie.pk}"),
    "GET /showtimes": _get(lambda w: "/showtimes"),
    "GET /showtimes?date=": _get(lambda w: f"/showtimes?date={_tomorrow()}"),
    "GET /showtimes?movie=": _get(lambda w: f"/showtimes?movie={w.movie.pk}"),
    "GET /showtimes?hall=": _get(lambda w: f"/showtimes?hall={w.show.hall_id}"),
    "GET /showtimes/{id}": _get(lambda w: f"/showtimes/{w.show.pk}"),
    "GET /showtimes/{id}/seats": _get(lambda w: f"/showtimes/{w.show.pk}/seats"),
    "POST /bookings": _hold,
    "GET /bookings/{reference}": _with_token("", make="paid"),
    "POST /bookings/{reference}/pay": _with_token("/pay", make="hold"),
    "POST /bookings/{reference}/cancel": _with_token("/cancel", make="hold"),
    "POST /bookings/{reference}/payments": _with_token("/payments", make="hold"),
    "POST /bookings/{reference}/cancel (paid: refunded)": _with_token("/cancel", make="paid"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_api_query_count_does_not_grow_with_the_cinema(client, endpoint):
    prepare = ENDPOINTS[endpoint]
    world = World().grow(1)
    prepare(client, world)()  # warm up process-wide caches (content types, translations)
    small = queries_of(prepare(client, world))
    world.grow(4)  # five times the halls, showtimes and movies; bigger halls; more bookings a showtime
    big = queries_of(prepare(client, world))
    same_budget(small, big)
