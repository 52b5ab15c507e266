"""A sale at the box office's counter: seats taken and sold in one step, inside the caller's
transaction (marquee.payments.counter records the money and the audit record in the same one).

What differs from a customer's hold (marquee.booking.services.booking_hold):
- no hold: the booking is paid at once (its seats sold), `channel` box office, `sold_by` the
  staff member;
- the public per-email and per-address hold limits do not apply (staff are the authority);
  a booking still has 1 to MAX_SEATS_PER_BOOKING seats;
- sales stay open for late-comers until BOX_OFFICE_SALES_MINUTES_AFTER_START minutes after the
  start, and never past the showtime's end (online sales close at the start);
- the customer's email is optional: without one the booking has no customer and nobody is
  told anything; a name without an email is kept as the ticket holder's name;
- a comp (method "comp") sells every seat at price 0 and needs a reason;
- staff may sell wheelchair spaces and companion seats at any time (the page notes them);
- the single-seat-gap rule (SINGLE_SEAT_GAPS, unless "allow") is checked on the showtime's
  occupancy read inside the sale's transaction, under "warn" as under "refuse": a sale that
  leaves one empty seat on its own is refused with SingleSeatGap (and a gap-free suggestion)
  unless staff override it (`allow_gap`, the page's "Sell anyway").

Every other rule of a hold stands: the seats belong to the showtime's hall and are free
(an expired hold frees its seats first), the locks are taken in the order every hold takes
them, and the conditional unique constraint on BookingSeat is the last word.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from marquee.booking.models import COMP, Booking, BookingSeat, BookingStatus, Channel, Customer
from marquee.booking.seat_rules import gap_free_alternative, leaves_single_gap
from marquee.booking.seating import SINGLE_SEAT_LEFT, hall_places, showtime_taken
from marquee.booking.selectors import with_seats_taken
from marquee.booking.services import (
    MAX_ID,
    CustomerDetails,
    _check_seat_ids,
    _clean_email,
    _clean_text,
    _customers_by_email,
    _expire,
    _lock_seats,
    _mail_language,
    _queue_ticket_mail,
    _taken_seat_ids,
    customer_upsert,
)
from marquee.booking.tokens import hash_token, new_reference, new_token
from marquee.core.clock import day_bounds, local
from marquee.core.clock import now as clock_now
from marquee.core.errors import NotFound, SalesClosed, SeatsUnavailable, SingleSeatGap, ValidationFailed
from marquee.core.rows import row_or_not_found
from marquee.pricing.models import Tariff
from marquee.pricing.prices import seat_price, tariff_for
from marquee.pricing.ticket_types import ticket_types_for_seats
from marquee.scheduling.locks import showtime_sales_lock_shared
from marquee.scheduling.models import Showtime, ShowtimeStatus
from marquee.scheduling.seat_map_cache import seat_maps_changed


@dataclass(frozen=True)
class SeatChoice:
    """One seat of a counter sale, as staff chose it.

    `ticket_type` is the type's code (issue 13); empty for the default type. The seat is priced
    by the tariff in force, the type and the format's surcharge, as online.
    """

    seat_id: int
    ticket_type: str = ""


def counter_sales_close_at(showtime: Showtime) -> dt.datetime:
    """When the box office stops selling a showtime: BOX_OFFICE_SALES_MINUTES_AFTER_START after
    its start, and never past its end."""
    late = showtime.starts_at + dt.timedelta(minutes=settings.BOX_OFFICE_SALES_MINUTES_AFTER_START)
    return min(late, showtime.ends_at)


def counter_sales_open(showtime: Showtime, at: dt.datetime) -> bool:
    return showtime.status == ShowtimeStatus.SCHEDULED and at < counter_sales_close_at(showtime)


def _check_counter_sales_open(showtime: Showtime, at: dt.datetime) -> None:
    if showtime.status == ShowtimeStatus.CANCELLED:
        raise SalesClosed(_("This showtime has been cancelled."))
    if not counter_sales_open(showtime, at):
        raise SalesClosed(_("The box office no longer sells this showtime: it began too long ago."))


@dataclass(frozen=True)
class _SaleInput:
    seat_ids: list[int]
    email: str
    name: str
    comp_reason: str


def _validate(*, seats: Sequence[SeatChoice], email: str, name: str, method: str, comp_reason: str) -> _SaleInput:
    errors: dict[str, list[str]] = {}
    seat_ids = [choice.seat_id for choice in seats]
    _check_seat_ids(seat_ids, errors)
    clean_email = _clean_email(email, "email", errors) if email.strip() else ""
    clean_name = _clean_text(name, "name", errors, max_length=200)
    reason = _clean_text(comp_reason, "comp_reason", errors, max_length=200, required=method == COMP)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)
    return _SaleInput(
        seat_ids=sorted(seat_ids), email=clean_email, name=clean_name, comp_reason=reason if method == COMP else ""
    )


def _buyer(email: str, name: str, at: dt.datetime) -> Customer | None:
    """The customer with this email (refreshed with the name when one is given), or None."""
    if not email:
        return None
    if name:
        first, _space, last = name.partition(" ")
        return customer_upsert(
            details=CustomerDetails(first_name=first, last_name=last.strip(), email=email),
            marketing_consent=False,
            at=at,
        )
    known = _customers_by_email(email).select_for_update().first()
    if known is not None:
        return known  # a counter sale without a name never blanks the name we have
    return customer_upsert(
        details=CustomerDetails(first_name="", last_name="", email=email), marketing_consent=False, at=at
    )


def _create_sold_booking(
    *,
    buyer: Customer | None,
    showtime: Showtime,
    at: dt.datetime,
    total: Decimal,
    data: _SaleInput,
    method: str,
    payment_reference: str,
    staff_user: User | None,
    language: str,
) -> Booking:
    token_hash = hash_token(new_token())  # never shown: staff need no token, and the email has a signed link
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Booking.objects.create(
                    reference=new_reference(),
                    token_hash=token_hash,
                    customer=buyer,
                    showtime=showtime,
                    status=BookingStatus.PAID,
                    total_price=total,
                    booked_at=at,
                    expires_at=at,
                    paid_at=at,
                    payment_method=method,
                    payment_reference=payment_reference,
                    recipient_name="" if buyer is not None else data.name,
                    language=_mail_language(language),
                    channel=Channel.BOX_OFFICE,
                    sold_by=staff_user if staff_user is not None and staff_user.pk else None,
                    comp_reason=data.comp_reason,
                )
        except IntegrityError:
            continue  # a reference collision: draw again
    raise RuntimeError("could not draw a unique booking reference")  # pragma: no cover


def _single_seat_gap(showtime: Showtime, seat_ids: list[int], at: dt.datetime, *, allow: bool) -> bool:
    """Whether selling `seat_ids` leaves one empty seat on its own when some choice of as many
    seats would not: SingleSeatGap (with that choice as the suggestion) unless `allow`, else
    True (staff sold anyway). Reads the hall's places and the showtime's taken seats inside the
    sale's transaction (after the seats' locks)."""
    places = hall_places(showtime.hall_id)
    taken = showtime_taken(showtime.pk, at)
    if not leaves_single_gap(places, taken, seat_ids):
        return False
    suggestion = gap_free_alternative(places, taken, seat_ids)
    if suggestion is None:
        return False  # every choice of that many seats leaves one: the last seats still sell
    if allow:
        return True
    raise SingleSeatGap(SINGLE_SEAT_LEFT, seat_ids=seat_ids, suggestion=suggestion)


@dataclass(frozen=True)
class Sold:
    booking: Booking  # with its showtime (movie and hall) and customer
    seats: list[BookingSeat]  # with their seats, by row and number
    gap_overridden: bool = False  # sold though it leaves a single seat (staff chose "Sell anyway")


def booking_sell(
    *,
    showtime_id: int,
    seats: Sequence[SeatChoice],
    method: str,
    payment_reference: str,
    staff_user: User | None,
    email: str = "",
    name: str = "",
    comp_reason: str = "",
    language: str = "",
    allow_gap: bool = False,
) -> Sold:
    """Sell these seats at the counter, paid at once, inside the caller's transaction (which
    records the payment). `method` is what the booking records as its payment method ("cash",
    "card_terminal" or "comp"). Raises ValidationFailed, NotFound, SalesClosed,
    SeatsUnavailable (naming every seat held or sold) or SingleSeatGap (unless `allow_gap`:
    staff chose to sell anyway); with an email, the tickets are queued."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("booking_sell() must run inside transaction.atomic()")
    data = _validate(seats=seats, email=email, name=name, method=method, comp_reason=comp_reason)
    if isinstance(showtime_id, bool) or not 0 < showtime_id <= MAX_ID:
        raise NotFound(_("No such showtime."))
    # The order every hold locks in: the showtime's sales, the seats by id, lapsed holds, the customer.
    showtime_sales_lock_shared(showtime_id=showtime_id)
    showtime = row_or_not_found(
        Showtime.objects.select_related("hall", "movie", "format"), _("No such showtime."), pk=showtime_id
    )
    types = ticket_types_for_seats(
        seat_ids=data.seat_ids,
        chosen={c.seat_id: c.ticket_type for c in seats if c.ticket_type},
        age_rating=showtime.movie.age_rating,
    )
    _check_counter_sales_open(showtime, clock_now())
    locked = _lock_seats(showtime, data.seat_ids)
    at = clock_now()
    _check_counter_sales_open(showtime, at)
    stale = BookingSeat.objects.filter(
        showtime=showtime, seat_id__in=data.seat_ids, status=BookingStatus.PENDING, booking__expires_at__lte=at
    ).values_list("booking_id", flat=True)
    _expire(sorted(set(stale)), at)
    taken = _taken_seat_ids(showtime.pk, data.seat_ids, at)
    if taken:
        raise SeatsUnavailable(
            _("%(count)s of these seats are no longer free.") % {"count": len(taken)}, seat_ids=taken
        )
    gap_left = settings.SINGLE_SEAT_GAPS != "allow" and _single_seat_gap(showtime, data.seat_ids, at, allow=allow_gap)
    buyer = _buyer(data.email, data.name, at)
    tariff: Tariff | None = tariff_for(Tariff.objects.all(), local(showtime.starts_at))
    comp = method == COMP
    surcharge = showtime.surcharge
    prices = {
        s.pk: Decimal("0.00") if comp else seat_price(s.base_price, tariff, types[s.pk], surcharge) for s in locked
    }
    booking = _create_sold_booking(
        buyer=buyer,
        showtime=showtime,
        at=at,
        total=sum(prices.values(), Decimal("0.00")),
        data=data,
        method=method,
        payment_reference=payment_reference,
        staff_user=staff_user,
        language=language,
    )
    try:
        with transaction.atomic():
            sold = BookingSeat.objects.bulk_create(
                BookingSeat(
                    booking=booking,
                    showtime=showtime,
                    seat=s,
                    tariff=tariff,
                    tariff_name=tariff.name_in_default_language if tariff else "",
                    ticket_type=types[s.pk],
                    ticket_type_code=getattr(types[s.pk], "code", ""),
                    ticket_type_name=getattr(types[s.pk], "name_in_default_language", ""),
                    final_price=prices[s.pk],
                    status=BookingStatus.PAID,
                )
                for s in locked
            )
    except IntegrityError:
        taken = _taken_seat_ids(showtime.pk, data.seat_ids, clock_now()) or data.seat_ids
        raise SeatsUnavailable(_("Some of these seats were just taken."), seat_ids=taken) from None
    seat_maps_changed([showtime.pk])
    if booking.ticket_email:
        _queue_ticket_mail(booking)
    return Sold(
        booking=booking,
        seats=sorted(sold, key=lambda bs: (bs.seat.row_number, bs.seat.seat_number)),
        gap_overridden=gap_left,
    )


