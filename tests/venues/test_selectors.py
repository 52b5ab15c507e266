"""Reading halls and seats."""

import pytest

from marquee.venues import selectors
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_halls_by_number_with_their_showtime_counts():
    second, first = f.hall(number=2), f.hall(number=1)
    f.showtime(hall_obj=second)
    assert list(selectors.halls_by_number()) == [first, second]
    assert [(h.pk, h.showtime_count) for h in selectors.halls_with_counts()] == [(first.pk, 0), (second.pk, 1)]
    assert selectors.hall_numbers_taken() == {1, 2}
    assert selectors.hall_find(first.pk) == first
    assert selectors.hall_find(second.pk + 1000) is None


def test_a_halls_seats_row_by_row_and_one_seat_by_place():
    hall, other = f.hall(rows=2, seats=2), f.hall(rows=1, seats=1)
    seats = selectors.hall_seats(hall)
    assert [(s.row_number, s.seat_number) for s in seats] == [(1, 1), (1, 2), (2, 1), (2, 2)]
    assert selectors.seat_at(hall, row=2, seat=1) == seats[2]
    assert selectors.seat_at(hall, row=3, seat=1) is None
    stranger = selectors.hall_seats(other)[0]
    chosen = selectors.hall_seats_by_id(hall, [seats[3].pk, seats[0].pk, stranger.pk])
    assert list(chosen) == [seats[0], seats[3]]
