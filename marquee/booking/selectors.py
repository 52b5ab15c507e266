"""Reading seat availability. A constant number of queries, whatever the hall's size."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from marquee.booking.models import ACTIVE_STATUSES, BookingSeat, BookingStatus
from marquee.core.clock import local
from marquee.core.clock import now as clock_now
from marquee.pricing.models import Tariff
from marquee.pricing.prices import seat_price, tariff_for
from marquee.scheduling.models import Showtime
from marquee.venues.models import Seat

FREE, HELD, SOLD = "free", "held", "sold"


def active_booking_seats(at: dt.datetime) -> Q:
    """BookingSeats that make a seat unavailable at `at`: sold, or held and not lapsed."""
    return Q(status=BookingStatus.PAID) | Q(status=BookingStatus.PENDING, booking__expires_at__gt=at)


def with_seats_taken(showtimes: QuerySet[Showtime], at: dt.datetime | None = None) -> QuerySet[Showtime]:
    """Annotate `seats_taken` (held + sold) on each showtime in one query."""
    at = at or clock_now()
    taken = (
        BookingSeat.objects.filter(showtime=OuterRef("pk"))
        .filter(active_booking_seats(at))
        .order_by()
        .values("showtime")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return showtimes.annotate(
        seats_taken=Coalesce(Subquery(taken, output_field=IntegerField()), Value(0)),
    )


def seats_free(showtime: Showtime) -> int:
    taken: int = getattr(showtime, "seats_taken", None) or 0
    return max(showtime.hall.capacity - taken, 0)


@dataclass(frozen=True)
class SeatState:
    seat: Seat
    price: Decimal
    status: str  # free, held or sold


@dataclass(frozen=True)
class SeatMap:
    showtime: Showtime
    tariff: Tariff | None
    seats: list[SeatState]

    @property
    def rows(self) -> list[tuple[int, list[SeatState]]]:
        grouped: dict[int, list[SeatState]] = {}
        for state in self.seats:
            grouped.setdefault(state.seat.row_number, []).append(state)
        return sorted(grouped.items())

    @property
    def max_seat_number(self) -> int:
        return max((s.seat.seat_number for s in self.seats), default=0)

    def prices_by_type(self) -> dict[str, Decimal | None]:
        """The price per seat type, or None where seats of one type differ."""
        found: dict[str, set[Decimal]] = {}
        for state in self.seats:
            found.setdefault(state.seat.seat_type, set()).add(state.price)
        return {kind: next(iter(p)) if len(p) == 1 else None for kind, p in found.items()}


def showtime_seat_map(showtime: Showtime, at: dt.datetime | None = None) -> SeatMap:
    """Every seat of the showtime's hall with its price now and its status.

    Three queries: seats, the taken seats, tariffs (small; read whole).
    """
    at = at or clock_now()
    taken = dict(
        BookingSeat.objects.filter(showtime=showtime, status__in=ACTIVE_STATUSES)
        .filter(active_booking_seats(at))
        .values_list("seat_id", "status")
    )
    tariff = tariff_for(Tariff.objects.all(), local(showtime.starts_at))
    seats = Seat.objects.filter(hall_id=showtime.hall_id).order_by("row_number", "seat_number")
    states = [
        SeatState(
            seat=seat,
            price=seat_price(seat.base_price, tariff),
            status=FREE if seat.pk not in taken else (SOLD if taken[seat.pk] == BookingStatus.PAID else HELD),
        )
        for seat in seats
    ]
    return SeatMap(showtime=showtime, tariff=tariff, seats=states)


def seat_ids_taken(showtime_id: int, seat_ids: Iterable[int], at: dt.datetime | None = None) -> list[int]:
    at = at or clock_now()
    return sorted(
        BookingSeat.objects.filter(showtime_id=showtime_id, seat_id__in=list(seat_ids))
        .filter(active_booking_seats(at))
        .values_list("seat_id", flat=True)
    )
