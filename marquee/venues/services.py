"""Writing halls and seats. A hall always has a seat, and its capacity is its seat count.

Whether seats have sales is asked of booking through marquee.venues.sales_facts.
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F

from marquee.audit.labels import seat_fact
from marquee.audit.services import Actor, audit_record, changes_between, snapshot
from marquee.core.errors import InvalidState, ValidationFailed
from marquee.core.rows import row_or_not_found
from marquee.venues.models import Hall, Seat, SeatType
from marquee.venues.sales_facts import seats_ever_sold, seats_with_future_sales
from marquee.venues.zones import default_best_zone

MAX_ROWS = 100
MAX_SEATS_PER_ROW = 100
# How many places wide a hall may be: its seats, aisles, gaps and the offsets of short rows.
MAX_COLUMNS = 120
# Where a moving seat waits while its row's seats change places (beyond any real column).
STEP_ASIDE = 1000
# What one seat's own edit may change.
SEAT_FIELDS = ("seat_type", "base_price", "best_zone")


@dataclass(frozen=True)
class RowSpec:
    """One row of a hall as staff describe it: `seats` seats of one type and price, standing
    `offset` empty places from the left wall, with an aisle (an empty place) after each seat
    number in `aisles_after` (a number given twice leaves two places)."""

    row: int
    seats: int
    type: str = SeatType.STANDARD
    base_price: Decimal = Decimal("0.00")
    offset: int = 0
    aisles_after: tuple[int, ...] = ()

    def columns(self) -> dict[int, int]:
        """Each seat number's place across the hall: offset + number + aisles before it."""
        aisles = sorted(self.aisles_after)
        return {n: self.offset + n + sum(1 for a in aisles if a < n) for n in range(1, self.seats + 1)}

    @property
    def width(self) -> int:
        """The row's last place: how wide the hall must be for it."""
        return self.offset + self.seats + sum(1 for a in self.aisles_after if a < self.seats)


def _validate_rows(rows: Sequence[RowSpec]) -> None:
    errors: list[str] = []
    if not rows:
        errors.append("A hall needs at least one row of seats.")
    numbers = [r.row for r in rows]
    if len(set(numbers)) != len(numbers):
        errors.append("Each row number may appear once.")
    for r in rows:
        if not 1 <= r.row <= MAX_ROWS:
            errors.append(f"Row {r.row}: row numbers run from 1 to {MAX_ROWS}.")
        if not 1 <= r.seats <= MAX_SEATS_PER_ROW:
            errors.append(f"Row {r.row}: a row has 1 to {MAX_SEATS_PER_ROW} seats.")
        if r.type not in SeatType.values:
            errors.append(f"Row {r.row}: seat type must be one of {', '.join(SeatType.values)}.")
        if r.base_price < 0:
            errors.append(f"Row {r.row}: the price cannot be negative.")
        if r.offset < 0:
            errors.append(f"Row {r.row}: the offset cannot be negative.")
        if any(not 1 <= a < r.seats for a in r.aisles_after):
            errors.append(f"Row {r.row}: an aisle must follow a seat of the row, 1 to {r.seats - 1}.")
        if r.width > MAX_COLUMNS:
            errors.append(f"Row {r.row}: with its offset and aisles is {r.width} places wide; {MAX_COLUMNS} at most.")
    if errors:
        raise ValidationFailed("The layout is not valid.", fields={"rows": errors})


def _sync_capacity(hall: Hall) -> None:
    hall.capacity = Seat.objects.filter(hall=hall).count()
    if hall.capacity == 0:
        raise ValidationFailed("A hall needs at least one seat.", fields={"rows": ["A hall needs at least one seat."]})
    Hall.objects.filter(pk=hall.pk).update(capacity=hall.capacity)


def _lock_hall(hall_id: int) -> Hall:
    return row_or_not_found(Hall.objects.select_for_update(), "No such hall.", pk=hall_id)


