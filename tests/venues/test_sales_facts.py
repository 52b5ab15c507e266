"""Venues asks booking which seats have sales through a port booking fills.

Without answers registered the port refuses to guess: "no sales" by default would let a
sold seat be deleted.
"""

import datetime as dt

import pytest
import time_machine

from marquee.booking import selectors
from marquee.venues import sales_facts
from marquee.venues.models import Seat
from marquee.venues.services import seat_remove
from tests import factories as f


def test_booking_answers_at_start_up():
    assert sales_facts._provider == sales_facts.SeatSales(
        with_future_sales=selectors.seats_with_future_sales, ever_sold=selectors.seats_ever_sold
    )


def test_without_a_provider_the_port_raises_a_clear_error(monkeypatch):
    monkeypatch.setattr(sales_facts, "_provider", None)
    with pytest.raises(sales_facts.SalesFactsMissing, match="no provider is registered"):
        sales_facts.seats_with_future_sales(1, [1, 2])
    with pytest.raises(sales_facts.SalesFactsMissing, match="no provider is registered"):
        sales_facts.seats_ever_sold([1, 2])


@pytest.mark.django_db
def test_without_a_provider_a_seat_is_not_removed(monkeypatch):
    hall = f.hall()
    seat = hall.seats.order_by("pk").first()
    monkeypatch.setattr(sales_facts, "_provider", None)
    with pytest.raises(sales_facts.SalesFactsMissing):
        seat_remove(seat_id=seat.pk)
    assert Seat.objects.filter(pk=seat.pk).exists()


def test_provide_registers_the_answers(monkeypatch):
    monkeypatch.setattr(sales_facts, "_provider", None)
    sales_facts.provide(
        sales_facts.SeatSales(with_future_sales=lambda hall_id, ids: [min(ids)], ever_sold=lambda ids: set(ids))
    )
    assert sales_facts.seats_with_future_sales(1, [3, 2]) == [2]
    assert sales_facts.seats_ever_sold([3, 2]) == {2, 3}


@pytest.mark.django_db
def test_the_answers_are_bookings_seats():
    show = f.showtime()
    sold, free = show.hall.seats.order_by("pk")[:2]
    f.hold(show, seat_ids=[sold.pk])
    ids = [sold.pk, free.pk]
    assert sales_facts.seats_with_future_sales(show.hall_id, ids) == [sold.pk]
    assert sales_facts.seats_with_future_sales(f.hall().pk, ids) == []  # another hall's
    assert sales_facts.seats_ever_sold(ids) == {sold.pk}
    with time_machine.travel(show.ends_at + dt.timedelta(days=1)):
        assert sales_facts.seats_with_future_sales(show.hall_id, ids) == []
        assert sales_facts.seats_ever_sold(ids) == {sold.pk}
