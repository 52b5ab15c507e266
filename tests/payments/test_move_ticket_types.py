"""A move keeps each ticket's type and prices it again with that type on the new seats (and the
quote the staff page shows says the same); a child ticket cannot move to a film not sold to
children."""

import datetime as dt
from decimal import Decimal

import pytest

from marquee.booking.models import Booking, BookingSeat
from marquee.booking.moves import move_quote
from marquee.catalog.services import movie_update
from marquee.core.errors import ValidationFailed
from marquee.payments.moves import booking_move
from marquee.payments.services import payment_record_box_office
from marquee.staff.roles import BOX_OFFICE
from tests import factories as f
from tests.staff.conftest import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    f.ticket_type("child", "Child", multiplier=Decimal("0.5"), max_age_rating=12)
    show = f.showtime(hall_obj=f.hall(rows=2, seats=5), starts_at=f.local_dt(dt.date(2026, 12, 20), 12))
    dear = f.showtime(movie_obj=show.movie, hall_obj=f.hall(rows=2, seats=5, price="150.00"), starts_at=show.ends_at)
    a, b = show.hall.seats.order_by("pk").values_list("pk", flat=True)[:2]
    held = f.hold(show, [a, b], ticket_types={b: "child"})
    payment_record_box_office(reference=held.booking.reference)
    return {"show": show, "dear": dear, "booking": Booking.objects.get(pk=held.booking.pk)}


def test_a_moved_child_ticket_stays_child_and_is_repriced(world):
    booking, dear = world["booking"], world["dear"]
    assert booking.total_price == Decimal("150.00")  # 100 + 50
    new_seats = list(dear.hall.seats.order_by("pk").values_list("pk", flat=True)[:2])
    quote = move_quote(booking=booking, showtime_id=dear.pk, seat_ids=new_seats)
    assert quote.new_total == Decimal("225.00")  # 150 + 75
    booking_move(
        reference=booking.reference,
        showtime_id=dear.pk,
        seat_ids=new_seats,
        staff_user=staff_user("kasia", BOX_OFFICE),
        method="cash",
    )
    moved = list(BookingSeat.objects.filter(booking=booking).order_by("seat__row_number", "seat__seat_number"))
    assert [(t.ticket_type_code, t.final_price) for t in moved] == [
        ("adult", Decimal("150.00")),
        ("child", Decimal("75.00")),
    ]
    booking.refresh_from_db()
    assert booking.total_price == quote.new_total


def test_a_child_ticket_cannot_move_to_an_18_plus_film(world):
    booking = world["booking"]
    adults_only = f.showtime(
        movie_obj=f.movie(age_rating=18), hall_obj=f.hall(rows=1, seats=4), starts_at=world["dear"].ends_at
    )
    movie_update(movie_id=adults_only.movie_id, age_rating=18)
    seats = list(adults_only.hall.seats.order_by("pk").values_list("pk", flat=True)[:2])
    with pytest.raises(ValidationFailed) as refused:
        booking_move(
            reference=booking.reference,
            showtime_id=adults_only.pk,
            seat_ids=seats,
            staff_user=staff_user("kasia", BOX_OFFICE),
            method="cash",
        )
    assert refused.value.fields == {"ticket_types": ["Child tickets are not sold for films rated 18+."]}