def _layout_facts(rows: Iterable[RowSpec]) -> list[dict[str, object]]:
    """A layout as the audit records it, row by row; marquee.audit.labels writes it out."""
    facts: list[dict[str, object]] = []
    for r in sorted(rows, key=lambda r: r.row):
        fact: dict[str, object] = {"row": r.row, "seats": r.seats, "type": str(r.type), "price": f"{r.base_price:.2f}"}
        if r.offset:
            fact["offset"] = r.offset
        if r.aisles_after:
            fact["aisles_after"] = sorted(r.aisles_after)
        facts.append(fact)
    return facts


def _places(rows: Iterable[RowSpec]) -> dict[tuple[int, int], int]:
    """(row, seat number) → column for every seat the rows describe."""
    return {(r.row, n): column for r in rows for n, column in r.columns().items()}


def _seat_label(seat: Seat, hall: Hall | None = None) -> str:
    return f"{hall or seat.hall}, {seat}"


def _audit_hall(hall: Hall, action: str, changes: Mapping[str, object], staff_user: Actor) -> None:
    audit_record(
        actor=staff_user, action=action, target_type="hall", target_id=hall.pk, target_label=str(hall), changes=changes
    )


def hall_create(*, number: int, name: str, rows: Sequence[RowSpec], staff_user: Actor = None) -> Hall:
    if number < 1:
        raise ValidationFailed("The hall number must be positive.", fields={"number": ["Must be 1 or more."]})
    if not name.strip():
        raise ValidationFailed("The hall needs a name.", fields={"name": ["This field is required."]})
    _validate_rows(rows)
    try:
        with transaction.atomic():
            hall = Hall.objects.create(number=number, name=name.strip())
            places = _places(rows)
            zone = default_best_zone((row, column) for (row, _n), column in places.items())
            Seat.objects.bulk_create(
                Seat(
                    hall=hall,
                    row_number=r.row,
                    seat_number=n,
                    column=column,
                    seat_type=r.type,
                    base_price=r.base_price,
                    best_zone=(r.row, column) in zone,
                )
                for r in rows
                for n, column in r.columns().items()
            )
            _sync_capacity(hall)
            facts = {"number": hall.number, "name": hall.name, "capacity": hall.capacity, "layout": _layout_facts(rows)}
            _audit_hall(hall, "hall.create", facts, staff_user)
    except IntegrityError:
        if Hall.objects.filter(number=number).exists():
            raise ValidationFailed(
                f"Hall number {number} is taken.", fields={"number": ["A hall with this number exists."]}
            ) from None
        raise
    return hall


def hall_update(*, hall_id: int, number: int | None = None, name: str | None = None, staff_user: Actor = None) -> Hall:
    try:
        with transaction.atomic():
            hall = _lock_hall(hall_id)
            before = snapshot(hall, ("number", "name"))
            if number is not None:
                hall.number = number
            if name is not None:
                if not name.strip():
                    raise ValidationFailed("The hall needs a name.", fields={"name": ["This field is required."]})
                hall.name = name.strip()
            hall.save(update_fields=["number", "name", "updated_at"])
            changed = changes_between(before, snapshot(hall, ("number", "name")))
            if changed:
                _audit_hall(hall, "hall.update", changed, staff_user)
            return hall
    except IntegrityError:
        raise ValidationFailed(
            "That hall number is taken.", fields={"number": ["A hall with this number exists."]}
        ) from None


def _row_defaults(seats: Iterable[Seat]) -> dict[int, tuple[str, Decimal]]:
    """Each row's usual seat type and price: what most of its seats have."""
    by_row: dict[int, list[Seat]] = {}
    for seat in seats:
        by_row.setdefault(seat.row_number, []).append(seat)
    return {
        row: (
            Counter(s.seat_type for s in row_seats).most_common(1)[0][0],
            Counter(s.base_price for s in row_seats).most_common(1)[0][0],
        )
        for row, row_seats in by_row.items()
    }


