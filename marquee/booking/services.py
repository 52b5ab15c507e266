"""Holding, paying, cancelling and expiring bookings: the only code that changes them.

The site, the API, the admin, the back office and the worker all call these functions.
Every seat is sold at most once per showtime: the services check first so that they can
name the seats in conflict, and the conditional unique constraint on BookingSeat is the
last word when two customers reach for the same seat in the same instant.
"""

import copy
import datetime as dt
import logging
import re
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from marquee.audit.services import Actor, audit_record
from marquee.booking import hold_pricing, hold_sql, seating
from marquee.booking.hold_pricing import price_seats
from marquee.booking.lifecycle import sources_for
from marquee.booking.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingSeat,
    BookingStatus,
    CancelReason,
    Customer,
    SeatBlock,
)
from marquee.booking.seat_events import seats_freed
from marquee.booking.seat_rules import Place
from marquee.booking.selectors import booking_detail
from marquee.booking.tokens import (
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
    hash_token,
    new_reference,
    new_token,
    normalise_reference,
    token_matches,
)
from marquee.core.clock import now as clock_now
from marquee.core.errors import (
    CancelWindowClosed,
    DomainError,
    InvalidState,
    NotFound,
    RateLimited,
    SalesClosed,
    SeatsUnavailable,
    SingleSeatGap,
    ValidationFailed,
)
from marquee.core.rows import row_or_not_found
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.notifications.services import mail_check_resend_allowed, mail_queue
from marquee.pricing.models import Tariff, TicketType
from marquee.scheduling.locks import showtime_sales_lock, showtime_sales_lock_key, showtime_sales_lock_shared
from marquee.scheduling.models import Showtime, ShowtimeStatus
from marquee.scheduling.seat_map_cache import seat_layouts_changed, seat_maps_changed
from marquee.venues.models import Seat

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CustomerDetails:
    first_name: str
    last_name: str
    email: str
    phone: str = ""


@dataclass(frozen=True)
class HoldResult:
    booking: Booking  # with its showtime (movie and hall) and customer
    token: str  # shown once; only its hash is stored
    seats: list[BookingSeat]  # with their seats, by row and number: the answer needs no query
    warnings: tuple[str, ...] = ()  # e.g. "single_seat_gap": held, though it strands a seat (warn)


# --- validation -----------------------------------------------------------------------

# The largest id a database row can have (a 64-bit signed integer): anything beyond is not
# an id, and PostgreSQL would refuse to compare it.
MAX_ID = 2**63 - 1
# Characters no name, phone or message holds; PostgreSQL refuses NUL outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_text(
    raw: str,
    field: str,
    errors: dict[str, list[str]],
    *,
    max_length: int,
    required: bool = False,
    multiline: bool = False,
) -> str:
    text = raw.strip()
    if required and not text:
        errors[field] = [_("This field is required.")]
    elif len(text) > max_length:
        errors[field] = [_("At most %(count)s characters.") % {"count": max_length}]
    elif _CONTROL.search(text) or (not multiline and ("\n" in text or "\r" in text)):
        errors[field] = [_("Remove the control characters.")]
    return text


def _clean_email(raw: str, field: str, errors: dict[str, list[str]]) -> str:
    email = raw.strip()
    try:
        if len(email) > 254 or _CONTROL.search(email):
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        errors[field] = [_("Enter a valid email address.")]
    return email


def _check_seat_ids(seat_ids: Sequence[int], errors: dict[str, list[str]]) -> None:
    maximum = settings.MAX_SEATS_PER_BOOKING
    if not seat_ids:
        errors["seat_ids"] = [_("Choose at least one seat.")]
    elif len(seat_ids) > maximum:
        errors["seat_ids"] = [_("Choose at most %(count)s seats.") % {"count": maximum}]
    elif any(isinstance(i, bool) or not isinstance(i, int) or not 0 < i <= MAX_ID for i in seat_ids):
        errors["seat_ids"] = [_("Seat ids are positive whole numbers.")]
    elif len(set(seat_ids)) != len(seat_ids):
        errors["seat_ids"] = [_("Each seat may be chosen once.")]


@dataclass(frozen=True)
class _HoldInput:
    customer: CustomerDetails
    recipient_name: str
    recipient_email: str
    gift_message: str


def _validate_hold_input(
    *, seat_ids: Sequence[int], customer: CustomerDetails, recipient_name: str, recipient_email: str, gift_message: str
) -> _HoldInput:
    """Every problem at once, keyed by the API's field names."""
    errors: dict[str, list[str]] = {}
    _check_seat_ids(seat_ids, errors)
    first = _clean_text(customer.first_name, "customer.first_name", errors, max_length=100, required=True)
    last = _clean_text(customer.last_name, "customer.last_name", errors, max_length=100, required=True)
    email = _clean_email(customer.email, "customer.email", errors)
    phone = _clean_text(customer.phone, "customer.phone", errors, max_length=32)
    to_name = _clean_text(recipient_name, "recipient.name", errors, max_length=200)
    to_email = ""
    if recipient_email.strip():
        to_email = _clean_email(recipient_email, "recipient.email", errors)
        if not to_name and "recipient.name" not in errors:
            errors["recipient.name"] = [_("Give the recipient's name.")]
    elif to_name:
        errors["recipient.email"] = [_("Give the recipient's email, or leave the recipient out.")]
    message = _clean_text(gift_message, "gift_message", errors, max_length=1000, multiline=True)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)
    return _HoldInput(
        customer=CustomerDetails(first_name=first, last_name=last, email=email, phone=phone),
        recipient_name=to_name if to_email else "",
        recipient_email=to_email,
        gift_message=message if to_email else "",
    )


# --- customers -------------------------------------------------------------------------


def _customers_by_email(email: str) -> QuerySet[Customer]:
    # Lower(email) is what the unique index holds, so the lookup uses it on both engines.
    return Customer.objects.alias(email_lower=Lower("email")).filter(email_lower=email.lower())