# --- what the counter shows ---------------------------------------------------------------

COUNTER_DAYS = 7  # today and the next six days


@dataclass(frozen=True)
class CounterDay:
    day: dt.date
    showtimes: list[Showtime]  # by start, each with `seats_taken` (see seats_free)


def counter_showtimes(*, at: dt.datetime | None = None, days: int = COUNTER_DAYS) -> list[CounterDay]:
    """The showtimes the box office can sell now, today's first (late-comers' included), then
    the next days', by day. One query."""
    at = at or clock_now()
    today = local(at).date()
    earliest = at - dt.timedelta(minutes=settings.BOX_OFFICE_SALES_MINUTES_AFTER_START)
    shows = with_seats_taken(
        Showtime.objects.filter(
            status=ShowtimeStatus.SCHEDULED,
            starts_at__gt=earliest,
            starts_at__lt=day_bounds(today + dt.timedelta(days=days - 1))[1],
        )
        .select_related("movie", "hall", "format", "language_version")
        .order_by("starts_at", "hall__number"),
        at,
    )
    by_day: dict[dt.date, list[Showtime]] = {}
    for show in shows:
        if counter_sales_open(show, at):
            by_day.setdefault(local(show.starts_at).date(), []).append(show)
    return [CounterDay(day=day, showtimes=found) for day, found in by_day.items()]
