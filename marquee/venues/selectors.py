"""Reading halls and their seats."""

from django.db.models import Count, QuerySet

from marquee.venues.models import Hall, Seat


def halls_by_number() -> QuerySet[Hall]:
    return Hall.objects.order_by("number")


def halls_with_counts() -> QuerySet[Hall]:
    """Every hall by number with `showtime_count`: one query."""
    return Hall.objects.annotate(showtime_count=Count("showtimes")).order_by("number")


def hall_numbers_taken() -> set[int]:
    return set(Hall.objects.values_list("number", flat=True))


def hall_find(hall_id: int) -> Hall | None:
    return Hall.objects.filter(pk=hall_id).first()


def hall_seats(hall: Hall) -> list[Seat]:
    """The hall's seats row by row, seat by seat: one query."""
    return list(Seat.objects.filter(hall=hall).order_by("row_number", "seat_number"))


def seat_at(hall: Hall, *, row: int, seat: int) -> Seat | None:
    """The seat at row `row`, number `seat` of the hall, or None."""
    return Seat.objects.filter(hall=hall, row_number=row, seat_number=seat).first()


def hall_seats_by_id(hall: Hall, seat_ids: list[int]) -> QuerySet[Seat]:
    """Of these seats, those in the hall, row by row, seat by seat."""
    return hall.seats.filter(pk__in=seat_ids).order_by("row_number", "seat_number")


def seat_in_hall(hall: Hall, seat_id: int) -> Seat | None:
    """The seat of this id if it is the hall's, or None."""
    return Seat.objects.filter(hall=hall, pk=seat_id).first()


def hall_zone_marks(hall: Hall) -> list[tuple[int, int, bool]]:
    """(row, seat number, in the best zone) for each of the hall's seats: one query."""
    return list(Seat.objects.filter(hall=hall).values_list("row_number", "seat_number", "best_zone"))