def customer_upsert(*, details: CustomerDetails, marketing_consent: bool, at: dt.datetime) -> Customer:
    """The customer with this email, whatever its case, refreshed from this booking.

    Name (and phone, when given) come from the latest booking. Consent is recorded (with
    its time) only when given; leaving the box unticked never withdraws a consent given
    before: withdrawing is its own act (unsubscribe).
    """
    # No savepoint of its own inside a hold's transaction (two statements fewer per hold):
    # the insert below has its own, which is all that a concurrent first booking needs.
    with transaction.atomic(savepoint=False):
        for _attempt in range(3):
            customer = _customers_by_email(details.email).select_for_update().first()
            if customer is None:
                try:
                    with transaction.atomic():
                        return Customer.objects.create(
                            first_name=details.first_name,
                            last_name=details.last_name,
                            email=details.email,
                            phone=details.phone,
                            marketing_consent=marketing_consent,
                            marketing_consent_at=at if marketing_consent else None,
                        )
                except IntegrityError:
                    continue  # created by a concurrent booking a moment ago: read it
            customer.first_name = details.first_name
            customer.last_name = details.last_name
            if details.phone:
                customer.phone = details.phone
            if marketing_consent and not customer.marketing_consent:
                customer.marketing_consent = True
                customer.marketing_consent_at = at
                customer.marketing_withdrawn_at = None
            customer.save()
            return customer
    raise RuntimeError("could not create or read the customer")  # pragma: no cover


def customer_withdraw_consent(*, customer_id: int) -> Customer:
    with transaction.atomic():
        customer = row_or_not_found(Customer.objects.select_for_update(), "No such customer.", pk=customer_id)
        if customer.marketing_consent:
            customer.marketing_consent = False
            customer.marketing_withdrawn_at = clock_now()
            customer.save(update_fields=["marketing_consent", "marketing_withdrawn_at", "updated_at"])
        return customer


# --- holding seats ---------------------------------------------------------------------


def _expire(booking_ids: Sequence[int], at: dt.datetime) -> int:
    """Cancel (reason `expired`) the pending bookings among `booking_ids` whose hold has
    lapsed by `at`. Runs inside a transaction.

    The bookings are locked first (in id order) and only those still pending after the
    lock are touched, seats included: a booking paid a moment ago by another transaction
    keeps its seats.
    """
    if not booking_ids:
        return 0
    rows = list(
        Booking.objects.select_for_update()
        .filter(pk__in=list(booking_ids), status__in=sources_for(BookingStatus.CANCELLED, CancelReason.EXPIRED))
        .filter(status=BookingStatus.PENDING, expires_at__lte=at)
        .order_by("pk")
        .values_list("pk", "showtime_id")
    )
    if not rows:
        return 0
    lapsed = [pk for pk, _showtime_id in rows]
    seat_maps_changed(showtime_id for _pk, showtime_id in rows)
    seats_freed(showtime_id for _pk, showtime_id in rows)
    count = Booking.objects.filter(pk__in=lapsed, status=BookingStatus.PENDING).update(
        status=BookingStatus.CANCELLED, cancelled_at=at, cancel_reason=CancelReason.EXPIRED, updated_at=at
    )
    BookingSeat.objects.filter(booking_id__in=lapsed, status=BookingStatus.PENDING).update(
        status=BookingStatus.CANCELLED, updated_at=at
    )
    return count


def _taken_seat_ids(showtime_id: int, seat_ids: Sequence[int], at: dt.datetime) -> list[int]:
    """Seats among `seat_ids` held (unexpired), sold or kept back by staff for the showtime."""
    booked = (
        BookingSeat.objects.filter(showtime_id=showtime_id, seat_id__in=list(seat_ids), status__in=ACTIVE_STATUSES)
        .filter(Q(status=BookingStatus.PAID) | Q(booking__expires_at__gt=at))
        .values_list("seat_id", flat=True)
        .order_by()
    )
    kept = (
        SeatBlock.objects.filter(showtime_id=showtime_id, seat_id__in=list(seat_ids)).values_list("seat_id").order_by()
    )
    return sorted(set(booked.union(kept).order_by()))


def _retry_on_deadlock[T](fn: Callable[[], T], attempts: int = 4) -> T:
    """Run a transaction again when PostgreSQL chose it as a deadlock victim.

    Locks are taken in a fixed order (showtime sales, seats by id, lapsed bookings by id,
    the customer), which rules deadlocks out among holds; this covers what is left. SQLite
    never deadlocks here: its write transactions begin IMMEDIATE and queue.
    """
    for attempt in range(attempts):
        try:
            return fn()
        except OperationalError as error:
            cause = getattr(error, "__cause__", None)
            sqlstate = getattr(cause, "sqlstate", None)
            in_outer = transaction.get_connection().in_atomic_block
            retriable = connection.vendor == "postgresql" and sqlstate in {"40P01", "40001"} and not in_outer
            if not retriable or attempt == attempts - 1:
                raise
            log.info("booking transaction retried after %s", sqlstate)
    raise AssertionError("unreachable")  # pragma: no cover


def seat_ids_taken_locked(*, showtime_id: int, seat_ids: Sequence[int], at: dt.datetime) -> list[int]:
    """Seats among `seat_ids` held, sold or kept back, for a service that locked them."""
    return _taken_seat_ids(showtime_id, seat_ids, at)


# Advisory lock keys for "holds from client address A": a namespace in the high half, a
# hash of the address in the low (a collision only makes two addresses queue together).
_CLIENT_HOLDS_LOCK = (zlib.crc32(b"marquee.client.holds") & 0x7FFFFFFF) << 32


def _showtime_for_hold(showtime_id: int, client_ip: str) -> Showtime:
    if client_ip and settings.MAX_PENDING_SEATS_PER_CLIENT and connection.vendor == "postgresql":
        # One statement for both locks, taken left to right in the fixed order of every hold
        # (the showtime's sales, then the address): two holds from one address queue here, so
        # the count of the address's pending seats below cannot pass for both of them. Holds
        # of one email queue on the customer's row lock (customer_upsert) instead.
        sales = showtime_sales_lock_key(showtime_id)
        client = _CLIENT_HOLDS_LOCK | zlib.crc32(client_ip.encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s), pg_advisory_xact_lock(%s)", [sales, client])
    else:
        showtime_sales_lock_shared(showtime_id=showtime_id)
    return row_or_not_found(
        Showtime.objects.select_related("hall", "movie", "format"), "No such showtime.", pk=showtime_id
    )


def _check_sales_open(showtime: Showtime, at: dt.datetime) -> None:
    if showtime.status == ShowtimeStatus.CANCELLED:
        raise SalesClosed("This showtime has been cancelled.")
    if showtime.starts_at <= at:
        raise SalesClosed("Sales for this showtime have closed: it has started.")


def _lock_seats(showtime: Showtime, wanted: list[int]) -> list[Seat]:
    """The asked seats of the showtime's hall, row-locked in id order (PostgreSQL).

    Two holds reaching for a common seat queue on its lock, so the second one sees the
    first one's seats once it may go on, and names every seat in conflict. Holds of other
    seats pass freely. FOR NO KEY UPDATE lets other rows keep referencing the seats.
    """
    seats = list(
        Seat.objects.select_for_update(no_key=True).filter(pk__in=wanted, hall_id=showtime.hall_id).order_by("pk")
    )
    if len(seats) != len(wanted):
        strangers = sorted(set(wanted) - {s.pk for s in seats})
        raise ValidationFailed(
            "Some seats are not in this showtime's hall.",
            fields={"seat_ids": [f"Not seats of this hall: {', '.join(map(str, strangers))}."]},
        )
    return seats


