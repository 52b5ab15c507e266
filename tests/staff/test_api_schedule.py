"""Showtimes through the staff API."""

import datetime as dt

import pytest

from marquee.booking.models import Booking
from marquee.core.clock import local_today
from marquee.notifications.models import MailKind, OutgoingMail
from tests import factories as f

pytestmark = pytest.mark.django_db


def error(response):
    return response.status_code, response.json()["error"]


@pytest.fixture
def day():
    return local_today() + dt.timedelta(days=5)


def at(day, hour, minute=0):
    return f.local_dt(day, hour, minute).isoformat()


def test_showtimes_crud(admin_api, day):
    movie, hall = f.movie(duration_min=100), f.hall(rows=2, seats=5)
    created = admin_api.post("/showtimes", {"movie_id": movie.pk, "hall_id": hall.pk, "starts_at": at(day, 19, 30)})
    assert created.status_code == 201
    show = created.json()
    assert show["starts_at"] == at(day, 19, 30)
    assert show["ends_at"] == at(day, 21, 25)  # 100 minutes + 15 cleaning
    assert (show["movie"]["id"], show["hall"]["id"], show["seats_total"], show["seats_free"]) == (
        movie.pk,
        hall.pk,
        10,
        10,
    )
    assert admin_api.get("/showtimes", **{"from": day.isoformat()}).json() == {"count": 1, "results": [show]}
    assert admin_api.get("/showtimes", hall=hall.pk + 1000).json() == {"count": 0, "results": []}
    moved = admin_api.patch(f"/showtimes/{show['id']}", {"starts_at": at(day, 10)}).json()
    assert moved["starts_at"] == at(day, 10)
    assert admin_api.get(f"/showtimes/{show['id']}").json() == moved
    assert admin_api.delete(f"/showtimes/{show['id']}").status_code == 204
    assert error(admin_api.get(f"/showtimes/{show['id']}")) == (404, "not_found")


def test_overlap_is_hall_busy_with_the_conflicts(admin_api, day):
    movie, hall = f.movie(duration_min=100), f.hall()
    first = f.showtime(movie_obj=movie, hall_obj=hall, starts_at=f.local_dt(day, 18))
    second = f.showtime(movie_obj=movie, hall_obj=hall, starts_at=f.local_dt(day, 21))
    response = admin_api.post("/showtimes", {"movie_id": movie.pk, "hall_id": hall.pk, "starts_at": at(day, 19, 30)})
    assert error(response) == (409, "hall_busy")
    assert response.json()["conflicts"] == [first.pk, second.pk]
    response = admin_api.patch(f"/showtimes/{second.pk}", {"starts_at": at(day, 19)})
    assert error(response) == (409, "hall_busy")
    assert response.json()["conflicts"] == [first.pk]


@pytest.mark.parametrize(
    "change",
    [
        {"starts_at": "2030-12-01T19:30:00"},  # no offset
        {"starts_at": "tomorrow"},
        {"starts_at": "9999-12-31T23:59:00+00:00"},
        {"movie_id": "x"},
        {"hall_id": -1},
        {"movie_id": 2**70},
    ],
)
def test_showtime_validation(admin_api, day, change):
    movie, hall = f.movie(), f.hall()
    body = {"movie_id": movie.pk, "hall_id": hall.pk, "starts_at": at(day, 19), **change}
    assert error(admin_api.post("/showtimes", body)) == (422, "validation_error")


def test_unknown_movie_or_hall_is_not_found(admin_api, day):
    movie, hall = f.movie(), f.hall()
    assert error(admin_api.post("/showtimes", {"movie_id": 987, "hall_id": hall.pk, "starts_at": at(day, 9)})) == (
        404,
        "not_found",
    )
    assert error(admin_api.post("/showtimes", {"movie_id": movie.pk, "hall_id": 987, "starts_at": at(day, 9)})) == (
        404,
        "not_found",
    )
    assert error(admin_api.patch("/showtimes/987", {"starts_at": at(day, 9)})) == (404, "not_found")
    assert error(admin_api.delete("/showtimes/987")) == (404, "not_found")


def test_delete_with_bookings_cancels_the_showtime_and_its_bookings(admin_api, django_capture_on_commit_callbacks):
    show = f.showtime()
    from marquee.payments.services import booking_pay

    paid = f.hold(show, email="paid@example.com")
    booking_pay(reference=paid.booking.reference, method="demo")
    response = admin_api.delete(f"/showtimes/{show.pk}")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert set(Booking.objects.filter(showtime=show).values_list("status", "cancel_reason")) == {
        ("cancelled", "showtime_cancelled")
    }
    assert OutgoingMail.objects.filter(kind=MailKind.SHOWTIME_CANCELLED, to_email="paid@example.com").exists()
    assert error(admin_api.patch(f"/showtimes/{show.pk}", {"starts_at": show.starts_at.isoformat()})) == (
        409,
        "invalid_state",
    )


