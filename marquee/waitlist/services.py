"""Joining and leaving a sold-out showtime's waiting list, and offering freed seats to it.

Offers are made by the worker (a task enqueued when booking says seats were freed, and a
periodic sweep), any number of them at once on any number of machines. One showtime's offers
are made one at a time: under a named lock (PostgreSQL's advisory lock; SQLite's writers
queue anyway) and the waiting entries' row locks, the first waiting entry, in join order,
whose seat count fits the free seats has them held (a pending booking through booking's own
hold, which decides under its own locks and constraint) for WAITLIST_OFFER_MINUTES, becomes
`offered` by a conditional update, and its email is queued, all in one transaction. The
database's constraints make an entry's offer and a booking's entry one each.
"""

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from marquee.booking.models import BookingStatus
from marquee.booking.services import CustomerDetails, booking_hold, booking_hold_extend
from marquee.core.clock import now as clock_now
from marquee.core.errors import DomainError, InvalidState, SalesClosed, SeatsUnavailable, ValidationFailed
from marquee.core.locks import lock_named
from marquee.core.rows import row_or_not_found
from marquee.notifications.models import MailKind
from marquee.notifications.services import mail_queue
from marquee.payments.services import booking_cancel
from marquee.scheduling.models import Showtime, ShowtimeStatus
from marquee.waitlist import selectors
from marquee.waitlist.models import LIVE_STATUSES, EntryStatus, WaitlistEntry

log = logging.getLogger(__name__)

# How many offers one run makes for a showtime at most (a large cancellation frees many seats;
# the rest wait for the next run a moment later), and how often a run tries again when a
# customer took the proposed seats first.
OFFERS_PER_RUN = 50
RETRIES_PER_RUN = 5


# --- joining and leaving ---------------------------------------------------------------------


@dataclass(frozen=True)
class Joined:
    entry: WaitlistEntry
    position: int | None  # among those waiting; None once offered
    created: bool  # False: this email was already in line (the entry is theirs)


def _clean(first_name: str, last_name: str, email: str, seats: int) -> tuple[str, str, str]:
    errors: dict[str, list[str]] = {}
    names = {}
    for field, raw in (("first_name", first_name), ("last_name", last_name)):
        text = " ".join(str(raw).split())
        if not text:
            errors[field] = [_("This field is required.")]
        elif len(text) > 100:
            errors[field] = [_("At most %(count)s characters.") % {"count": 100}]
        names[field] = text
    address = str(email).strip()
    try:
        if len(address) > 254:
            raise ValidationError("too long")
        validate_email(address)
    except ValidationError:
        errors["email"] = [_("Enter a valid email address.")]
    maximum = settings.MAX_SEATS_PER_BOOKING
    if isinstance(seats, bool) or not isinstance(seats, int) or not 1 <= seats <= maximum:
        errors["seats"] = [_("Ask for 1 to %(count)s seats.") % {"count": maximum}]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)
    return names["first_name"], names["last_name"], address


def _live_entry(showtime_id: int, email: str) -> WaitlistEntry | None:
    return (
        WaitlistEntry.objects.alias(email_lower=Lower("email"))
        .filter(showtime_id=showtime_id, email_lower=email.lower(), status__in=LIVE_STATUSES)
        .first()
    )


def _check_on_sale(showtime: Showtime, at: dt.datetime) -> None:
    if showtime.status != ShowtimeStatus.SCHEDULED:
        raise SalesClosed(_("This showtime has been cancelled."))
    if showtime.starts_at <= at:
        raise SalesClosed(_("Sales for this showtime are closed."))


def waitlist_join(
    *, showtime_id: int, first_name: str, last_name: str, email: str, seats: int, language: str = ""
) -> Joined:
    """Put a customer in line for a sold-out showtime (no seat free), and email them that
    they are. One live entry per email: asking again answers their entry and place.
    Raises NotFound, SalesClosed, ValidationFailed, or InvalidState while seats are free."""
    first, last, address = _clean(first_name, last_name, email, seats)
    language = language if language in {code for code, _name in settings.LANGUAGES} else ""
    with transaction.atomic():
        showtime = row_or_not_found(Showtime.objects.select_related("hall"), _("No such showtime."), pk=showtime_id)
        at = clock_now()
        _check_on_sale(showtime, at)
        existing = _live_entry(showtime.pk, address)
        if existing is not None:
            return Joined(entry=existing, position=selectors.entry_position(existing), created=False)
        free = selectors.showtime_free_seat_count(showtime.pk, at) or 0
        if free:
            raise InvalidState(_("Seats are available: choose them on the seat map."), free_seats=free)
        try:
            with transaction.atomic():
                entry = WaitlistEntry.objects.create(
                    showtime=showtime,
                    email=address,
                    first_name=first,
                    last_name=last,
                    seats=seats,
                    language=language,
                    joined_at=at,
                )
        except IntegrityError:  # the same email joined a moment ago, in another request
            existing = _live_entry(showtime.pk, address)
            if existing is None:
                raise
            return Joined(entry=existing, position=selectors.entry_position(existing), created=False)
        mail_queue(kind=MailKind.WAITLIST_JOINED, to_email=address, context={"entry_id": entry.pk}, language=language)
    return Joined(entry=entry, position=selectors.entry_position(entry), created=True)