def _check_hold_limits(*, buyer: Customer, showtime: Showtime, client_ip: str, adding: int, at: dt.datetime) -> None:
    """What one customer and one client may hold at once, counted in one query: the buyer's
    pending seats for this showtime (at most MAX_SEATS_PER_BOOKING, across its bookings) and
    the address's pending seats for any showtime (at most MAX_PENDING_SEATS_PER_CLIENT)."""
    per_email = settings.MAX_SEATS_PER_BOOKING
    per_client = settings.MAX_PENDING_SEATS_PER_CLIENT if client_ip else 0
    mine = Q(booking__customer_id=buyer.pk, booking__showtime_id=showtime.pk)
    theirs = Q(booking__client_ip=client_ip)
    pending = BookingSeat.objects.filter(
        status=BookingStatus.PENDING, booking__status=BookingStatus.PENDING, booking__expires_at__gt=at
    )
    if per_client:
        counts = pending.filter(mine | theirs).aggregate(
            email=Count("pk", filter=mine), client=Count("pk", filter=theirs)
        )
    else:
        counts = {"email": pending.filter(mine).count(), "client": 0}
    if counts["email"] + adding > per_email:
        raise _over_email_limit(counts["email"])
    if per_client and counts["client"] + adding > per_client:
        raise _over_client_limit(counts["client"])


def _over_email_limit(held: int) -> RateLimited:
    per_email = settings.MAX_SEATS_PER_BOOKING
    return RateLimited(
        f"This email already holds {held} unpaid seats for this showtime, and one customer may "
        f"hold at most {per_email}: pay for or cancel those first, or wait until their hold ends.",
        limit="seats_per_customer",
        held=held,
        maximum=per_email,
    )


def _over_client_limit(held: int) -> RateLimited:
    per_client = settings.MAX_PENDING_SEATS_PER_CLIENT
    return RateLimited(
        f"Your address already holds {held} unpaid seats, and one address may hold at most "
        f"{per_client} at once: pay for or cancel those first, or wait until their hold ends.",
        limit="seats_per_client",
        held=held,
        maximum=per_client,
    )


def booking_hold(
    *,
    showtime_id: int,
    seat_ids: Sequence[int],
    customer: CustomerDetails,
    recipient_name: str = "",
    recipient_email: str = "",
    gift_message: str = "",
    marketing_consent: bool = False,
    language: str = "",
    client_ip: str = "",
    ticket_types: Mapping[int, str] | None = None,
    savepoint: bool = True,
    wheelchair: bool = False,
    gap_rule: str | None = None,
) -> HoldResult:
    """Hold all the seats or none, for HOLD_MINUTES (never past the start), priced by the
    tariff in force, each seat's ticket type (`ticket_types`: seat id → type code; a seat not
    named is the default type's) and the showtime's format surcharge. Raises ValidationFailed,
    NotFound, SalesClosed, SeatsUnavailable (naming every seat held or sold) or RateLimited
    (the email's or the client address's pending seats would pass their limit; `client_ip`
    from marquee.core.client, "" for none). `savepoint=False` for a caller whose transaction
    ends with any error the hold raises (checkout_hold): no savepoint, two round trips fewer.

    The seating rules (booking/seating.py): wheelchair spaces and companion seats only for a
    customer who needs one (`wheelchair`) until ACCESSIBLE_RELEASE_MINUTES before the show
    (WheelchairOnly otherwise); a hold that strands a single seat is refused (SingleSeatGap,
    with a suggestion), held with the warning "single_seat_gap" or held, as `gap_rule` (else
    SINGLE_SEAT_GAPS) says; never refused when every choice of as many seats strands one."""
    rule = seating.gap_rule_in_force(gap_rule)
    data = _validate_hold_input(
        seat_ids=seat_ids,
        customer=customer,
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        gift_message=gift_message,
    )
    if isinstance(showtime_id, bool) or not 0 < showtime_id <= MAX_ID:
        raise NotFound("No such showtime.")
    wanted = sorted(set(seat_ids))
    token = new_token()
    if connection.vendor == "postgresql":
        booking, booked, warnings = _hold_on_postgresql(
            showtime_id=showtime_id,
            wanted=wanted,
            data=data,
            token=token,
            ticket_types=ticket_types,
            marketing_consent=marketing_consent,
            language=_mail_language(language),
            client_ip=client_ip,
            savepoint=savepoint,
            wheelchair=wheelchair,
            rule=rule,
        )
        return HoldResult(booking=booking, token=token, seats=booked, warnings=warnings)

    def attempt() -> tuple[Booking, list[BookingSeat], tuple[str, ...]]:
        with transaction.atomic():
            showtime = _showtime_for_hold(showtime_id, client_ip)
            _check_sales_open(showtime, clock_now())
            seats = _lock_seats(showtime, wanted)
            at = clock_now()  # read after the locks: whoever we waited for has finished
            _check_sales_open(showtime, at)
            # An expired hold never blocks a seat, even before the sweeper has run.
            stale = BookingSeat.objects.filter(
                showtime=showtime, seat_id__in=wanted, status=BookingStatus.PENDING, booking__expires_at__lte=at
            ).values_list("booking_id", flat=True)
            _expire(sorted(set(stale)), at)
            taken = _taken_seat_ids(showtime.pk, wanted, at)
            if taken:
                raise SeatsUnavailable(
                    f"{len(taken)} of these seats {'is' if len(taken) == 1 else 'are'} no longer free.", seat_ids=taken
                )

            buyer = customer_upsert(details=data.customer, marketing_consent=marketing_consent, at=at)
            _check_hold_limits(buyer=buyer, showtime=showtime, client_ip=client_ip, adding=len(wanted), at=at)
            refused = seating.check_wheelchair(
                {s.pk: s.seat_type for s in seats}, wheelchair=wheelchair, starts_at=showtime.starts_at, at=at
            )
            if refused is not None:
                raise refused
            priced = price_seats(
                showtime=showtime,
                seats=seats,
                tariffs=list(Tariff.objects.all()),
                ticket_types=list(TicketType.objects.all()),
                chosen=ticket_types,
            )
            tariff = priced.tariff
            booking = _create_booking(
                buyer=buyer,
                showtime=showtime,
                at=at,
                total=priced.total,
                token=token,
                recipient_name=data.recipient_name,
                recipient_email=data.recipient_email,
                gift_message=data.gift_message,
                language=_mail_language(language),
                client_ip=client_ip,
            )
            try:
                # The conditional unique constraint is the last word, whatever the checks
                # above missed. One statement, seats in id order; no savepoint: SQLite undoes
                # only the statement that failed, and the transaction goes on.
                booked = BookingSeat.objects.bulk_create(
                    BookingSeat(
                        booking=booking,
                        showtime=showtime,
                        seat=seat,
                        tariff=tariff,
                        tariff_name=tariff.name_in_default_language if tariff else "",
                        ticket_type=kind,
                        ticket_type_code=getattr(kind, "code", ""),
                        ticket_type_name=getattr(kind, "name_in_default_language", ""),
                        final_price=price,
                        status=BookingStatus.PENDING,
                    )
                    for seat, kind, price in priced.lines
                )
            except IntegrityError:
                taken = _taken_seat_ids(showtime.pk, wanted, clock_now()) or wanted
                raise SeatsUnavailable("Some of these seats were just taken.", seat_ids=taken) from None
            warnings = _gap_verdict_sqlite(showtime, seats, wanted, rule=rule, wheelchair=wheelchair, at=at)
            seat_maps_changed([showtime.pk])
            return booking, sorted(booked, key=lambda bs: (bs.seat.row_number, bs.seat.seat_number)), warnings

    booking, booked, warnings = attempt()  # SQLite never deadlocks: its write transactions queue
    return HoldResult(booking=booking, token=token, seats=booked, warnings=warnings)


