"""A booking with everything its answer shows, read by one statement written once per process.

`selectors.booking_detail` answers every pay, cancel and read of a booking through the API.
Through the ORM it took two queries whose compiling (select_related over seven tables, then the
seats over four) cost more of the web process's CPU than the database spent on them: 1.7 of
its 3.2 ms. The statement here is the same join, written with marquee.core.joined_read the
first time it is needed. tests/booking/test_booking_detail.py holds it equal, field for
field, to what the ORM reads.
"""

import functools

from django.db import connection

from marquee.booking.models import Booking, BookingSeat, Customer
from marquee.core.joined_read import Join, cache_related, join
from marquee.pricing.models import Tariff, TicketType
from marquee.scheduling.models import Showtime
from marquee.scheduling.showtime_sql import SHOWN_JOINS, SHOWN_RELATED
from marquee.venues.models import Seat

# (model, alias, how it joins); in this order. A booking without a customer (a walk-in sale)
# or seats still has its row.
_JOINS = [
    (Booking, "b", "booking_booking b"),
    (Customer, "c", "LEFT JOIN booking_customer c ON c.id = b.customer_id"),
    (Showtime, "s", "JOIN scheduling_showtime s ON s.id = b.showtime_id"),
    *SHOWN_JOINS,
    (BookingSeat, "bs", "LEFT JOIN booking_bookingseat bs ON bs.booking_id = b.id"),
    (Seat, "st", "LEFT JOIN venues_seat st ON st.id = bs.seat_id"),
    (Tariff, "t", "LEFT JOIN pricing_tariff t ON t.id = bs.tariff_id"),
    (TicketType, "tt", "LEFT JOIN pricing_tickettype tt ON tt.id = bs.ticket_type_id"),
]


@functools.cache
def _statement(vendor: str) -> tuple[str, Join]:
    """The statement and its parts, once per process (per database kind: the converters differ)."""
    joined = join(_JOINS)
    # Seats by row and number, as the answer and the tickets list them.
    return f"{joined.select}\nWHERE b.id = %s\nORDER BY st.row_number, st.seat_number", joined


def booking_detail_read(booking_id: int) -> Booking | None:
    """The booking with its customer, showtime (movie, hall, format, language version) and its
    seats (each with its seat, tariff and ticket type) prefetched; None if there is none."""
    sql, joined = _statement(connection.vendor)
    parts = joined.parts
    with connection.cursor() as cursor:
        cursor.execute(sql, [booking_id])
        rows = cursor.fetchall()
    if not rows:
        return None
    first = rows[0]
    booking = parts["b"].read(first)
    showtime = parts["s"].read(first)
    assert isinstance(booking, Booking) and isinstance(showtime, Showtime)
    cache_related(booking, "customer", parts["c"].read(first))
    for name, alias in SHOWN_RELATED:
        cache_related(showtime, name, parts[alias].read(first))
    cache_related(booking, "showtime", showtime)
    seats: list[BookingSeat] = []
    for row in rows:
        seat = parts["bs"].read(row)
        if not isinstance(seat, BookingSeat):  # None: a booking without seats
            continue
        for name, alias in (("seat", "st"), ("tariff", "t"), ("ticket_type", "tt")):
            cache_related(seat, name, parts[alias].read(row))
        cache_related(seat, "booking", booking)
        seats.append(seat)
    # As prefetch_related leaves it: `booking.seats.all()` answers these without a query.
    prefetched = booking.seats.get_queryset()
    prefetched._result_cache = seats
    prefetched._prefetch_done = True  # type: ignore[attr-defined]  # Django's own marks, untyped
    booking._prefetched_objects_cache = {"seats": prefetched}  # type: ignore[attr-defined]
    return booking
