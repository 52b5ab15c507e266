"""What the seating rules (seat_rules.py) are given, and what the hold does with their answer.

The hold (booking/services.py) asks two things of a choice of seats: may this customer have
wheelchair spaces and companion seats (only one who says they need one, until
ACCESSIBLE_RELEASE_MINUTES before the show), and does the choice strand a single seat
(SINGLE_SEAT_GAPS: allow, warn or refuse). Best available reads the showtime's occupancy here
and chooses with seat_rules.best_block.

Messages are English (the API's words), marked for the catalogue (`gettext_noop`): pages show
them in the visitor's language (marquee.core.errors.in_language).
"""

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext, gettext_noop

from marquee.booking.models import ACTIVE_STATUSES, BookingSeat, BookingStatus, SeatBlock
from marquee.booking.seat_rules import Place, best_block, gap_free_alternative, leaves_single_gap
from marquee.core.clock import now as clock_now
from marquee.core.errors import NotFound, SingleSeatGap, ValidationFailed, WheelchairOnly
from marquee.scheduling.models import Showtime
from marquee.venues.models import WHEELCHAIR_TYPES, Seat, SeatType

MAX_ID = 2**63 - 1

GAP_RULES = ("allow", "warn", "refuse")
SINGLE_SEAT_GAP_WARNING = "single_seat_gap"

WHEELCHAIR_ONLY = gettext_noop(
    "Wheelchair spaces and companion seats are kept for customers who need a wheelchair space "
    "until shortly before the show. Say that you need one, or choose other seats."
)
NOT_TOGETHER = gettext_noop("Not that many seats are free together for this showtime.")
SINGLE_SEAT_LEFT = gettext_noop(
    "These seats would leave a single empty seat that nobody could sit in with company. "
    "Choose seats that leave no single seat, for example the suggested ones."
)


def gap_rule_in_force(gap_rule: str | None) -> str:
    """`gap_rule` (the counter passes "allow"), else the SINGLE_SEAT_GAPS setting."""
    rule = settings.SINGLE_SEAT_GAPS if gap_rule is None else gap_rule
    if rule not in GAP_RULES:
        raise ValidationFailed("Unknown single-seat rule.", fields={"gap_rule": ["One of allow, warn or refuse."]})
    return rule


def wheelchair_released(starts_at: dt.datetime, at: dt.datetime) -> bool:
    """Whether wheelchair spaces and companion seats are open to everyone by now."""
    return starts_at - at <= dt.timedelta(minutes=settings.ACCESSIBLE_RELEASE_MINUTES)


def may_sit(*, wheelchair: bool, released: bool) -> Callable[[Place], bool]:
    """Which places a customer may have: every one for a customer who needs a wheelchair
    space or once they are released; else all but wheelchair spaces and companion seats."""
    if wheelchair or released:
        return lambda _place: True
    return lambda place: place.seat_type not in WHEELCHAIR_TYPES


def check_wheelchair(
    seat_types: Mapping[int, str], *, wheelchair: bool, starts_at: dt.datetime, at: dt.datetime
) -> WheelchairOnly | None:
    """The refusal for wheelchair spaces and companion seats asked by someone who may not
    have them yet (`seat_types`: the asked seats' types), or None."""
    if wheelchair or wheelchair_released(starts_at, at):
        return None
    kept = sorted(pk for pk, kind in seat_types.items() if kind in WHEELCHAIR_TYPES)
    return WheelchairOnly(WHEELCHAIR_ONLY, seat_ids=kept) if kept else None


def hall_places(hall_id: int) -> list[Place]:
    """Every seat of the hall as the seating rules see it."""
    rows = Seat.objects.filter(hall_id=hall_id).values_list("pk", "row_number", "column", "seat_type", "best_zone")
    return [Place(pk, row, column, kind, zone) for pk, row, column, kind, zone in rows]


def showtime_taken(showtime_id: int, at: dt.datetime) -> set[int]:
    """Seats held (unexpired), sold or kept back by staff for the showtime, read now."""
    booked = (
        BookingSeat.objects.filter(showtime_id=showtime_id, status__in=ACTIVE_STATUSES)
        .filter(Q(status=BookingStatus.PAID) | Q(booking__expires_at__gt=at))
        .values_list("seat_id", flat=True)
        .order_by()
    )
    kept = SeatBlock.objects.filter(showtime_id=showtime_id).values_list("seat_id", flat=True).order_by()
    return set(booked.union(kept).order_by())


def gap_verdict(
    *,
    rule: str,
    row_places: Iterable[Place],
    row_taken: set[int],
    wanted: Sequence[int],
    showtime_id: int,
    hall_id: int,
    at: dt.datetime,
    allowed: Callable[[Place], bool],
) -> tuple[str, ...]:
    """The single-seat rule on a hold just written, inside its transaction: `row_places` are
    the seats of the rows it touched, `row_taken` those taken now (its own seats among them).

    Returns the hold's warnings, or raises SingleSeatGap (the caller's transaction rolls back)
    when the hold strands a seat, the rule is `refuse` and some choice of as many seats in the
    whole showtime would strand none (read only on this path: a refusal may cost queries)."""
    if rule == "allow":
        return ()
    before = row_taken - set(wanted)
    if not leaves_single_gap(list(row_places), before, wanted):
        return ()
    if rule == "warn":
        return (SINGLE_SEAT_GAP_WARNING,)
    everyone = hall_places(hall_id)
    taken = showtime_taken(showtime_id, at) - set(wanted)
    suggestion = gap_free_alternative(everyone, taken, wanted, allowed=allowed)
    if suggestion is None:
        return ()  # every choice of that many seats leaves one: the last seats still sell
    raise SingleSeatGap(SINGLE_SEAT_LEFT, seat_ids=sorted(wanted), suggestion=suggestion)


def _check_best_request(count: int, seat_type: str | None) -> None:
    maximum = settings.MAX_SEATS_PER_BOOKING
    errors: dict[str, list[str]] = {}
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= maximum:
        errors["best_available.count"] = [gettext("Ask for 1 to %(count)s seats.") % {"count": maximum}]
    if seat_type is not None and seat_type not in SeatType.values:
        errors["best_available.type"] = [f"One of {', '.join(SeatType.values)}."]
    if errors:
        raise ValidationFailed("Some fields are not valid.", fields=errors)


def best_seats(showtime_id: int, count: int, seat_type: str | None = None, wheelchair: bool = False) -> list[int]:
    """The best free block of `count` seats of the showtime (of `seat_type`, when given) that
    this customer may have, read now (not the seat-map cache); [] when there is none. For a
    customer who needs a wheelchair space, a block with one comes first."""
    _check_best_request(count, seat_type)
    if isinstance(showtime_id, bool) or not 0 < showtime_id <= MAX_ID:
        raise NotFound("No such showtime.")
    show = Showtime.objects.filter(pk=showtime_id).values_list("hall_id", "starts_at").first()
    if show is None:
        raise NotFound("No such showtime.")
    hall_id, starts_at = show
    at = clock_now()
    places = hall_places(hall_id)
    taken = showtime_taken(showtime_id, at)
    allowed = may_sit(wheelchair=wheelchair, released=wheelchair_released(starts_at, at))
    chosen = None
    if wheelchair and seat_type is None:
        chosen = best_block(
            places,
            taken,
            count,
            allowed=allowed,
            needs=lambda block: any(p.seat_type == SeatType.WHEELCHAIR for p in block),
        )
    if chosen is None:
        chosen = best_block(places, taken, count, seat_type=seat_type, allowed=allowed)
    return chosen or []