def _gap_verdict_sqlite(
    showtime: Showtime, seats: Sequence[Seat], wanted: Sequence[int], *, rule: str, wheelchair: bool, at: dt.datetime
) -> tuple[str, ...]:
    """The single-seat rule on SQLite: the rows the hold touched, read in its transaction."""
    if rule == "allow":
        return ()
    rows = Seat.objects.filter(hall_id=showtime.hall_id, row_number__in={s.row_number for s in seats})
    places = [Place(pk, row, column, "", False) for pk, row, column in rows.values_list("pk", "row_number", "column")]
    return seating.gap_verdict(
        rule=rule,
        row_places=places,
        row_taken=set(_taken_seat_ids(showtime.pk, [p.seat_id for p in places], at)),
        wanted=wanted,
        showtime_id=showtime.pk,
        hall_id=showtime.hall_id,
        at=at,
        allowed=seating.may_sit(wheelchair=wheelchair, released=seating.wheelchair_released(showtime.starts_at, at)),
    )


# How often best available reads the showtime again and chooses anew when another customer
# took a seat of its choice first (or a choice now strands a seat).
_BEST_ATTEMPTS = 6


def best_seats_held[T](
    *, showtime_id: int, count: int, seat_type: str | None, wheelchair: bool, hold: Callable[[Sequence[int]], T]
) -> T:
    """Choose the best free block (seating.best_seats) and hold it with `hold`, which runs its
    own transaction; when a seat of it was taken meanwhile, or it now strands a seat, read the
    showtime again and choose again. Two customers asking at once get different seats.
    SeatsUnavailable (no `seat_ids`) when no block of `count` seats is free."""
    refused: tuple[list[int], SingleSeatGap] | None = None
    for attempt in range(_BEST_ATTEMPTS):
        chosen = seating.best_seats(showtime_id, count, seat_type, wheelchair)
        if not chosen:
            raise SeatsUnavailable(seating.NOT_TOGETHER, seat_ids=[])
        if refused is not None and refused[0] == chosen:
            # Every block strands a seat and some scattered choice does not: the refusal, with
            # its suggestion, is the answer (choosing again would choose the same block).
            raise refused[1]
        try:
            return hold(chosen)
        except (SeatsUnavailable, SingleSeatGap) as error:
            if attempt == _BEST_ATTEMPTS - 1:
                raise
            refused = (chosen, error) if isinstance(error, SingleSeatGap) else None
            log.info("best available chose again for showtime %s", showtime_id)
    raise AssertionError("unreachable")  # pragma: no cover


def booking_hold_best(
    *,
    showtime_id: int,
    count: int,
    seat_type: str | None = None,
    customer: CustomerDetails,
    wheelchair: bool = False,
    gap_rule: str | None = None,
    **kwargs: Any,
) -> HoldResult:
    """Hold the best free block of `count` seats (of `seat_type`, when given): in the zone,
    centred, together in one row, else over adjacent rows (seat_rules.best_block); the other
    arguments as booking_hold's. SeatsUnavailable when no block is free."""

    def hold(chosen: Sequence[int]) -> HoldResult:
        return booking_hold(
            showtime_id=showtime_id,
            seat_ids=chosen,
            customer=customer,
            wheelchair=wheelchair,
            gap_rule=gap_rule,
            **kwargs,
        )

    return best_seats_held(showtime_id=showtime_id, count=count, seat_type=seat_type, wheelchair=wheelchair, hold=hold)


# How often a hold reads the kept pricing data again when the database finds it out of date
# (staff changing prices at that very moment, again and again, is the only way past one).
_STALE_ATTEMPTS = 3


