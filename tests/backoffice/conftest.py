import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.test import Client

from marquee.payments.services import payment_record_box_office
from marquee.staff.roles import ADMIN, BOX_OFFICE
from tests import factories as f


def _staff(username: str, group: str | None, *, is_staff: bool = True) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username, is_staff=is_staff)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.force_login(_staff("admin", ADMIN))
    return client


@pytest.fixture
def box_client(db) -> Client:
    client = Client()
    client.force_login(_staff("box", BOX_OFFICE))
    return client


@pytest.fixture
def anon_client(db) -> Client:
    return Client()


@pytest.fixture
def show(db):
    """A showtime tomorrow in a 3 × 5 hall, with one paid and one pending booking."""
    showtime = f.showtime(hall_obj=f.hall(rows=3, seats=5))
    seats = list(showtime.hall.seats.order_by("pk").values_list("pk", flat=True))
    paid = f.hold(showtime, seats[:2], email="paid@example.com").booking
    payment_record_box_office(reference=paid.reference)
    f.hold(showtime, seats[2:3], email="pending@example.com")
    return showtime


def past_paid_booking(*, movie=None, hall=None, days_ago: int = 2, seats: int = 2, email: str = "olena@example.com"):
    """A paid booking for a showtime that has already begun (made back then)."""
    then = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago + 1)
    with time_machine.travel(then, tick=False):
        showtime = f.showtime(movie_obj=movie, hall_obj=hall or f.hall())
        seat_ids = list(showtime.hall.seats.order_by("pk").values_list("pk", flat=True)[:seats])
        booking = f.hold(showtime, seat_ids, email=email).booking
        payment_record_box_office(reference=booking.reference)
    return booking
