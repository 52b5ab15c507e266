"""Moving: a paid booking to other seats or another showtime (the seat part; the money is
marquee.payments.moves), and a showtime with bookings to another start time.

A moved ticket keeps its BookingSeat row (the booking's seats stay one list everywhere) with
its seat, showtime and price changed and its `code_version` raised: the code printed before
names the old version, and the door refuses it (`invalid_ticket`). Tickets that stay on
their seat keep their code. The customer is sent the new tickets in the same transaction.

Locks, in the order every seat-taking service takes them: the showtimes' sales locks (shared,
in id order), the booking's row, the new seats by id.
"""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from marquee.audit.labels import seat_fact
from marquee.audit.services import Actor
from marquee.booking import services as booking_services
from marquee.booking.models import ACTIVE_STATUSES, Booking, BookingSeat, BookingStatus
from marquee.booking.services import MAX_ID
from marquee.core.clock import local
from marquee.core.clock import now as clock_now
from marquee.core.errors import InvalidState, NotFound, SeatsUnavailable, ValidationFailed
from marquee.core.rows import row_or_not_found
from marquee.notifications.models import MailKind
from marquee.notifications.services import mail_queue
from marquee.pricing.models import Tariff
from marquee.pricing.prices import seat_price, tariff_for
from marquee.pricing.ticket_types import ticket_type_allowed, ticket_type_refusal
from marquee.scheduling import services as scheduling_services
from marquee.scheduling.locks import showtime_sales_lock, showtime_sales_lock_shared
from marquee.scheduling.models import Showtime, ShowtimeStatus
from marquee.scheduling.seat_map_cache import seat_layouts_changed, seat_maps_changed
from marquee.venues.models import Seat

# Called with the moved booking (its new total set), the old total and the new one, inside the
# move's transaction: takes or gives back the difference (marquee.payments.moves) and answers
# what the customer's email says about it.
MoveMoney = Callable[[Booking, Decimal, Decimal], dict[str, Any]]


@dataclass(frozen=True)
class BookingMoved:
    booking: Booking
    before: dict[str, Any]  # showtime, seats, total
    after: dict[str, Any]
    old_total: Decimal
    new_total: Decimal


def showtime_fact(showtime: Showtime) -> dict[str, Any]:
    """A showtime as the audit records it: facts, shown in the reader's language."""
    return {"movie": showtime.movie.title, "hall": showtime.hall.number, "starts_at": showtime.starts_at.isoformat()}


def _seat_facts(seats: Sequence[Seat]) -> list[dict[str, int]]:
    return [seat_fact(s.row_number, s.seat_number) for s in sorted(seats, key=lambda s: (s.row_number, s.seat_number))]


def _state(showtime: Showtime, seats: Sequence[Seat], total: Decimal) -> dict[str, Any]:
    return {"showtime": showtime_fact(showtime), "seats": _seat_facts(seats), "total": f"{total:.2f}"}


def _check_seat_ids(seat_ids: Sequence[int]) -> list[int]:
    errors: dict[str, list[str]] = {}
    booking_services._check_seat_ids(seat_ids, errors)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)
    return sorted(set(seat_ids))


def _lock_with_showtimes(reference: str, showtime_id: int) -> Booking:
    """The booking row-locked, after both showtimes' sales locks (shared, in id order)."""
    if isinstance(showtime_id, bool) or not isinstance(showtime_id, int) or not 0 < showtime_id <= MAX_ID:
        raise NotFound(_("No such showtime."), fields={"showtime_id": [_("No such showtime.")]})
    canonical = booking_services._reference_or_none(reference)
    found = Booking.objects.filter(reference=canonical).values_list("showtime_id", flat=True) if canonical else None
    current = found.first() if found is not None else None
    if current is None:
        raise NotFound(_("No such booking."))
    for sid in sorted({current, showtime_id}):
        showtime_sales_lock_shared(showtime_id=sid)
    booking = booking_services.booking_lock(reference=reference)
    if booking.showtime_id != current:
        raise InvalidState(_("The booking changed while it was being moved; try again."))
    return booking