def _hold_on_postgresql(
    *,
    showtime_id: int,
    wanted: list[int],
    data: _HoldInput,
    token: str,
    ticket_types: Mapping[int, str] | None,
    marketing_consent: bool,
    language: str,
    client_ip: str,
    savepoint: bool,
    wheelchair: bool,
    rule: str,
) -> tuple[Booking, list[BookingSeat], tuple[str, ...]]:
    """booking_hold on PostgreSQL: priced from the per-process copy (hold_pricing.py), then
    BEGIN, the database function (hold_sql.py) and COMMIT. The wheelchair rule is decided from
    the copy (the function checks the asked seats' types against it); the single-seat rule from
    the occupancy of the touched rows the function answers after its insert."""
    per_client = settings.MAX_PENDING_SEATS_PER_CLIENT if client_ip else 0
    for _attempt in range(_STALE_ATTEMPTS):
        pricing = hold_pricing.pricing_copy()
        kept = hold_pricing.showtime_copy(showtime_id)
        if kept is None:
            raise NotFound("No such showtime.")
        showtime = kept.showtime
        hall = showtime.hall_id
        placeholder: hold_pricing.SeatFacts = (0, 0, "", Decimal(0))  # not in the copy: the database says why
        seats = [hold_pricing.seat_from_facts(pk, hall, kept.seats.get(pk, placeholder)) for pk in wanted]
        refused: DomainError | None = None
        priced: hold_pricing.PricedSeats | None = None
        try:
            priced = hold_pricing.price_seats(
                showtime=showtime,
                seats=seats,
                tariffs=pricing.tariffs,
                ticket_types=pricing.ticket_types,
                chosen=ticket_types,
            )
        except ValidationFailed as error:
            refused = error  # answered after the checks that come first (the database's)
        at = clock_now()
        released = seating.wheelchair_released(showtime.starts_at, at)
        kinds = {pk: kept.seats[pk][2] for pk in wanted if pk in kept.seats}
        refused = seating.check_wheelchair(kinds, wheelchair=wheelchair, starts_at=showtime.starts_at, at=at) or refused
        request = hold_sql.HoldRequest(
            showtime_id=showtime_id,
            wanted=wanted,
            at=at,
            sales_lock=showtime_sales_lock_key(showtime_id),
            client_lock=_CLIENT_HOLDS_LOCK | zlib.crc32(client_ip.encode()) if per_client else None,
            fingerprint=pricing.fingerprint,
            copy=kept,
            email=data.customer.email,
            first_name=data.customer.first_name,
            last_name=data.customer.last_name,
            phone=data.customer.phone,
            consent=marketing_consent,
            per_email=settings.MAX_SEATS_PER_BOOKING,
            per_client=per_client,
            client_ip=client_ip,
            types_ok=refused is None,
            references=[new_reference() for _ in range(5)],
            token_hash=hash_token(token),
            # A hold never outlives the sales: it lapses when the show starts, at the latest.
            expires_at=min(at + dt.timedelta(minutes=settings.HOLD_MINUTES), showtime.starts_at),
            recipient_name=data.recipient_name,
            recipient_email=data.recipient_email,
            gift_message=data.gift_message,
            language=language,
            priced=priced,
            row_occupancy=rule != "allow",
        )
        allowed = seating.may_sit(wheelchair=wheelchair, released=released)

        def attempt(
            request: hold_sql.HoldRequest = request,
            refused: DomainError | None = refused,
            allowed: Callable[[Place], bool] = allowed,
        ) -> tuple[Booking, list[BookingSeat], tuple[str, ...]] | None:
            with transaction.atomic(savepoint=savepoint):
                answer = hold_sql.hold_call(request)
                if answer.status == "stale":
                    return None  # nothing was written: the transaction may go on or commit
                warnings: tuple[str, ...] = ()
                if answer.status == "ok" and answer.rows is not None:
                    # A refusal raises here, inside the transaction: the hold is undone.
                    warnings = seating.gap_verdict(
                        rule=rule,
                        row_places=[Place(pk, r, c, "", False) for pk, (r, c) in answer.rows.places.items()],
                        row_taken=answer.rows.taken,
                        wanted=request.wanted,
                        showtime_id=request.showtime_id,
                        hall_id=request.copy.showtime.hall_id,
                        at=request.at,
                        allowed=allowed,
                    )
                return (*_hold_answered(answer, request, refused), warnings)

        held = _retry_on_deadlock(attempt)
        if held is not None:
            return held
        hold_pricing.forget()
    raise RuntimeError("the pricing data kept changing during the hold")  # pragma: no cover


def _hold_answered(
    answer: hold_sql.HoldAnswer, request: hold_sql.HoldRequest, refused: DomainError | None
) -> tuple[Booking, list[BookingSeat]]:
    """The database function's answer as booking_hold's exceptions, or the booking it made."""
    match answer.status:
        case "no_showtime":
            raise NotFound("No such showtime.")
        case "cancelled":
            raise SalesClosed("This showtime has been cancelled.")
        case "started":
            raise SalesClosed("Sales for this showtime have closed: it has started.")
        case "not_in_hall":
            raise ValidationFailed(
                "Some seats are not in this showtime's hall.",
                fields={"seat_ids": [f"Not seats of this hall: {', '.join(map(str, answer.seat_ids))}."]},
            )
        case "taken":
            taken = answer.seat_ids
            raise SeatsUnavailable(
                f"{len(taken)} of these seats {'is' if len(taken) == 1 else 'are'} no longer free.", seat_ids=taken
            )
        case "just_taken":
            raise SeatsUnavailable("Some of these seats were just taken.", seat_ids=answer.seat_ids)
        case "limit_email":
            raise _over_email_limit(answer.held)
        case "limit_client":
            raise _over_client_limit(answer.held)
        case "types":
            assert refused is not None
            raise refused
        case "ok":
            pass
        case _:  # pragma: no cover
            raise RuntimeError(f"marquee_booking_hold answered {answer.status!r}")
    assert request.priced is not None
    at = request.at
    customer_id, created_at, email, phone, consent, consent_at, withdrawn_at, erased_at = answer.customer
    buyer = Customer(
        pk=customer_id,
        created_at=created_at,
        updated_at=at,
        first_name=request.first_name,
        last_name=request.last_name,
        email=email,
        phone=phone,
        marketing_consent=consent,
        marketing_consent_at=consent_at,
        marketing_withdrawn_at=withdrawn_at,
        erased_at=erased_at,
    )
    showtime = copy.copy(request.copy.showtime)
    booking = Booking(
        pk=answer.booking_id,
        created_at=at,
        updated_at=at,
        reference=answer.reference,
        token_hash=request.token_hash,
        customer=buyer,
        showtime=showtime,
        status=BookingStatus.PENDING,
        total_price=request.priced.total,
        booked_at=at,
        expires_at=request.expires_at,
        recipient_name=request.recipient_name,
        recipient_email=request.recipient_email,
        gift_message=request.gift_message,
        language=request.language,
        client_ip=request.client_ip or None,
    )
    tariff = request.priced.tariff
    booked = [
        BookingSeat(
            pk=row_id,
            created_at=at,
            updated_at=at,
            booking=booking,
            showtime=showtime,
            seat=seat,
            tariff=tariff,
            tariff_name=tariff.name_in_default_language if tariff else "",
            ticket_type=kind,
            ticket_type_code=getattr(kind, "code", ""),
            ticket_type_name=getattr(kind, "name_in_default_language", ""),
            final_price=price,
            status=BookingStatus.PENDING,
        )
        for row_id, (seat, kind, price) in zip(answer.booking_seat_ids, request.priced.lines, strict=True)
    ]
    for row in (buyer, booking, *booked):  # as if read from the database: saving them updates
        row._state.adding = False
        row._state.db = "default"
    seat_maps_changed([request.showtime_id])
    return booking, sorted(booked, key=lambda bs: (bs.seat.row_number, bs.seat.seat_number))


def _mail_language(language: str) -> str:
    """One of settings.LANGUAGES, or "" (the site's default) for anything else."""
    return language if language in {code for code, _name in settings.LANGUAGES} else ""


