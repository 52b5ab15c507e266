"""Best available on the real database (SQLite and PostgreSQL): the best free block, in the
zone, together; split over adjacent rows as a last resort; none free answers clearly; and
customers asking at the same instant get different seats."""

import datetime as dt
import threading
from itertools import pairwise

import pytest
from django.db import connections

from marquee.booking import hold_pricing
from marquee.booking.models import ACTIVE_STATUSES, BookingSeat
from marquee.booking.seating import best_seats
from marquee.booking.services import booking_hold_best
from marquee.core.errors import NotFound, SeatsUnavailable, SingleSeatGap, ValidationFailed
from marquee.payments.checkout import checkout_hold
from marquee.venues.models import Seat
from tests import factories as f
from tests.booking.test_single_seat_gap import hall_with_aisle

pytestmark = pytest.mark.django_db


@pytest.fixture
def show():
    hold_pricing.forget()
    return f.showtime(hall_obj=hall_with_aisle(rows=6, left=5, right=5))


def seats_of(ids) -> list[Seat]:
    return sorted(Seat.objects.filter(pk__in=ids), key=lambda s: (s.row_number, s.column))


def together(seats: list[Seat]) -> bool:
    return len({s.row_number for s in seats}) == 1 and all(b.column == a.column + 1 for a, b in pairwise(seats))


def test_best_seats_for_three_are_together_in_the_zone(show):
    result = booking_hold_best(showtime_id=show.pk, count=3, customer=f.buyer())
    held = seats_of([s.seat_id for s in result.seats])
    assert len(held) == 3 and together(held)
    assert all(s.best_zone for s in held)
    assert held[0].row_number in (3, 4)  # the middle third of six rows


def test_the_next_customer_gets_the_next_best_seats(show):
    first = {s.seat_id for s in booking_hold_best(showtime_id=show.pk, count=2, customer=f.buyer()).seats}
    second = {
        s.seat_id for s in booking_hold_best(showtime_id=show.pk, count=2, customer=f.buyer("b@example.com")).seats
    }
    assert not first & second
    assert all(s.best_zone for s in seats_of(second))


def test_a_seat_type_is_honoured(show):
    Seat.objects.filter(hall=show.hall_id, row_number=6).update(seat_type="vip")
    hold_pricing.forget()
    held = seats_of(best_seats(show.pk, 2, "vip"))
    assert {s.row_number for s in held} == {6} and together(held)


def test_a_party_is_split_rather_than_strand_a_seat_when_every_row_would():
    hold_pricing.forget()
    show = f.showtime(hall_obj=hall_with_aisle(rows=4, left=4, right=4))
    # sections of four: three together in one row always leave one alone
    held = seats_of(best_seats(show.pk, 3))
    assert len({s.row_number for s in held}) == 2


def test_the_party_is_split_over_adjacent_rows_only_when_no_row_has_room():
    hold_pricing.forget()
    show = f.showtime(hall_obj=f.hall(rows=2, seats=4))
    ids = {(s.row_number, s.seat_number): s.pk for s in show.hall.seats.all()}
    f.hold(show, [ids[1, 1], ids[1, 2], ids[2, 1], ids[2, 2]], email="first@example.com")
    result = booking_hold_best(showtime_id=show.pk, count=4, customer=f.buyer())
    held = seats_of([s.seat_id for s in result.seats])
    assert [(s.row_number, s.seat_number) for s in held] == [(1, 3), (1, 4), (2, 3), (2, 4)]


def test_no_block_free_answers_not_that_many_seats_together(show):
    # every other seat taken, staggered row by row: plenty free, none side by side, and none
    # in the next row behind another
    for row in range(1, 7):
        numbers = [1, 3, 5, 7, 9] if row % 2 else [2, 4, 6, 8, 10]
        taken = show.hall.seats.filter(row_number=row, seat_number__in=numbers).values_list("pk", flat=True)
        f.hold(show, list(taken), email=f"row{row}@example.com")
    with pytest.raises(SeatsUnavailable) as refused:
        booking_hold_best(showtime_id=show.pk, count=2, customer=f.buyer())
    assert refused.value.extra["seat_ids"] == []
    assert "together" in refused.value.detail


def test_what_is_asked_is_checked(show):
    with pytest.raises(ValidationFailed) as refused:
        best_seats(show.pk, 0)
    assert "best_available.count" in refused.value.fields
    with pytest.raises(ValidationFailed) as refused:
        best_seats(show.pk, 2, "balcony")
    assert "best_available.type" in refused.value.fields
    with pytest.raises(NotFound):
        best_seats(show.pk + 1000, 2)


def test_checkout_holds_the_best_seats_with_a_promo_in_one_transaction(show):
    result = checkout_hold(showtime_id=show.pk, best_available=(2, "standard"), customer=f.buyer())
    assert len(result.seats) == 2
    assert BookingSeat.objects.filter(booking=result.booking).count() == 2


@pytest.mark.django_db(transaction=True)
def test_customers_asking_at_the_same_instant_get_different_seats(settings):
    settings.SINGLE_SEAT_GAPS = "refuse"
    hold_pricing.forget()
    show = f.showtime(
        hall_obj=hall_with_aisle(rows=3, left=4, right=4),
        starts_at=(dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(microsecond=0),
    )
    threads = 4
    barrier = threading.Barrier(threads)
    won: list[list[int]] = []
    errors: list[str] = []
    lock = threading.Lock()

    def customer(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            result = booking_hold_best(showtime_id=show.pk, count=2, customer=f.buyer(f"fan{i}@example.com"))
            with lock:
                won.append([s.seat_id for s in result.seats])
        except Exception as error:  # reported below, with its kind
            with lock:
                errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    pool = [threading.Thread(target=customer, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert errors == []
    assert len(won) == threads
    every = [seat for seats in won for seat in seats]
    assert len(every) == len(set(every)), "two customers got one seat"
    active = BookingSeat.objects.filter(showtime=show, status__in=ACTIVE_STATUSES).values_list("seat_id", flat=True)
    assert sorted(active) == sorted(every)
    for seats in won:
        assert together(seats_of(seats))


def test_when_every_block_strands_a_seat_but_seats_apart_do_not_the_refusal_suggests_them(settings):
    settings.SINGLE_SEAT_GAPS = "refuse"
    hold_pricing.forget()
    show = f.showtime(hall_obj=hall_with_aisle(rows=1, left=3, right=3))
    ids = {s.seat_number: s.pk for s in show.hall.seats.all()}
    f.hold(show, [ids[2]], email="first@example.com", gap_rule="allow")  # 1 and 3 left alone already
    # 4-5 leaves 6 alone, 5-6 leaves 4: every pair strands one; 1 and 3 strand nobody new
    with pytest.raises(SingleSeatGap) as refused:
        booking_hold_best(showtime_id=show.pk, count=2, customer=f.buyer())
    assert refused.value.extra["suggestion"] == [ids[1], ids[3]]
    held = booking_hold_best(showtime_id=show.pk, count=2, customer=f.buyer(), gap_rule="warn")
    assert held.warnings == ("single_seat_gap",)
