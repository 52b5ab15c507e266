"""Scheduling asks booking whether a showtime has sales through a port booking fills.

Without an answer registered the port refuses to guess: "no sales" by default would let a
showtime with tickets change hall.
"""

import pytest

from marquee.booking import selectors
from marquee.core.errors import InvalidState
from marquee.scheduling import sales_facts
from marquee.scheduling.models import Showtime
from marquee.scheduling.services import showtime_update
from tests import factories as f


def test_booking_answers_at_start_up():
    assert sales_facts._has_active_sales is selectors.showtime_has_active_sales


def test_without_a_provider_the_port_raises_a_clear_error(monkeypatch):
    monkeypatch.setattr(sales_facts, "_has_active_sales", None)
    with pytest.raises(sales_facts.SalesFactsMissing, match="no provider is registered"):
        sales_facts.showtime_has_active_sales(1)


@pytest.mark.django_db
def test_without_a_provider_a_showtime_does_not_move(monkeypatch):
    show = f.showtime()
    other = f.hall()
    monkeypatch.setattr(sales_facts, "_has_active_sales", None)
    with pytest.raises(sales_facts.SalesFactsMissing):
        showtime_update(showtime_id=show.pk, hall_id=other.pk)
    assert Showtime.objects.get(pk=show.pk).hall_id == show.hall_id


def test_provide_registers_the_answer(monkeypatch):
    monkeypatch.setattr(sales_facts, "_has_active_sales", None)
    asked: list[int] = []

    def answer(showtime_id: int) -> bool:
        asked.append(showtime_id)
        return True

    sales_facts.provide(has_active_sales=answer)
    assert sales_facts.showtime_has_active_sales(7) is True
    assert asked == [7]


@pytest.mark.django_db
def test_the_answer_is_bookings_active_seats():
    show = f.showtime()
    assert sales_facts.showtime_has_active_sales(show.pk) is False
    f.hold(show)
    assert sales_facts.showtime_has_active_sales(show.pk) is True
    with pytest.raises(InvalidState):
        showtime_update(showtime_id=show.pk, hall_id=f.hall().pk)
