"""Wheelchair spaces and companion seats: only for a customer who says they need one, until
ACCESSIBLE_RELEASE_MINUTES before the show; then for everyone (SQLite and PostgreSQL)."""

import datetime as dt

import pytest
import time_machine

from marquee.booking import hold_pricing
from marquee.booking.models import Booking
from marquee.booking.seating import best_seats
from marquee.booking.services import booking_hold_best
from marquee.core.clock import now
from marquee.core.errors import WheelchairOnly
from marquee.venues.models import SeatType
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def show():
    """One row of six: a wheelchair space (1), its companion seat (2), four standard seats."""
    hold_pricing.forget()
    hall = f.hall(rows=1, seats=6)
    hall.seats.filter(seat_number=1).update(seat_type=SeatType.WHEELCHAIR)
    hall.seats.filter(seat_number=2).update(seat_type=SeatType.COMPANION)
    return f.showtime(hall_obj=hall, starts_at=(now() + dt.timedelta(hours=3)).replace(microsecond=0))


def seat(show, number: int) -> int:
    return show.hall.seats.get(seat_number=number).pk


def test_a_customer_who_did_not_say_they_need_one_is_refused_the_spaces(show):
    with pytest.raises(WheelchairOnly) as refused:
        f.hold(show, [seat(show, 1), seat(show, 2), seat(show, 3)])
    assert refused.value.code == "wheelchair_only" and refused.value.status == 409
    assert refused.value.extra["seat_ids"] == [seat(show, 1), seat(show, 2)]
    assert "wheelchair" in refused.value.detail
    assert not Booking.objects.exists()


def test_a_companion_seat_alone_is_kept_too(show):
    with pytest.raises(WheelchairOnly):
        f.hold(show, [seat(show, 2)], gap_rule="allow")


def test_a_customer_who_needs_one_books_the_space_and_its_companion(show):
    result = f.hold(show, [seat(show, 1), seat(show, 2)], wheelchair=True)
    assert [s.seat.seat_type for s in result.seats] == [SeatType.WHEELCHAIR, SeatType.COMPANION]


def test_the_spaces_are_released_to_everyone_shortly_before_the_show(show, settings):
    assert settings.ACCESSIBLE_RELEASE_MINUTES == 60
    with time_machine.travel(show.starts_at - dt.timedelta(minutes=61), tick=False), pytest.raises(WheelchairOnly):
        f.hold(show, [seat(show, 1), seat(show, 2)])
    with time_machine.travel(show.starts_at - dt.timedelta(minutes=60), tick=False):
        result = f.hold(show, [seat(show, 1), seat(show, 2)])
    assert len(result.seats) == 2


def test_best_available_leaves_the_spaces_to_those_who_need_them(show):
    chosen = best_seats(show.pk, 2)
    assert seat(show, 1) not in chosen and seat(show, 2) not in chosen
    result = booking_hold_best(showtime_id=show.pk, count=4, customer=f.buyer())
    assert sorted(s.seat.seat_number for s in result.seats) == [3, 4, 5, 6]
    assert best_seats(show.pk, 1) == []  # only the kept seats are left


def test_best_available_gives_a_customer_who_needs_one_the_space(show):
    result = booking_hold_best(showtime_id=show.pk, count=2, customer=f.buyer(), wheelchair=True)
    assert sorted(s.seat.seat_number for s in result.seats) == [1, 2]
