"""The back office's reads of bookings: the search, a booking by reference, a showtime's bookings."""

import pytest

from marquee.booking import selectors
from marquee.payments.services import booking_pay
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_search_by_email_reference_and_showtime():
    show, other_show = f.showtime(), f.showtime()
    olena = f.hold(show, email="olena@example.com").booking
    taras = f.hold(other_show, email="taras@example.com").booking
    assert list(selectors.bookings_search(q="olena@")) == [olena]
    assert list(selectors.bookings_search(q=taras.reference.lower())) == [taras]
    assert list(selectors.bookings_search(q="taras")) == [taras]  # part of an email, no @
    assert list(selectors.bookings_search(showtime_id=show.pk)) == [olena]
    assert list(selectors.bookings_search()) == [taras, olena]  # newest first


def test_a_booking_by_reference_its_seats_and_its_showtimes_counts(django_assert_num_queries):
    show = f.showtime()
    held = f.hold(show)
    paid = booking_pay(reference=held.booking.reference, method="demo")
    with django_assert_num_queries(1):
        found = selectors.booking_by_reference(paid.reference)
        assert found is not None
        assert found.customer.email and found.showtime.movie.title and found.showtime.hall.name
    assert selectors.booking_by_reference(paid.reference.lower()) is None  # exact: the view normalises
    seats = selectors.booking_seats_with_seat(paid)
    assert selectors.booking_paid_seat_ids(paid) == {s.seat_id for s in seats}
    assert selectors.booking_paid_seat_count(paid) == len(seats) > 0
    with django_assert_num_queries(4):
        sold = selectors.booking_sold(paid.reference.lower())
        assert sold is not None
        assert [bs.seat.pk for bs in sold.seats.all()]
    assert selectors.showtime_bookings(show) == [paid]
    assert selectors.showtime_active_booking_count(show) == 1
