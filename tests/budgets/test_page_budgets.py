"""Each public page runs a fixed number of queries, whatever the cinema's size."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from marquee.core.clock import local_today
from tests.budgets.conftest import queries_of, same_budget
from tests.budgets.world import World


def _page(url: Callable[[World], str]) -> Callable[[Client, World], Callable]:
    def prepare(client: Client, world: World) -> Callable:
        address = url(world)
        return lambda: client.get(address)

    return prepare


def _tomorrow() -> str:
    return (local_today() + dt.timedelta(days=1)).isoformat()


def _checkout(client: Client, world: World) -> Callable:
    address = reverse("public:checkout", args=[world.show.pk])
    seats = world.free_seats()
    return lambda: client.get(address, {"seat": seats})


def _booking_page(client: Client, world: World) -> Callable:
    booked = world.fresh_paid()
    address = reverse("public:booking", args=[booked.booking.reference])
    client.get(address, {"token": booked.token})  # the link in the email: puts the token in the session
    return lambda: client.get(address)


PAGES: dict[str, Callable[[Client, World], Callable]] = {
    "home": _page(lambda w: reverse("public:home")),
    "home ?genre=": _page(lambda w: reverse("public:home") + f"?genre={w.genres[0].pk}"),
    "movie": _page(lambda w: reverse("public:movie", args=[w.movie.pk])),
    "schedule": _page(lambda w: reverse("public:schedule")),
    "schedule ?date=": _page(lambda w: reverse("public:schedule") + f"?date={_tomorrow()}"),
    "showtime (seat map)": _page(lambda w: reverse("public:showtime", args=[w.show.pk])),
    "showtime seats (partial)": _page(lambda w: reverse("public:showtime_seats", args=[w.show.pk])),
    "checkout": _checkout,
    "booking": _booking_page,
}


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_page_query_count_does_not_grow_with_the_cinema(client, page):
    prepare = PAGES[page]
    world = World().grow(1)
    prepare(client, world)()  # warm up process-wide caches and the session
    small = queries_of(prepare(client, world))
    world.grow(4)
    big = queries_of(prepare(client, world))
    same_budget(small, big)
