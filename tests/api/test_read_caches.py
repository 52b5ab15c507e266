"""Answers the API reuses: the seat map for SEAT_MAP_CACHE_SECONDS (forgotten when seats
change) and the listing for PUBLIC_CACHE_SECONDS."""

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marquee.booking.house_seats import seats_block
from marquee.booking.services import bookings_expire, showtime_delete
from marquee.payments.services import booking_cancel, booking_pay
from marquee.pricing.services import tariff_update
from marquee.scheduling.formats import format_create, format_update
from marquee.scheduling.services import showtime_update
from tests import factories as f
from tests.staff.conftest import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.SEAT_MAP_CACHE_SECONDS = 60  # long enough that only a change can refresh a map here


def statuses(api, show) -> dict[int, str]:
    response = api.get(f"/showtimes/{show.pk}/seats")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return {s["id"]: s["status"] for s in response.json()["seats"]}


def test_a_cached_map_is_the_same_answer_without_queries(api, show, settings):
    settings.SEAT_MAP_CACHE_SECONDS = 0
    fresh = api.get(f"/showtimes/{show.pk}/seats").json()
    settings.SEAT_MAP_CACHE_SECONDS = 60
    first = api.get(f"/showtimes/{show.pk}/seats").json()
    with CaptureQueriesContext(connection) as queries:
        again = api.get(f"/showtimes/{show.pk}/seats").json()
    assert fresh == first == again
    assert len(queries) == 0