def waitlist_leave(*, entry_id: int) -> WaitlistEntry:
    """The customer leaves the line (the signed link in their email). An open offer's hold is
    released at once, for the next in line. Leaving again changes nothing."""
    with transaction.atomic():
        entry = row_or_not_found(
            WaitlistEntry.objects.select_for_update(of=("self",)).select_related("booking"),
            _("No such waiting list entry."),
            pk=entry_id,
        )
        if entry.status not in LIVE_STATUSES:
            return entry
        at = clock_now()
        WaitlistEntry.objects.filter(pk=entry.pk, status__in=LIVE_STATUSES).update(
            status=EntryStatus.LEFT, closed_at=at, updated_at=at
        )
        offered = entry.booking if entry.status == EntryStatus.OFFERED else None
        entry.status, entry.closed_at = EntryStatus.LEFT, at
    if offered is not None and offered.status == BookingStatus.PENDING:
        # It may have lapsed or been paid meanwhile: then there is nothing left to release.
        with contextlib.suppress(DomainError):
            booking_cancel(reference=offered.reference)  # any gift voucher's part goes back
    return entry


# --- offers ------------------------------------------------------------------------------------


def waitlist_settle(*, showtime_id: int | None = None) -> int:
    """Close offers that ended: the booking paid → booked (a lapsed offer paid late and taken
    again too); the hold lapsed or cancelled → lapsed. Conditional updates: safe with any
    number of workers. Answers how many entries changed."""
    at = clock_now()
    entries = WaitlistEntry.objects.all()
    if showtime_id is not None:
        entries = entries.filter(showtime_id=showtime_id)
    booked = entries.filter(
        status__in=(EntryStatus.OFFERED, EntryStatus.LAPSED), booking__status=BookingStatus.PAID
    ).update(status=EntryStatus.BOOKED, closed_at=at, updated_at=at)
    ended = Q(booking__status=BookingStatus.CANCELLED) | Q(
        booking__status=BookingStatus.PENDING, booking__expires_at__lte=at
    )
    lapsed = entries.filter(ended, status=EntryStatus.OFFERED).update(
        status=EntryStatus.LAPSED, closed_at=at, updated_at=at
    )
    return booked + lapsed


class _Outcome:
    OFFERED = "offered"
    NOTHING = "nothing"  # nobody waiting, no seats that fit, or not on sale
    RETRY = "retry"  # the proposed seats were taken first: look again


def _offer_one(showtime_id: int) -> str:
    """One offer, in one transaction: the first waiting entry the free seats fit."""
    with transaction.atomic():
        lock_named(f"marquee.waitlist.offers.{showtime_id}")
        line = list(selectors.waiting_line(showtime_id).select_for_update())
        if not line:
            return _Outcome.NOTHING
        showtime = Showtime.objects.select_related("hall").get(pk=showtime_id)
        at = clock_now()
        if showtime.status != ShowtimeStatus.SCHEDULED or showtime.starts_at <= at:
            return _Outcome.NOTHING
        free = selectors.offerable_seats(showtime, at)
        for entry in line:
            seat_ids = free.choose(entry.seats)
            if not seat_ids:
                continue  # too many for what is free: the next in line may fit
            try:
                held = booking_hold(
                    showtime_id=showtime_id,
                    seat_ids=seat_ids,
                    customer=CustomerDetails(first_name=entry.first_name, last_name=entry.last_name, email=entry.email),
                    language=entry.language,
                    # The seats that freed up are what there is to offer: a single seat they
                    # leave is not the customer's choice, and refusing it would stall the line.
                    gap_rule="allow",
                )
            except SeatsUnavailable:
                return _Outcome.RETRY  # someone took them between our look and the hold
            except DomainError as error:
                # This customer may not hold more now (their own unpaid seats for the show):
                # they keep their place, the next one is offered.
                log.info("waiting list entry %s not offered: %s", entry.pk, error.code)
                continue
            offer_until = min(at + dt.timedelta(minutes=settings.WAITLIST_OFFER_MINUTES), showtime.starts_at)
            booking_hold_extend(booking_id=held.booking.pk, until=offer_until)
            updated = WaitlistEntry.objects.filter(pk=entry.pk, status=EntryStatus.WAITING, booking=None).update(
                status=EntryStatus.OFFERED,
                booking=held.booking,
                offered_at=at,
                offer_expires_at=offer_until,
                updated_at=at,
            )
            if updated != 1:  # pragma: no cover - the entry is row-locked and was waiting
                raise InvalidState("The waiting list entry changed while it was offered seats.")
            mail_queue(
                kind=MailKind.WAITLIST_OFFER,
                to_email=entry.email,
                booking_id=held.booking.pk,
                context={"entry_id": entry.pk},
                language=entry.language,
            )
            return _Outcome.OFFERED
    return _Outcome.NOTHING


def waitlist_offer(*, showtime_id: int) -> int:
    """Offer a showtime's free seats to its line, first come first served, until nobody
    waiting fits what is free. Answers how many offers it made."""
    waitlist_settle(showtime_id=showtime_id)
    made = retries = 0
    while made < OFFERS_PER_RUN:
        outcome = _offer_one(showtime_id)
        if outcome == _Outcome.OFFERED:
            made += 1
        elif outcome == _Outcome.RETRY and retries < RETRIES_PER_RUN:
            retries += 1
        else:
            break
    return made


def waitlist_sweep() -> int:
    """The worker's periodic pass: close ended offers, then offer what is free on every
    upcoming showtime with someone waiting (catching what no seats-freed event announced: a
    hold that lapsed unnoticed, a move, a customer's cancel of a live hold on PostgreSQL, which
    payments makes one statement of and keeps that way). Answers how many entries changed or
    were offered."""
    changed = waitlist_settle()
    for showtime_id in selectors.showtimes_with_waiting():
        changed += waitlist_offer(showtime_id=showtime_id)
    return changed