def _create_booking(
    *,
    buyer: Customer,
    showtime: Showtime,
    at: dt.datetime,
    total: Decimal,
    token: str,
    recipient_name: str,
    recipient_email: str,
    gift_message: str,
    language: str = "",
    client_ip: str = "",
) -> Booking:
    # A hold never outlives the sales: it lapses when the show starts, at the latest.
    expires_at = min(at + dt.timedelta(minutes=settings.HOLD_MINUTES), showtime.starts_at)
    for _attempt in range(5):
        try:
            # No savepoint (SQLite only: PostgreSQL holds in its function): SQLite undoes only
            # the statement that failed, and the transaction goes on.
            return Booking.objects.create(
                reference=new_reference(),
                token_hash=hash_token(token),
                customer=buyer,
                showtime=showtime,
                status=BookingStatus.PENDING,
                total_price=total,
                booked_at=at,
                expires_at=expires_at,
                recipient_name=recipient_name,
                recipient_email=recipient_email,
                gift_message=gift_message,
                language=language,
                client_ip=client_ip or None,
            )
        except IntegrityError:
            continue  # a reference collision (about 1 in 10^12 per pair): draw again
    raise RuntimeError("could not draw a unique booking reference")  # pragma: no cover


# --- finding bookings ------------------------------------------------------------------


def _reference_or_none(raw: str) -> str | None:
    """The reference in canonical form, or None when it cannot be one (no query needed)."""
    reference = normalise_reference(raw) if isinstance(raw, str) else ""
    if len(reference) != REFERENCE_LENGTH or any(c not in REFERENCE_ALPHABET for c in reference):
        return None
    return reference


def _check_token(booking: Booking | None, token: str | None) -> Booking:
    if booking is None or not token or not isinstance(token, str) or not token_matches(token, booking.token_hash):
        raise NotFound("No such booking.")
    return booking


def booking_for_token(*, reference: str, token: str) -> Booking:
    """The booking if the token is its own; otherwise NotFound, as for a missing booking."""
    canonical = _reference_or_none(reference)
    booking = (
        Booking.objects.select_related("customer", "showtime__movie", "showtime__hall")
        .filter(reference=canonical)
        .first()
        if canonical
        else None
    )
    return _check_token(booking, token)


def booking_for_customer(*, reference: str, token: str) -> Booking:
    """What a customer sees of their booking (the API's GET): checked against the token,
    a lapsed hold recorded as expired first, loaded with everything its answer shows."""
    booking = booking_for_token(reference=reference, token=token)
    if booking.status == BookingStatus.PENDING and booking.expires_at <= clock_now():
        _expire_one_if_lapsed(booking.reference)
    return booking_detail(booking.pk)


def _lock_booking(reference: str, token: str | None = None) -> Booking:
    """The booking row-locked (only its own row), checked against `token` if one is given."""
    canonical = _reference_or_none(reference)
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("showtime", "customer")
        .filter(reference=canonical)
        .first()
        if canonical
        else None
    )
    if token is not None:
        return _check_token(booking, token)
    if booking is None:
        raise NotFound("No such booking.")
    return booking


def _expire_one_if_lapsed(reference: str, token: str | None = None) -> bool:
    """Mark a lapsed hold expired in its own transaction; True if it was lapsed."""
    with transaction.atomic():
        booking = _lock_booking(reference, token)
        at = clock_now()
        if booking.status == BookingStatus.PENDING and booking.expires_at <= at:
            _expire([booking.pk], at)
            return True
    return False


# --- paying ----------------------------------------------------------------------------
#
# Money is taken by marquee.payments, which stands above this app: it calls a provider
# outside any transaction, then, in a short one of its own, asks booking_settle_paid to
# mark the booking paid. Booking never calls a provider and never imports payments.


def _queue_ticket_mail(booking: Booking) -> None:
    language = booking.language
    if not booking.ticket_email:
        return  # a walk-in sale at the box office without an email: the tickets are printed
    mail_queue(kind=MailKind.TICKETS, to_email=booking.ticket_email, booking_id=booking.pk, language=language)
    if booking.buyer_email and booking.ticket_email.lower() != booking.buyer_email.lower():
        mail_queue(kind=MailKind.RECEIPT, to_email=booking.buyer_email, booking_id=booking.pk, language=language)


class Settled(StrEnum):
    """What booking_settle_paid did with a payment that succeeded."""

    PAID = "paid"  # the hold was live: the booking is paid now, its tickets queued
    ALREADY_PAID = "already_paid"  # nothing changed (no second email)
    RETAKEN = "retaken"  # the hold had lapsed, every seat was still free: taken again and paid
    SEATS_GONE = "seats_gone"  # the hold had lapsed and some seat is gone (or the show is off)
    CANCELLED = "cancelled"  # cancelled by the customer, staff or the cinema: not paid


