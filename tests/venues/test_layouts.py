"""Hall layouts with aisles, offsets and the best-seats zone: where seats stand, and that a
layout change moves seats without losing their ids, bookings or own types."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marquee.audit.models import AuditEntry
from marquee.booking.models import BookingSeat
from marquee.core.errors import ValidationFailed
from marquee.venues.layout import row_shape
from marquee.venues.models import Hall, Seat
from marquee.venues.services import (
    MAX_COLUMNS,
    RowSpec,
    hall_create,
    hall_set_layout,
    seat_add,
    seat_update,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

PRICE = Decimal("100.00")


def columns_of(hall: Hall, row: int) -> dict[int, int]:
    return dict(hall.seats.filter(row_number=row).values_list("seat_number", "column"))


def test_a_row_stands_at_its_offset_with_a_place_left_after_each_aisle():
    spec = RowSpec(row=1, seats=8, offset=2, aisles_after=(2, 6))
    assert spec.columns() == {1: 3, 2: 4, 3: 6, 4: 7, 5: 8, 6: 9, 7: 11, 8: 12}
    assert spec.width == 12


def test_an_aisle_named_twice_is_two_places_wide():
    assert RowSpec(row=1, seats=3, aisles_after=(1, 1)).columns() == {1: 1, 2: 4, 3: 5}


@given(
    seats=st.integers(1, 30),
    offset=st.integers(0, 10),
    aisles=st.lists(st.integers(1, 29), max_size=5),
)
def test_row_shape_reads_back_the_offset_and_aisles_that_placed_the_row(seats, offset, aisles):
    aisles = tuple(sorted(a for a in aisles if a < seats))
    spec = RowSpec(row=1, seats=seats, offset=offset, aisles_after=aisles)
    assert row_shape(spec.columns()) == (offset, aisles)


def test_hall_create_places_seats_by_offset_and_aisles_and_marks_the_default_zone():
    rows = [RowSpec(row=r, seats=10, base_price=PRICE, aisles_after=(5,)) for r in range(1, 7)]
    rows.append(RowSpec(row=7, seats=6, base_price=PRICE, offset=2, aisles_after=(3,)))
    hall = hall_create(number=1, name="Aurora", rows=rows)
    assert columns_of(hall, 1) == {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 7, 7: 8, 8: 9, 9: 10, 10: 11}
    assert columns_of(hall, 7) == {1: 3, 2: 4, 3: 5, 4: 7, 5: 8, 6: 9}
    zone = set(hall.seats.filter(best_zone=True).values_list("row_number", "column"))
    # The middle third of seven rows (3, 4, 5), the middle half of eleven places (3 to 9).
    assert {row for row, _ in zone} == {3, 4, 5}
    assert {column for _, column in zone} == {3, 4, 5, 7, 8, 9}
    entry = AuditEntry.objects.get(action="hall.create")
    assert entry.changes["layout"][0]["aisles_after"] == [5]
    assert entry.changes["layout"][6]["offset"] == 2


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        (RowSpec(row=1, seats=5, aisles_after=(5,)), "an aisle must follow a seat of the row"),
        (RowSpec(row=1, seats=5, aisles_after=(0,)), "an aisle must follow a seat of the row"),
        (RowSpec(row=1, seats=5, offset=-1), "the offset cannot be negative"),
        (RowSpec(row=1, seats=100, offset=MAX_COLUMNS - 99), "places wide"),
    ],
)
def test_a_layout_that_does_not_fit_is_refused_with_the_row_named(spec, problem):
    with pytest.raises(ValidationFailed) as refused:
        hall_create(number=1, name="A", rows=[spec])
    assert any(problem in line and "Row 1" in line for line in refused.value.fields["rows"])
    assert not Hall.objects.exists()


def test_moving_aisles_keeps_seat_ids_bookings_own_types_and_zone_marks():
    show = f.showtime()
    hall = show.hall  # 3 rows of 5 seats, standing where their numbers say
    before = {(s.row_number, s.seat_number): s.pk for s in hall.seats.all()}
    booked = hall.seats.get(row_number=2, seat_number=4)
    f.hold(show, seat_ids=[booked.pk])
    corner = hall.seats.get(row_number=1, seat_number=5)
    seat_update(seat_id=corner.pk, seat_type="wheelchair", best_zone=True)
    rows = [RowSpec(row=r, seats=5, base_price=PRICE, aisles_after=(2,), offset=1) for r in (1, 2, 3)]

    hall_set_layout(hall_id=hall.pk, rows=rows)

    after = {(s.row_number, s.seat_number): s.pk for s in hall.seats.all()}
    assert after == before
    assert columns_of(hall, 2) == {1: 2, 2: 3, 3: 5, 4: 6, 5: 7}
    assert BookingSeat.objects.filter(seat=booked).count() == 1
    corner.refresh_from_db()
    assert (corner.seat_type, corner.best_zone, corner.column) == ("wheelchair", True, 7)
    entry = AuditEntry.objects.filter(action="hall.layout").latest("pk")
    assert entry.changes["seats_moved"] == 15


def test_seats_move_back_when_an_aisle_is_taken_away_and_new_seats_get_the_default_zone():
    hall = hall_create(number=1, name="A", rows=[RowSpec(row=r, seats=6, aisles_after=(3,)) for r in (1, 2, 3)])
    kept_zone = dict(hall.seats.values_list("pk", "best_zone"))
    hall_set_layout(hall_id=hall.pk, rows=[RowSpec(row=r, seats=9) for r in (1, 2, 3)])
    assert columns_of(hall, 1) == {n: n for n in range(1, 10)}
    for seat in hall.seats.all():
        if seat.pk in kept_zone:
            assert seat.best_zone == kept_zone[seat.pk]
    # New seats 7-9: the middle row's places 3 to 7 are the new default zone, so only seat 7.
    new_in_zone = hall.seats.filter(seat_number__gte=7, best_zone=True).values_list("row_number", "seat_number")
    assert set(new_in_zone) == {(2, 7)}


def test_seat_update_moves_a_seat_in_and_out_of_the_zone_and_audits_it():
    hall = f.hall(rows=1, seats=3)  # one short row: all of it is the default zone
    seat = hall.seats.get(seat_number=1)
    seat_update(seat_id=seat.pk, best_zone=False)
    seat.refresh_from_db()
    assert not seat.best_zone
    entry = AuditEntry.objects.filter(action="seat.update").latest("pk")
    assert entry.changes == {"best_zone": [True, False]}
    seat_update(seat_id=seat.pk, best_zone=True)
    seat.refresh_from_db()
    assert seat.best_zone


def test_a_seat_added_to_a_row_with_an_aisle_stands_beside_its_neighbour():
    hall = hall_create(number=1, name="A", rows=[RowSpec(row=1, seats=4, aisles_after=(2,))])
    seat = seat_add(hall_id=hall.pk, row_number=1, seat_number=5, seat_type="standard", base_price=PRICE)
    assert seat.column == 6
    assert Seat.objects.filter(hall=hall).count() == 5


def test_a_hall_as_the_migration_left_it_reads_as_rows_without_aisles_and_saves_unchanged():
    """Migration venues 0003 stood every existing seat at column = seat number: such a hall is
    rows with no offset and no aisles, and saving those rows moves nothing."""
    show = f.showtime(hall_obj=f.hall(rows=3, seats=5))
    hall = show.hall
    held = f.hold(show)
    assert all(s.column == s.seat_number for s in hall.seats.all())
    for row in (1, 2, 3):
        assert row_shape(columns_of(hall, row)) == (0, ())
    before = list(hall.seats.order_by("pk").values_list("pk", "column", "best_zone"))
    hall_set_layout(hall_id=hall.pk, rows=[RowSpec(row=r, seats=5, base_price=PRICE) for r in (1, 2, 3)])
    assert list(hall.seats.order_by("pk").values_list("pk", "column", "best_zone")) == before
    assert BookingSeat.objects.filter(booking=held.booking).count() == 2
