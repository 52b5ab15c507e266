"""A hall always has a seat, and its capacity is always its seat count."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from marquee.core.errors import InvalidState, ValidationFailed
from marquee.venues.models import Hall, Seat
from marquee.venues.services import (
    RowSpec,
    hall_create,
    hall_set_layout,
    hall_update,
    seat_add,
    seat_remove,
)
from tests import factories as f
from tests.checks import halls_with_capacity_mismatch

pytestmark = pytest.mark.django_db


def rows(*widths: int, kind: str = "standard", price: str = "100.00") -> list[RowSpec]:
    return [RowSpec(row=i, seats=w, type=kind, base_price=Decimal(price)) for i, w in enumerate(widths, start=1)]


def seats_of(hall: Hall) -> dict[tuple[int, int], tuple[str, Decimal]]:
    return {(s.row_number, s.seat_number): (s.seat_type, s.base_price) for s in hall.seats.all()}


def test_hall_create_makes_the_seats_and_counts_them():
    hall = hall_create(number=1, name="Aurora", rows=rows(10, 12, 14))
    hall.refresh_from_db()
    assert hall.capacity == 36 == hall.seats.count()
    assert (3, 14) in seats_of(hall)


def test_a_hall_needs_a_seat():
    with pytest.raises(ValidationFailed):
        hall_create(number=1, name="Empty", rows=[])
    assert not Hall.objects.exists()


def test_a_duplicate_hall_number_is_a_validation_error():
    hall_create(number=3, name="A", rows=rows(5))
    with pytest.raises(ValidationFailed) as refused:
        hall_create(number=3, name="B", rows=rows(5))
    assert "number" in refused.value.fields
    assert Hall.objects.count() == 1


def test_renumbering_onto_a_taken_number_is_a_validation_error():
    hall_create(number=1, name="A", rows=rows(5))
    other = hall_create(number=2, name="B", rows=rows(5))
    with pytest.raises(ValidationFailed):
        hall_update(hall_id=other.pk, number=1)


@pytest.mark.parametrize("bad", [rows(0), rows(101), [RowSpec(row=1, seats=5, type="sofa")], rows(5, price="-1")])
def test_a_bad_layout_is_refused(bad):
    with pytest.raises(ValidationFailed):
        hall_create(number=1, name="A", rows=bad)


def test_set_layout_adds_removes_and_retypes_keeping_capacity_equal():
    hall = hall_create(number=1, name="A", rows=rows(4, 4, 4))
    kept = Seat.objects.get(hall=hall, row_number=1, seat_number=1)
    new_layout = [
        RowSpec(row=1, seats=6, type="standard", base_price=Decimal("100.00")),  # two seats added
        RowSpec(row=2, seats=2, type="vip", base_price=Decimal("180.00")),  # two removed, retyped
    ]  # row 3 removed
    hall = hall_set_layout(hall_id=hall.pk, rows=new_layout)
    hall.refresh_from_db()
    assert hall.capacity == 8 == hall.seats.count()
    assert seats_of(hall)[(2, 1)] == ("vip", Decimal("180.00"))
    assert (3, 1) not in seats_of(hall) and (2, 3) not in seats_of(hall)
    assert Seat.objects.filter(pk=kept.pk).exists()  # an unchanged seat keeps its identity
    assert halls_with_capacity_mismatch() == []


def test_set_layout_refuses_removing_a_seat_with_a_future_sale():
    show = f.showtime()
    seat = show.hall.seats.get(row_number=3, seat_number=5)
    f.hold(show, seat_ids=[seat.pk])
    with pytest.raises(InvalidState) as refused:
        hall_set_layout(hall_id=show.hall_id, rows=rows(5, 5, 4))
    assert refused.value.extra["seat_ids"] == [seat.pk]
    assert Seat.objects.filter(pk=seat.pk).exists()
    show.hall.refresh_from_db()
    assert show.hall.capacity == 15


def test_set_layout_keeps_seats_with_past_sales_too():
    show = f.showtime()
    seat = show.hall.seats.get(row_number=3, seat_number=5)
    f.hold(show, seat_ids=[seat.pk])
    with time_machine.travel(show.ends_at + dt.timedelta(days=1)), pytest.raises(InvalidState):
        hall_set_layout(hall_id=show.hall_id, rows=rows(5, 5, 4))


def test_seat_add_and_remove_keep_capacity_equal():
    hall = hall_create(number=1, name="A", rows=rows(2))
    seat = seat_add(hall_id=hall.pk, row_number=2, seat_number=1, seat_type="accessible", base_price=Decimal(80))
    hall.refresh_from_db()
    assert hall.capacity == 3
    seat_remove(seat_id=seat.pk)
    hall.refresh_from_db()
    assert hall.capacity == 2


def test_the_last_seat_cannot_go():
    hall = hall_create(number=1, name="A", rows=rows(1))
    with pytest.raises(ValidationFailed):
        seat_remove(seat_id=hall.seats.get().pk)
    assert hall.seats.count() == 1


def test_a_seat_with_bookings_cannot_be_removed():
    show = f.showtime()
    seat = show.hall.seats.order_by("pk").first()
    f.hold(show, seat_ids=[seat.pk])
    with pytest.raises(InvalidState):
        seat_remove(seat_id=seat.pk)


def test_a_duplicate_seat_is_refused():
    hall = hall_create(number=1, name="A", rows=rows(2))
    with pytest.raises(ValidationFailed):
        seat_add(hall_id=hall.pk, row_number=1, seat_number=2, seat_type="standard", base_price=Decimal(1))


@pytest.mark.django_db
def test_set_layout_keeps_single_seat_exceptions_unless_the_row_itself_changes():
    from marquee.venues.services import seat_update

    hall = f.hall(rows=2, seats=4, price="100.00")
    corner = hall.seats.get(row_number=1, seat_number=1)
    seat_update(seat_id=corner.pk, seat_type="accessible", base_price=Decimal("80.00"))
    same = [RowSpec(row=r, seats=4, type="standard", base_price=Decimal("100.00")) for r in (1, 2)]

    hall_set_layout(hall_id=hall.pk, rows=same)
    corner.refresh_from_db()
    assert (corner.seat_type, corner.base_price) == ("accessible", Decimal("80.00"))

    # Row 1 gets a new price: every seat of it takes the price; the exception keeps its type.
    dearer = [RowSpec(row=1, seats=4, type="standard", base_price=Decimal("120.00")), same[1]]
    hall_set_layout(hall_id=hall.pk, rows=dearer)
    corner.refresh_from_db()
    row_one = set(hall.seats.filter(row_number=1).exclude(pk=corner.pk).values_list("base_price", flat=True))
    assert row_one == {Decimal("120.00")}
    assert (corner.seat_type, corner.base_price) == ("accessible", Decimal("120.00"))

    # Row 1 becomes VIP: every seat of it follows, the exception included.
    vip = [RowSpec(row=1, seats=4, type="vip", base_price=Decimal("120.00")), same[1]]
    hall_set_layout(hall_id=hall.pk, rows=vip)
    assert set(hall.seats.filter(row_number=1).values_list("seat_type", flat=True)) == {"vip"}