def test_a_showtime_with_sales_moves_in_time_but_not_hall(admin_api, day):
    show = f.showtime()
    held = f.hold(show)
    other_hall = f.hall()
    assert error(admin_api.patch(f"/showtimes/{show.pk}", {"hall_id": other_hall.pk})) == (409, "invalid_state")
    moved = admin_api.patch(f"/showtimes/{show.pk}", {"starts_at": at(day, 9)})
    assert moved.status_code == 200, moved.content
    assert OutgoingMail.objects.filter(kind=MailKind.SHOWTIME_MOVED, booking=held.booking).count() == 1


def ids(response):
    assert response.status_code == 200, response.content
    page = response.json()
    return page["count"], [s["id"] for s in page["results"]]


@pytest.fixture
def schedule(day):
    """Five showtimes over three days in two halls, made out of order."""
    movie, big, small = f.movie(duration_min=60), f.hall(number=1), f.hall(number=2)
    late = f.showtime(movie_obj=movie, hall_obj=big, starts_at=f.local_dt(day + dt.timedelta(days=2), 20))
    first = f.showtime(movie_obj=movie, hall_obj=big, starts_at=f.local_dt(day, 10))
    second_small = f.showtime(movie_obj=movie, hall_obj=small, starts_at=f.local_dt(day, 18))
    second_big = f.showtime(movie_obj=movie, hall_obj=big, starts_at=f.local_dt(day, 18))
    middle = f.showtime(movie_obj=movie, hall_obj=small, starts_at=f.local_dt(day + dt.timedelta(days=1), 0, 30))
    return [first, second_big, second_small, middle, late]


def test_showtimes_list_is_a_page_oldest_first(admin_api, schedule):
    everything = [s.pk for s in schedule]  # by start, then hall number at the same start
    assert ids(admin_api.get("/showtimes")) == (5, everything)
    assert ids(admin_api.get("/showtimes", limit=2)) == (5, everything[:2])
    assert ids(admin_api.get("/showtimes", limit=2, offset=2)) == (5, everything[2:4])
    assert ids(admin_api.get("/showtimes", limit=2, offset=4)) == (5, everything[4:])
    assert ids(admin_api.get("/showtimes", offset=5)) == (5, [])


def test_showtimes_list_filters_by_local_dates(admin_api, schedule, day):
    first, second_big, second_small, middle, late = (s.pk for s in schedule)
    one_day = {"from": day.isoformat(), "to": day.isoformat()}
    assert ids(admin_api.get("/showtimes", **one_day)) == (3, [first, second_big, second_small])
    # 00:30 local is still the day before in UTC: the cinema's date counts, not UTC's.
    next_day = (day + dt.timedelta(days=1)).isoformat()
    assert ids(admin_api.get("/showtimes", **{"from": next_day, "to": next_day})) == (1, [middle])
    assert ids(admin_api.get("/showtimes", **{"from": next_day})) == (2, [middle, late])
    assert ids(admin_api.get("/showtimes", to=next_day, limit=1, offset=3)) == (4, [middle])
    hall = schedule[2].hall_id
    assert ids(admin_api.get("/showtimes", hall=hall, **one_day)) == (1, [second_small])
    inverted = admin_api.get("/showtimes", **{"from": next_day, "to": day.isoformat()})
    assert error(inverted) == (422, "validation_error")
    assert "to" in inverted.json()["fields"]


def test_showtimes_list_defaults_to_fifty(admin_api, day):
    movie, hall = f.movie(duration_min=45), f.hall(rows=1, seats=2)
    for n in range(51):
        f.showtime(
            movie_obj=movie,
            hall_obj=hall,
            starts_at=f.local_dt(day + dt.timedelta(days=n // 12), 0) + dt.timedelta(hours=2 * (n % 12)),
        )
    page = admin_api.get("/showtimes").json()
    assert (page["count"], len(page["results"])) == (51, 50)
    starts = [s["starts_at"] for s in page["results"]]
    assert [dt.datetime.fromisoformat(s) for s in starts] == sorted(dt.datetime.fromisoformat(s) for s in starts)
    assert len(admin_api.get("/showtimes", limit=500).json()["results"]) == 51


def test_showtimes_list_costs_the_same_queries_for_more_showtimes(
    admin_api, schedule, day, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8) as few:
        admin_api.get("/showtimes")
    for n in range(5):
        f.hold(f.showtime(starts_at=f.local_dt(day + dt.timedelta(days=3), 10 + 2 * n)))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert admin_api.get("/showtimes").json()["count"] == 10


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"limit": "x"}, {"from": "2026-02-30"}, {"status": "lost"}],
)
def test_showtimes_list_validation(admin_api, params):
    assert error(admin_api.get("/showtimes", **params)) == (422, "validation_error")