def _apply_row_changes(wanted: dict[tuple[int, int], RowSpec], existing: dict[tuple[int, int], Seat]) -> list[Seat]:
    """Carry a row's new type or price to its seats, keeping single-seat exceptions.

    A row is described by one type and price, but single seats may differ (an accessible
    seat in a standard row). Such a seat keeps its own type unless the row's type changed,
    and its own price unless the row's price changed.
    """
    defaults = _row_defaults(existing.values())
    changed = []
    for key, spec in wanted.items():
        seat = existing.get(key)
        if seat is None:
            continue
        usual_type, usual_price = defaults[seat.row_number]
        new_type = spec.type if spec.type != usual_type else seat.seat_type
        new_price = spec.base_price if spec.base_price != usual_price else seat.base_price
        if (new_type, new_price) != (seat.seat_type, seat.base_price):
            seat.seat_type, seat.base_price = new_type, new_price
            changed.append(seat)
    return changed


def _move_seats(hall: Hall, places: Mapping[tuple[int, int], int], existing: Mapping[tuple[int, int], Seat]) -> int:
    """Give the seats that stay their new columns (ids, bookings and their own types kept).

    A seat's place is unique in its row and the database checks it row by row, so seats that
    move first step aside (past any real column), then take their places. Returns how many moved.
    """
    moving = [seat for key, seat in existing.items() if key in places and seat.column != places[key]]
    if not moving:
        return 0
    Seat.objects.filter(pk__in=[s.pk for s in moving]).update(column=F("column") + STEP_ASIDE)
    for seat in moving:
        seat.column = places[(seat.row_number, seat.seat_number)]
    Seat.objects.bulk_update(moving, ["column"])
    return len(moving)


def hall_set_layout(*, hall_id: int, rows: Sequence[RowSpec], staff_user: Actor = None) -> Hall:
    """Make the hall's seats match `rows`: add, retype, reprice, move and remove seats.

    Seats that stay keep their id, bookings and best-zone mark, and move to the places the
    rows' offsets and aisles give them; new seats are in the best zone where the default
    zone of the new layout (marquee.venues.zones) puts them.

    Seats that differ from their row (see _apply_row_changes) keep their own type and
    price unless that row's type or price is what changed.

    A seat with tickets sold for a future showtime cannot be removed. A seat with only
    past sales is kept (its history matters), so rows cannot shrink below a seat that
    was ever sold; that raises a clear error instead.
    """
    _validate_rows(rows)
    with transaction.atomic():
        hall = _lock_hall(hall_id)
        wanted = {(r.row, n): r for r in rows for n in range(1, r.seats + 1)}
        existing = {(s.row_number, s.seat_number): s for s in Seat.objects.filter(hall=hall)}
        before_capacity = hall.capacity
        to_remove = [s for key, s in existing.items() if key not in wanted]
        blocked = seats_with_future_sales(hall.pk, (s.pk for s in to_remove))
        if blocked:
            labels = ", ".join(str(s) for s in to_remove if s.pk in blocked)
            raise InvalidState(f"These seats have tickets for future showtimes: {labels}.", seat_ids=blocked)
        ever_sold = seats_ever_sold(s.pk for s in to_remove)
        if ever_sold:
            labels = ", ".join(str(s) for s in to_remove if s.pk in ever_sold)
            raise InvalidState(f"These seats have booking records and cannot be removed: {labels}.")
        Seat.objects.filter(pk__in=[s.pk for s in to_remove]).delete()
        changed = _apply_row_changes(wanted, existing)
        Seat.objects.bulk_update(changed, ["seat_type", "base_price"])
        places = _places(rows)
        moved = _move_seats(hall, places, existing)
        zone = default_best_zone((row, column) for (row, _n), column in places.items())
        added = Seat.objects.bulk_create(
            Seat(
                hall=hall,
                row_number=row,
                seat_number=n,
                column=places[(row, n)],
                seat_type=spec.type,
                base_price=spec.base_price,
                best_zone=(row, places[(row, n)]) in zone,
            )
            for (row, n), spec in wanted.items()
            if (row, n) not in existing
        )
        _sync_capacity(hall)
        if to_remove or changed or added or moved:
            facts: dict[str, object] = {
                "capacity": [before_capacity, hall.capacity],
                "layout": _layout_facts(rows),
                "seats_added": len(added),
                "seats_removed": [seat_fact(s.row_number, s.seat_number) for s in to_remove],
                "seats_changed": len(changed),
            }
            if moved:
                facts["seats_moved"] = moved
            _audit_hall(hall, "hall.layout", facts, staff_user)
        return hall