def _check_types_allowed(tickets: Sequence[BookingSeat], target: Showtime) -> None:
    """A ticket moves with its type: a type the new film is not sold with (a child ticket to an
    18+ film) refuses the move, with the reason."""
    refused = {
        t.ticket_type.pk: ticket_type_refusal(t.ticket_type, target.movie.age_rating)
        for t in tickets
        if t.ticket_type is not None and not ticket_type_allowed(t.ticket_type, target.movie.age_rating)
    }
    if refused:
        raise ValidationFailed(_("A ticket type cannot be sold."), fields={"ticket_types": sorted(refused.values())})


def booking_move_locked(*, reference: str, showtime_id: int, seat_ids: Sequence[int], money: MoveMoney) -> BookingMoved:
    """Inside the caller's transaction: move the paid booking's tickets to `seat_ids` of
    `showtime_id` (the same showtime or another; as many seats as it has), priced as the new
    showtime sells them now (tickets that stay on their seat keep their price), call `money`
    with the totals, and queue the new tickets to the customer.

    ValidationFailed (seat count, seats not of the hall, nothing to move), NotFound,
    SalesClosed (the new showtime is cancelled or has started), SeatsUnavailable (naming the
    seats held, sold or kept back), InvalidState (not paid, started, a ticket admitted)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("booking_move_locked() must run inside transaction.atomic()")
    wanted = _check_seat_ids(seat_ids)
    booking = _lock_with_showtimes(reference, showtime_id)
    if booking.status != BookingStatus.PAID:
        raise InvalidState(_("Only a paid booking can be moved (this one is %(status)s).") % {"status": booking.status})
    at = clock_now()
    old_showtime = Showtime.objects.select_related("movie", "hall").get(pk=booking.showtime_id)
    if old_showtime.starts_at <= at:
        raise InvalidState(_("The showtime has started; the booking can no longer be moved."))
    target = row_or_not_found(
        Showtime.objects.select_related("movie", "hall", "format"),
        _("No such showtime."),
        fields={"showtime_id": [_("No such showtime.")]},
        pk=showtime_id,
    )
    booking_services._check_sales_open(target, at)
    tickets = list(
        BookingSeat.objects.select_for_update(of=("self",))
        .select_related("seat", "ticket_type")
        .filter(booking=booking, status=BookingStatus.PAID)
        .order_by("seat__row_number", "seat__seat_number", "pk")
    )
    if any(t.checked_in_at is not None for t in tickets):
        raise InvalidState(_("A ticket of this booking was already admitted; it can no longer be moved."))
    if len(wanted) != len(tickets):
        message = _("Choose %(count)s seats, as many as the booking has.") % {"count": len(tickets)}
        raise ValidationFailed(message, fields={"seat_ids": [message]})
    same_showtime = target.pk == old_showtime.pk
    staying = {t.seat_id for t in tickets} & set(wanted) if same_showtime else set()
    moving = [t for t in tickets if t.seat_id not in staying]
    new_ids = [i for i in wanted if i not in staying]
    if not moving:
        message = _("These are the booking's seats already: choose other seats.")
        raise ValidationFailed(message, fields={"seat_ids": [message]})
    _check_types_allowed(moving, target)
    seats = list(
        Seat.objects.select_for_update(no_key=True).filter(pk__in=new_ids, hall_id=target.hall_id).order_by("pk")
    )
    if len(seats) != len(new_ids):
        strangers = ", ".join(map(str, sorted(set(new_ids) - {s.pk for s in seats})))
        raise ValidationFailed(
            _("Some seats are not in this showtime's hall."),
            fields={"seat_ids": [_("Not seats of this hall: %(ids)s.") % {"ids": strangers}]},
        )
    at = clock_now()  # after the locks
    stale = BookingSeat.objects.filter(
        showtime=target, seat_id__in=new_ids, status=BookingStatus.PENDING, booking__expires_at__lte=at
    ).values_list("booking_id", flat=True)
    booking_services._expire(sorted(set(stale)), at)
    taken = booking_services.seat_ids_taken_locked(showtime_id=target.pk, seat_ids=new_ids, at=at)
    if taken:
        raise SeatsUnavailable(_("%(count)s of these seats are not free.") % {"count": len(taken)}, seat_ids=taken)
    tariff = tariff_for(Tariff.objects.all(), local(target.starts_at))
    surcharge = target.surcharge
    before = _state(old_showtime, [t.seat for t in tickets], booking.total_price)
    old_total = booking.total_price
    by_place = sorted(seats, key=lambda s: (s.row_number, s.seat_number))
    try:
        # The conditional unique constraint is the last word, as for a hold.
        with transaction.atomic():
            for ticket, seat in zip(moving, by_place, strict=True):
                BookingSeat.objects.filter(pk=ticket.pk).update(
                    showtime=target,
                    seat=seat,
                    tariff=tariff,
                    tariff_name=tariff.name_in_default_language if tariff else "",
                    # Each ticket keeps its type (a child ticket stays a child ticket), repriced.
                    final_price=seat_price(seat.base_price, tariff, ticket.ticket_type, surcharge),
                    code_version=F("code_version") + 1,
                    updated_at=at,
                )
    except IntegrityError:
        taken = booking_services.seat_ids_taken_locked(showtime_id=target.pk, seat_ids=new_ids, at=at) or new_ids
        raise SeatsUnavailable(_("Some of these seats were just taken."), seat_ids=taken) from None
    new_total = sum(
        BookingSeat.objects.filter(booking=booking, status=BookingStatus.PAID).values_list("final_price", flat=True),
        Decimal("0.00"),
    )
    Booking.objects.filter(pk=booking.pk).update(showtime=target, total_price=new_total, updated_at=at)
    booking.showtime = target
    booking.total_price = new_total
    seat_maps_changed([old_showtime.pk, target.pk])
    mail_context = {"move": money(booking, old_total, new_total)}
    after_seats = [t.seat for t in tickets if t.seat_id in staying] + by_place
    after = _state(target, after_seats, new_total)
    _queue_moved_mail(booking, MailKind.BOOKING_MOVED, mail_context)
    return BookingMoved(booking=booking, before=before, after=after, old_total=old_total, new_total=new_total)


def _queue_moved_mail(booking: Booking, kind: MailKind, context: dict[str, Any]) -> None:
    if not booking.ticket_email:  # a walk-in sale without an email: the counter prints new tickets
        return
    mail_queue(
        kind=kind, to_email=booking.ticket_email, booking_id=booking.pk, language=booking.language, context=context
    )
    if booking.buyer_email and booking.ticket_email.lower() != booking.buyer_email.lower():
        mail_queue(
            kind=kind,
            to_email=booking.buyer_email,
            booking_id=booking.pk,
            language=booking.language,
            context=context,
        )


# --- moving a showtime in time ----------------------------------------------------------------


def showtime_move(*, showtime_id: int, starts_at: dt.datetime, staff_user: Actor) -> Showtime:
    """Move a showtime to another start in the same hall (in the future, not overlapping),
    whatever its bookings: each customer with a paid booking or a live hold is emailed
    ("your showtime moved", in their language, with the tickets and the calendar entry),
    in the same transaction. The tickets keep their codes. Moving hall or changing the
    movie of a showtime with tickets stays refused (scheduling.showtime_update)."""
    with transaction.atomic():
        showtime_sales_lock(showtime_id=showtime_id)
        before = row_or_not_found(
            Showtime.objects.select_related("movie", "hall"), _("No such showtime."), pk=showtime_id
        )
        if before.status == ShowtimeStatus.CANCELLED:
            raise InvalidState(_("A cancelled showtime cannot be changed."))
        if before.starts_at <= clock_now():
            raise InvalidState(_("The showtime has started; it can no longer be moved."))
        old_start = before.starts_at
        # showtime_update records the move (showtime.move, before → after) with the staff user.
        showtime = scheduling_services.showtime_update(
            showtime_id=showtime_id, starts_at=starts_at, with_sales=True, staff_user=staff_user
        )
        if showtime.starts_at == old_start:
            return showtime
        at = clock_now()
        bookings = list(
            Booking.objects.select_for_update(of=("self",))
            .select_related("customer")
            .filter(showtime_id=showtime_id, status__in=ACTIVE_STATUSES)
            .exclude(status=BookingStatus.PENDING, expires_at__lte=at)
            .order_by("pk")
        )
        # A hold never outlives the sales, which end when the show starts.
        Booking.objects.filter(
            pk__in=[b.pk for b in bookings], status=BookingStatus.PENDING, expires_at__gt=showtime.starts_at
        ).update(expires_at=showtime.starts_at, updated_at=at)
        context = {"old_starts_at": old_start.isoformat()}
        for booking in bookings:
            _queue_moved_mail(booking, MailKind.SHOWTIME_MOVED, context)
        seat_layouts_changed([showtime_id])  # a new start may bring another tariff
        return showtime


# --- what the staff pages show before a move --------------------------------------------------


@dataclass(frozen=True)
class MoveQuote:
    old_total: Decimal
    new_total: Decimal

    @property
    def difference(self) -> Decimal:
        return self.new_total - self.old_total


def move_quote(*, booking: Booking, showtime_id: int, seat_ids: Sequence[int]) -> MoveQuote:
    """What the booking would cost on these seats (as the move prices them: tickets staying on
    their seat keep their price, the others at the showtime's price now). Nothing is checked
    or locked: the move itself decides."""
    target = row_or_not_found(Showtime.objects.select_related("hall", "format"), _("No such showtime."), pk=showtime_id)
    tickets = list(
        BookingSeat.objects.filter(booking=booking, status=BookingStatus.PAID)
        .select_related("seat", "ticket_type")
        .order_by("seat__row_number", "seat__seat_number", "pk")
    )
    same = target.pk == booking.showtime_id
    staying = {t.seat_id: t.final_price for t in tickets if same and t.seat_id in set(seat_ids)}
    tariff = tariff_for(Tariff.objects.all(), local(target.starts_at))
    surcharge = target.surcharge
    new_seats = (
        Seat.objects.filter(pk__in=[i for i in seat_ids if i not in staying], hall_id=target.hall_id)
        .order_by("row_number", "seat_number")
        .values_list("base_price", flat=True)
    )
    # Paired as the move pairs them: the moving tickets in seat order onto the new seats in seat order.
    moving = [t for t in tickets if t.seat_id not in staying]
    new_total = sum(staying.values(), Decimal("0.00")) + sum(
        (seat_price(base, tariff, t.ticket_type, surcharge) for t, base in zip(moving, new_seats, strict=False)),
        Decimal("0.00"),
    )
    return MoveQuote(old_total=booking.total_price, new_total=new_total)


def move_targets(*, booking: Booking, limit: int = 60) -> list[Showtime]:
    """Showtimes a booking may move to: today's and upcoming scheduled ones whose sales are
    open, the same movie's first, then by start."""
    open_now = (
        Showtime.objects.filter(status=ShowtimeStatus.SCHEDULED, starts_at__gt=clock_now())
        .select_related("movie", "hall")
        .order_by("starts_at", "hall__number")
    )
    movie_id = booking.showtime.movie_id
    return list(open_now.filter(movie_id=movie_id)[:limit]) + list(open_now.exclude(movie_id=movie_id)[:limit])
