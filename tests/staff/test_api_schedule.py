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
    assert [s["id"] for s in admin_api.get("/showtimes", **{"from": day.isoformat()}).json()] == [show["id"]]
    assert admin_api.get("/showtimes", hall=hall.pk + 1000).json() == []
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
    from marquee.booking.services import booking_pay

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


def test_a_showtime_with_sales_cannot_move(admin_api, day):
    show = f.showtime()
    f.hold(show)
    assert error(admin_api.patch(f"/showtimes/{show.pk}", {"starts_at": at(day, 9)})) == (409, "invalid_state")