def _audit_seat(seat: Seat, hall: Hall, action: str, changes: Mapping[str, object], staff_user: Actor) -> None:
    audit_record(
        actor=staff_user,
        action=action,
        target_type="seat",
        target_id=seat.pk,
        target_label=_seat_label(seat, hall),
        changes=changes,
    )


def seat_update(
    *,
    seat_id: int,
    seat_type: str | None = None,
    base_price: Decimal | None = None,
    best_zone: bool | None = None,
    staff_user: Actor = None,
) -> Seat:
    """Change one seat's type, price or best-zone mark (future bookings only; sold seats keep
    their price)."""
    seat = row_or_not_found(Seat.objects.select_related("hall"), "No such seat.", pk=seat_id)
    before = snapshot(seat, SEAT_FIELDS)
    if seat_type is not None:
        if seat_type not in SeatType.values:
            raise ValidationFailed(
                "Unknown seat type.", fields={"seat_type": [f"One of {', '.join(SeatType.values)}."]}
            )
        seat.seat_type = seat_type
    if base_price is not None:
        if base_price < 0:
            raise ValidationFailed("The price cannot be negative.", fields={"base_price": ["Must be 0 or more."]})
        seat.base_price = base_price
    if best_zone is not None:
        seat.best_zone = best_zone
    with transaction.atomic():
        seat.save(update_fields=[*SEAT_FIELDS, "updated_at"])
        changed = changes_between(before, snapshot(seat, SEAT_FIELDS))
        if changed:
            _audit_seat(seat, seat.hall, "seat.update", changed, staff_user)
    return seat


def _column_for_new_seat(row: Mapping[int, int], seat_number: int) -> int:
    """Where a seat added to a row stands: beside its nearest lower neighbour, as many places
    on as its number is; before the row's first seat if none is lower."""
    lower = [n for n in row if n < seat_number]
    if lower:
        return row[max(lower)] + seat_number - max(lower)
    if row:
        first = min(row)
        return max(row[first] - (first - seat_number), 1)
    return seat_number


def seat_add(
    *,
    hall_id: int,
    row_number: int,
    seat_number: int,
    seat_type: str,
    base_price: Decimal,
    staff_user: Actor = None,
) -> Seat:
    try:
        with transaction.atomic():
            hall = _lock_hall(hall_id)
            row = dict(Seat.objects.filter(hall=hall, row_number=row_number).values_list("seat_number", "column"))
            seat = Seat.objects.create(
                hall=hall,
                row_number=row_number,
                seat_number=seat_number,
                column=_column_for_new_seat(row, seat_number),
                seat_type=seat_type,
                base_price=base_price,
            )
            _sync_capacity(hall)
            facts = {"seat_type": seat_type, "base_price": base_price, "capacity": hall.capacity}
            _audit_seat(seat, hall, "seat.add", facts, staff_user)
            return seat
    except IntegrityError:
        raise ValidationFailed(
            "That seat exists or is not valid.", fields={"seat_number": ["Row and seat must be unique and positive."]}
        ) from None


def seat_remove(*, seat_id: int, staff_user: Actor = None) -> None:
    with transaction.atomic():
        seat = row_or_not_found(Seat, "No such seat.", pk=seat_id)
        hall = _lock_hall(seat.hall_id)
        if seats_ever_sold([seat.pk]):
            raise InvalidState("This seat has booking records and cannot be removed.")
        facts = {"seat_type": [seat.seat_type, None], "base_price": [seat.base_price, None]}
        _audit_seat(seat, hall, "seat.remove", facts, staff_user)
        seat.delete()
        _sync_capacity(hall)


def hall_delete(*, hall_id: int, staff_user: Actor = None) -> None:
    with transaction.atomic():
        hall = _lock_hall(hall_id)
        if hall.showtimes.exists():
            raise InvalidState("This hall has showtimes; it cannot be deleted.")
        facts = {"number": [hall.number, None], "name": [hall.name, None], "capacity": [hall.capacity, None]}
        _audit_hall(hall, "hall.delete", facts, staff_user)
        hall.delete()
