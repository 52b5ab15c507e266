"""Reads that only tests need: invariants the services keep, checked from outside them."""

from collections.abc import Iterable

from django.db.models import Count, F, Q

from marquee.booking.models import BookingSeat, SeatBlock
from marquee.booking.selectors import active_booking_seats
from marquee.core.clock import now as clock_now
from marquee.venues.models import Hall


def halls_with_capacity_mismatch() -> list[int]:
    """Halls whose stored capacity differs from their seat count (should always be empty)."""
    return list(Hall.objects.annotate(n=Count("seats")).filter(~Q(capacity=F("n"))).values_list("pk", flat=True))


def seat_ids_taken(showtime_id: int, seat_ids: Iterable[int]) -> list[int]:
    """Which of `seat_ids` are held, sold or kept off sale for the showtime now."""
    wanted = list(seat_ids)
    booked = BookingSeat.objects.filter(showtime_id=showtime_id, seat_id__in=wanted).filter(
        active_booking_seats(clock_now())
    )
    kept = SeatBlock.objects.filter(showtime_id=showtime_id, seat_id__in=wanted)
    return sorted({*booked.values_list("seat_id", flat=True), *kept.values_list("seat_id", flat=True)})