def booking_lock(*, reference: str, token: str | None = None) -> Booking:
    """The booking row-locked, inside the caller's transaction (with `token`: checked
    against it, NotFound otherwise)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("booking_lock() must run inside transaction.atomic()")
    return _lock_booking(reference, token)


def booking_expire_if_lapsed(*, reference: str, token: str | None = None) -> bool:
    """Record a lapsed hold as expired, in a transaction of its own; True if it had lapsed."""
    return _expire_one_if_lapsed(reference, token)


def booking_hold_extend(*, booking_id: int, until: dt.datetime) -> bool:
    """Make a live hold last until `until` (never past the show's start), inside the caller's
    transaction: a waiting list's offer is held WAITLIST_OFFER_MINUTES, not HOLD_MINUTES.
    False when the booking is no longer a live hold (nothing changed)."""
    at = clock_now()
    live = Booking.objects.filter(pk=booking_id, status=BookingStatus.PENDING, expires_at__gt=at)
    starts_at = live.values_list("showtime__starts_at", flat=True).first()
    if starts_at is None:
        return False
    return live.update(expires_at=min(until, starts_at), updated_at=at) == 1


def booking_settle_paid(
    *, booking: Booking, method: str, payment_reference: str, at: dt.datetime, channel: str = ""
) -> Settled:
    """A payment of this booking's total succeeded: mark the booking paid, inside the
    caller's transaction, the booking locked by booking_lock().

    A live hold is paid at once. A hold that lapsed (before the money arrived) is taken
    again when every one of its seats is still free, and paid; otherwise nothing changes
    and the caller gives the money back. The tickets email is queued only when the
    booking becomes paid here, so however many times a payment is reported, it goes once.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("booking_settle_paid() must run inside transaction.atomic()")
    if booking.status == BookingStatus.PAID:
        return Settled.ALREADY_PAID
    if booking.status == BookingStatus.PENDING and booking.expires_at > at:
        _pay_locked(booking, method=method, payment_reference=payment_reference, at=at)
        if channel and channel != booking.channel:
            # Held online, paid at the counter: a box-office sale (as the channel's backfill counts it).
            Booking.objects.filter(pk=booking.pk).update(channel=channel)
            booking.channel = channel
        return Settled.PAID
    if booking.status == BookingStatus.PENDING:
        _expire([booking.pk], at)
        booking.refresh_from_db()
    if booking.cancel_reason != CancelReason.EXPIRED:
        return Settled.CANCELLED
    return _retake_seats(booking, method=method, payment_reference=payment_reference, at=at)


def _retake_seats(booking: Booking, *, method: str, payment_reference: str, at: dt.datetime) -> Settled:
    """A lapsed hold whose money arrived late: its seats again, if all are still free."""
    showtime = booking.showtime
    if showtime.status == ShowtimeStatus.CANCELLED or showtime.starts_at <= at:
        return Settled.SEATS_GONE
    seat_ids = sorted(BookingSeat.objects.filter(booking=booking).values_list("seat_id", flat=True))
    showtime_sales_lock_shared(showtime_id=showtime.pk)
    # The seats' locks, in id order as a hold takes them: a hold reaching for them now waits
    # and then sees them sold.
    list(Seat.objects.select_for_update(no_key=True).filter(pk__in=seat_ids).order_by("pk").values_list("pk"))
    if _taken_seat_ids(showtime.pk, seat_ids, at):
        return Settled.SEATS_GONE
    try:
        # The conditional unique constraint decides, whatever a concurrent hold did.
        with transaction.atomic():
            BookingSeat.objects.filter(booking=booking).update(status=BookingStatus.PAID, updated_at=at)
    except IntegrityError:
        return Settled.SEATS_GONE
    paid = {
        "status": BookingStatus.PAID,
        "paid_at": at,
        "cancelled_at": None,
        "cancel_reason": "",
        "payment_method": method,
        "payment_reference": payment_reference,
        "updated_at": at,
    }
    retake = sources_for(BookingStatus.PAID, CancelReason.EXPIRED)
    updated = Booking.objects.filter(pk=booking.pk, status__in=retake, cancel_reason=CancelReason.EXPIRED).update(
        **paid
    )
    if updated != 1:
        raise InvalidState("The booking changed while it was being paid.")
    seat_maps_changed([showtime.pk])
    for field, value in paid.items():
        setattr(booking, field, value)
    _queue_ticket_mail(booking)
    return Settled.RETAKEN


def _pay_locked(booking: Booking, *, method: str, payment_reference: str, at: dt.datetime) -> Booking:
    """Mark the locked, pending, unexpired booking paid, its seats sold and its tickets queued."""
    paid = {
        "status": BookingStatus.PAID,
        "paid_at": at,
        "payment_method": method,
        "payment_reference": payment_reference,
        "updated_at": at,
    }
    updated = Booking.objects.filter(
        pk=booking.pk, status__in=sources_for(BookingStatus.PAID), expires_at__gt=at
    ).update(**paid)
    if updated != 1:
        raise InvalidState("The booking changed while it was being paid.")
    BookingSeat.objects.filter(booking=booking, status=BookingStatus.PENDING).update(
        status=BookingStatus.PAID, updated_at=at
    )
    seat_maps_changed([booking.showtime_id])
    for field, value in paid.items():  # what the update wrote, without reading it back
        setattr(booking, field, value)
    _queue_ticket_mail(booking)
    return booking


# --- cancelling ------------------------------------------------------------------------

# Called for each paid booking being cancelled, inside the cancel's transaction (so a refund
# is recorded with the cancellation, or neither is); answers what the cancellation email
# says about the money (marquee.payments gives refunds; see notifications' templates).
MoneyBack = Callable[[Booking], dict[str, Any]]


def _cancel_locked(booking: Booking, *, reason: CancelReason, at: dt.datetime, money_back: MoneyBack) -> Booking:
    was_paid = booking.status == BookingStatus.PAID
    updated = Booking.objects.filter(pk=booking.pk, status__in=sources_for(BookingStatus.CANCELLED, reason)).update(
        status=BookingStatus.CANCELLED, cancelled_at=at, cancel_reason=reason, updated_at=at
    )
    if updated != 1:
        raise InvalidState(f"A {booking.status} booking cannot be cancelled.")
    BookingSeat.objects.filter(booking=booking).update(status=BookingStatus.CANCELLED, updated_at=at)
    seat_maps_changed([booking.showtime_id])
    seats_freed([booking.showtime_id])
    booking.refresh_from_db()
    if was_paid:
        money = money_back(booking)
        kind = MailKind.SHOWTIME_CANCELLED if reason == CancelReason.SHOWTIME_CANCELLED else MailKind.CANCELLATION
        language = booking.language
        if booking.buyer_email:  # a walk-in sale without an email has nobody to tell
            mail_queue(kind=kind, to_email=booking.buyer_email, booking_id=booking.pk, language=language, context=money)
        # The recipient holds the QR codes that are now void, whoever cancelled: they are told
        # too (the renderer writes their copy without prices or refunds).
        if booking.is_gift:
            mail_queue(kind=kind, to_email=booking.ticket_email, booking_id=booking.pk, language=language)
    return booking


def booking_cancel_hold_locked(*, booking: Booking, at: dt.datetime) -> Booking:
    """The customer cancels their live hold, inside the caller's transaction, the booking
    locked by booking_lock() and found pending and unexpired at `at` (marquee.payments,
    which knows that no gift voucher's money is on it, calls it on SQLite; PostgreSQL does
    the same in one statement)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("booking_cancel_hold_locked() must run inside transaction.atomic()")
    return _cancel_locked(booking, reason=CancelReason.CUSTOMER, at=at, money_back=_nothing_paid)


def _nothing_paid(booking: Booking) -> dict[str, Any]:
    raise InvalidState("A hold has no money to give back.")  # pragma: no cover - _cancel_locked asks only a paid one


def booking_cancel(
    *,
    reference: str,
    money_back: MoneyBack,
    by_staff: bool = False,
    token: str | None = None,
    staff_user: Actor = None,
    audit_facts: dict[str, Any] | None = None,
) -> Booking:
    """Cancel and free the seats at once. Customers: a hold any time it lasts, a paid
    booking until CANCEL_CUTOFF_MINUTES before the show; staff: until it starts. The
    booking and its seats stay for the records. With `token`, a wrong token answers
    NotFound (the public API). `money_back` runs for a paid booking in the same
    transaction: call marquee.payments.services.booking_cancel, which gives the refunds.

    A staff cancel is audited (`booking.cancel`) in the same transaction, with
    `audit_facts` as they stand after `money_back` ran (the caller's refund choice and
    amount); a customer's own cancel is not a staff change and leaves no audit record."""
    if _expire_one_if_lapsed(reference, token):
        raise InvalidState("The hold had already expired.")
    with transaction.atomic():
        booking = _lock_booking(reference, token)
        at = clock_now()
        if booking.status == BookingStatus.CANCELLED:
            raise InvalidState("The booking is already cancelled.")
        starts_at = booking.showtime.starts_at
        if by_staff:
            if at >= starts_at:
                raise CancelWindowClosed("The showtime has started; it can no longer be cancelled.")
        elif booking.status == BookingStatus.PAID:
            cutoff = starts_at - dt.timedelta(minutes=settings.CANCEL_CUTOFF_MINUTES)
            if at >= cutoff:
                raise CancelWindowClosed(
                    f"Paid bookings can be cancelled until {settings.CANCEL_CUTOFF_MINUTES} minutes before the show."
                )
        reason = CancelReason.STAFF if by_staff else CancelReason.CUSTOMER
        before = booking.status
        cancelled = _cancel_locked(booking, reason=reason, at=at, money_back=money_back)
        if by_staff:
            audit_record(
                actor=staff_user,
                action="booking.cancel",
                target_type="booking",
                target_id=cancelled.reference,
                target_label=cancelled.reference,
                changes={"status": [before, cancelled.status], **(audit_facts or {})},
                booking_id=cancelled.pk,
                showtime_id=cancelled.showtime_id,
            )
        return cancelled


def bookings_expire(*, batch_size: int = 500) -> int:
    """Cancel (reason `expired`) every pending booking whose hold has lapsed.

    The periodic sweeper; seats are free the moment a hold lapses whether or not it runs.
    """
    total = 0
    while True:
        at = clock_now()
        ids = list(
            Booking.objects.filter(status=BookingStatus.PENDING, expires_at__lte=at)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return total
        with transaction.atomic():
            total += _expire(ids, at)


def showtime_cancel(*, showtime_id: int, money_back: MoneyBack, staff_user: Actor = None) -> Showtime:
    """The cinema cancels a showtime: every active booking is cancelled and its buyer told;
    `money_back` refunds each paid one in the same transaction (marquee.payments).
    Audited once (`showtime.cancel`), naming the bookings it cancelled."""
    with transaction.atomic():
        showtime_sales_lock(showtime_id=showtime_id)
        showtime = row_or_not_found(Showtime.objects.select_for_update(), "No such showtime.", pk=showtime_id)
        if showtime.status == ShowtimeStatus.CANCELLED:
            return showtime
        at = clock_now()
        Showtime.objects.filter(pk=showtime.pk).update(status=ShowtimeStatus.CANCELLED, cancelled_at=at, updated_at=at)
        active = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("customer", "showtime")
            .filter(showtime=showtime, status__in=ACTIVE_STATUSES)
            .order_by("pk")
        )
        cancelled = [
            _cancel_locked(booking, reason=CancelReason.SHOWTIME_CANCELLED, at=at, money_back=money_back).reference
            for booking in active
        ]
        showtime.refresh_from_db()
        audit_record(
            actor=staff_user,
            action="showtime.cancel",
            target_type="showtime",
            target_id=showtime.pk,
            target_label=str(showtime),
            changes={
                "status": [ShowtimeStatus.SCHEDULED.value, showtime.status],
                "bookings_cancelled": ", ".join(cancelled),
            },
            showtime_id=showtime.pk,
        )
        return showtime


def showtime_delete(*, showtime_id: int, money_back: MoneyBack, staff_user: Actor = None) -> bool:
    """Delete a showtime with no bookings; one with bookings is cancelled instead (kept for
    the records). Returns True if it was deleted. Audited as `showtime.delete` with what
    the showtime was, or as the cancel."""
    with transaction.atomic():
        showtime_sales_lock(showtime_id=showtime_id)
        showtime = row_or_not_found(
            Showtime.objects.select_for_update().select_related("movie", "hall"), "No such showtime.", pk=showtime_id
        )
        if not Booking.objects.filter(showtime=showtime).exists():
            audit_record(
                actor=staff_user,
                action="showtime.delete",
                target_type="showtime",
                target_id=showtime.pk,
                target_label=str(showtime),
                changes={
                    "movie": [str(showtime.movie), None],
                    "hall": [str(showtime.hall), None],
                    "starts_at": [showtime.starts_at, None],
                },
                showtime_id=showtime.pk,
            )
            showtime.delete()
            seat_layouts_changed([showtime_id])  # its kept map goes with it
            return True
    showtime_cancel(showtime_id=showtime_id, money_back=money_back, staff_user=staff_user)
    return False


def booking_check_tickets_requeue(mail: OutgoingMail) -> None:
    """Before staff queue a copy of a booking's tickets from the delivery log (registered with
    notifications' mail_requeue for MailKind.RESEND): the booking must still be paid. Its row
    is locked until the commit, as booking_resend locks it, so that resends from the log and
    from the booking's pages are counted one after the other."""
    # Locked first, then read: the status that decides is the one the lock holds.
    booking = None
    if mail.booking_id is not None:
        booking = Booking.objects.select_for_update(of=("self",)).filter(pk=mail.booking_id).first()
    if booking is None or booking.status != BookingStatus.PAID:
        status = booking.status if booking is not None else "gone"
        raise InvalidState(f"The booking is {status}: its tickets are no longer valid.")


def booking_resend(*, reference: str, token: str | None = None, staff_user: Actor = None) -> Booking:
    """Queue the tickets again (customer from the booking page with its token, or staff);
    RateLimited past TICKET_RESENDS_PER_HOUR. Staff's resend (`staff_user` given) is
    audited as `booking.resend`; a customer's is not."""
    with transaction.atomic():
        booking = _lock_booking(reference, token)
        if booking.status != BookingStatus.PAID:
            raise InvalidState("Only paid bookings have tickets to send.")
        mail_check_resend_allowed(booking_id=booking.pk)
        mail_queue(
            kind=MailKind.RESEND, to_email=booking.ticket_email, booking_id=booking.pk, language=booking.language
        )
        if staff_user is not None:
            audit_record(
                actor=staff_user,
                action="booking.resend",
                target_type="booking",
                target_id=booking.reference,
                target_label=booking.reference,
                changes={"mail": MailKind.RESEND.value},
                booking_id=booking.pk,
                showtime_id=booking.showtime_id,
            )
        return booking