def test_every_change_of_seats_forgets_the_map(api, show, seat_ids, cached, django_capture_on_commit_callbacks):
    assert set(statuses(api, show).values()) == {"free"}

    with django_capture_on_commit_callbacks(execute=True):
        held = f.hold(show, seat_ids[:2])
    assert [statuses(api, show)[i] for i in seat_ids[:3]] == ["held", "held", "free"]

    with django_capture_on_commit_callbacks(execute=True):
        booking_pay(reference=held.booking.reference, method="demo")
    assert [statuses(api, show)[i] for i in seat_ids[:2]] == ["sold", "sold"]

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(reference=held.booking.reference, by_staff=True)
    assert [statuses(api, show)[i] for i in seat_ids[:2]] == ["free", "free"]

    with django_capture_on_commit_callbacks(execute=True):
        lapsing = f.hold(show, seat_ids[2:4], email="taras@example.com")
    assert [statuses(api, show)[i] for i in seat_ids[2:4]] == ["held", "held"]
    with (
        time_machine.travel(lapsing.booking.expires_at + dt.timedelta(seconds=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert bookings_expire() == 1
    assert [statuses(api, show)[i] for i in seat_ids[2:4]] == ["free", "free"]


def test_a_change_that_rolls_back_keeps_the_map(api, show, seat_ids, cached, django_capture_on_commit_callbacks):
    statuses(api, show)
    # Without a commit (the test's transaction never commits) the map is not forgotten:
    # the cache is dropped after the commit only, never before it.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        f.hold(show, seat_ids[:1])
    assert callbacks, "the hold registers its forgetting for the commit"
    assert statuses(api, show)[seat_ids[0]] == "free"


def test_no_map_is_kept_for_a_showtime_that_does_not_exist(api, cached):
    assert api.get("/showtimes/999999/seats").status_code == 404
    assert api.get("/showtimes/999999/seats").status_code == 404


def test_the_listing_is_reused_for_public_cache_seconds(api, show, settings):
    settings.PUBLIC_CACHE_SECONDS = 30
    first = api.get("/movies")
    with CaptureQueriesContext(connection) as queries:
        again = api.get("/movies")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and [m["id"] for m in first.json()] == [show.movie_id]
    assert len(queries) == 0
    # Another filter is another answer; an empty one is not kept.
    assert api.get("/movies", genre=999999).json() == []
    from django.core.cache import cache

    assert cache.get("marquee:api-movies:None:999999") is None


def test_while_one_reader_redraws_a_changed_map_the_others_answer_the_previous_one(
    api, show, seat_ids, cached, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from marquee.scheduling.seat_map_cache import _keys

    assert statuses(api, show)[seat_ids[0]] == "free"
    with django_capture_on_commit_callbacks(execute=True):
        f.hold(show, seat_ids[:1])
    drawing = _keys(show.pk)[2]
    assert cache.add(drawing, 1)  # another reader is drawing the new map right now
    with CaptureQueriesContext(connection) as queries:
        assert statuses(api, show)[seat_ids[0]] == "free"  # the previous map, without a query
    assert len(queries) == 0
    cache.delete(drawing)  # drawn
    assert statuses(api, show)[seat_ids[0]] == "held"


def test_a_showtime_without_a_stored_map_is_drawn_even_while_another_reader_draws(api, show, cached):
    from django.core.cache import cache

    from marquee.scheduling.seat_map_cache import _keys

    cache.add(_keys(show.pk)[2], 1)
    assert set(statuses(api, show).values()) == {"free"}


def test_the_map_is_drawn_in_exactly_the_schema_s_shape(api, show, seat_ids):
    from marquee.api.schemas.public import SeatMapOut

    f.hold(show, seat_ids[:2])
    answer = api.get(f"/showtimes/{show.pk}/seats").json()
    assert SeatMapOut.model_validate(answer).model_dump(mode="json") == answer


def test_the_schedule_is_reused_for_public_cache_seconds(api, show, settings):
    from django.core.cache import cache

    from marquee.core.clock import local

    day = local(show.starts_at).date().isoformat()
    settings.PUBLIC_CACHE_SECONDS = 0
    fresh = api.get("/showtimes", date=day).json()
    settings.PUBLIC_CACHE_SECONDS = 30
    cache.clear()
    first = api.get("/showtimes", date=day)
    with CaptureQueriesContext(connection) as queries:
        again = api.get("/showtimes", date=day)
    assert first.status_code == again.status_code == 200
    assert first["Content-Type"] == "application/json; charset=utf-8"
    assert first.json() == again.json() == fresh and [s["id"] for s in fresh] == [show.pk]
    assert len(queries) == 0
    # Other filters are other answers.
    assert api.get("/showtimes", date=day, hall=999999).json() == []


# --- the map drawn in two parts: the layout kept, the seats' states read at each change ---------


def test_a_map_redrawn_after_a_hold_is_the_whole_map_byte_for_byte(
    api, show, seat_ids, cached, settings, django_capture_on_commit_callbacks
):
    api.get(f"/showtimes/{show.pk}/seats")  # the layout is kept from here on
    with django_capture_on_commit_callbacks(execute=True):
        held = f.hold(show, seat_ids[:2])
    with django_capture_on_commit_callbacks(execute=True):
        f.hold(show, seat_ids[4:6], email="taras@example.com")
        booking_pay(reference=held.booking.reference, method="demo")
    with django_capture_on_commit_callbacks(execute=True):
        seats_block(showtime_id=show.pk, seat_ids=seat_ids[8:9], reason="house", staff_user=staff_user("boss", None))
    joined = api.get(f"/showtimes/{show.pk}/seats").content

    settings.SEAT_MAP_CACHE_SECONDS = 0  # drawn whole, every part read afresh
    whole = api.get(f"/showtimes/{show.pk}/seats").content
    assert joined == whole
    found = {s["id"]: s["status"] for s in json.loads(joined)["seats"]}
    assert [found[i] for i in seat_ids[:2]] == ["sold", "sold"]
    assert [found[i] for i in seat_ids[4:6]] == ["held", "held"]
    assert found[seat_ids[8]] == "sold"  # kept back by staff: a seat no customer can have
    assert list(found.values()).count("free") == len(seat_ids) - 5


def test_after_a_hold_the_map_is_redrawn_with_one_query(
    api, show, seat_ids, cached, django_capture_on_commit_callbacks
):
    api.get(f"/showtimes/{show.pk}/seats")
    with django_capture_on_commit_callbacks(execute=True):
        f.hold(show, seat_ids[:2])
    with CaptureQueriesContext(connection) as queries:
        assert statuses(api, show)[seat_ids[0]] == "held"
    assert len(queries) == 1, [q["sql"] for q in queries]  # the seats' states; the layout is kept


def test_a_new_surcharge_draws_the_layout_again(api, show, cached, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        fmt = format_create(code="imax", name="IMAX", surcharge=Decimal("40.00"))
        showtime_update(showtime_id=show.pk, format_code="imax")
    before = {s["price"] for s in api.get(f"/showtimes/{show.pk}/seats").json()["seats"]}
    with django_capture_on_commit_callbacks(execute=True):
        format_update(format_id=fmt.pk, surcharge=Decimal("60.00"))
    after = {s["price"] for s in api.get(f"/showtimes/{show.pk}/seats").json()["seats"]}
    assert {Decimal(p) + 20 for p in before} == {Decimal(p) for p in after}


def test_a_tariff_edit_reaches_the_map_within_the_public_cache_seconds(
    api, show, seat_ids, evening, settings, django_capture_on_commit_callbacks
):
    settings.SEAT_MAP_CACHE_SECONDS, settings.PUBLIC_CACHE_SECONDS = 1, 30

    def prices() -> set[str]:
        return {s["price"] for s in api.get(f"/showtimes/{show.pk}/seats").json()["seats"]}

    before = prices()
    tariff_update(tariff_id=evening.pk, price_multiplier=Decimal("2.00"))
    with django_capture_on_commit_callbacks(execute=True):
        f.hold(show, seat_ids[:1])  # a new map: its states drawn afresh, its layout kept
    assert prices() == before  # the layout, like the listing, is kept PUBLIC_CACHE_SECONDS
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=31)):
        assert prices() != before


def test_a_showtime_moved_to_another_hall_shows_that_halls_seats_at_once(
    api, show, cached, django_capture_on_commit_callbacks
):
    assert len(statuses(api, show)) == 12  # the layout is kept from here on
    bigger = f.hall(rows=4, seats=6, number=7)
    with django_capture_on_commit_callbacks(execute=True):
        showtime_update(showtime_id=show.pk, hall_id=bigger.pk)
    found = api.get(f"/showtimes/{show.pk}/seats").json()
    assert found["hall"]["id"] == bigger.pk
    assert set(statuses(api, show)) == set(bigger.seats.values_list("pk", flat=True))


def test_a_deleted_showtime_has_no_map_at_once(api, show, cached, django_capture_on_commit_callbacks):
    assert api.get(f"/showtimes/{show.pk}/seats").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert showtime_delete(showtime_id=show.pk, money_back=lambda booking: {}) is True
    assert api.get(f"/showtimes/{show.pk}/seats").status_code == 404
