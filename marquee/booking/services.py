"""Holding, paying, cancelling and expiring bookings: the only code that changes them.

The site, the API, the admin, the back office and the worker all call these functions.
Every seat is sold at most once per showtime: the services check first so that they can
name the seats in conflict, and the conditional unique constraint on BookingSeat is the
last word when two customers reach for the same seat in the same instant.
"""

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Q

from marquee.booking.lifecycle import sources_for
from marquee.booking.models import ACTIVE_STATUSES, Booking, BookingSeat, BookingStatus, CancelReason, Customer
from marquee.booking.payments import BOX_OFFICE, get_provider
from marquee.booking.tokens import hash_token, new_reference, new_token, normalise_reference, token_matches
from marquee.core.clock import local
from marquee.core.clock import now as clock_now
from marquee.core.errors import (
    CancelWindowClosed,
    InvalidState,
    NotFound,
    SalesClosed,
    SeatsUnavailable,
    ValidationFailed,
)
from marquee.notifications.models import MailKind
from marquee.notifications.services import mail_queue
from marquee.pricing.models import Tariff
from marquee.pricing.prices import seat_price, tariff_for
from marquee.scheduling.models import Showtime, ShowtimeStatus
from marquee.venues.models import Seat

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class CustomerDetails:
    first_name: str
    last_name: str
    email: str
    phone: str = ""


@dataclass(frozen=True)
class HoldResult:
    booking: Booking
    token: str  # shown once; only its hash is stored


# --- validation -----------------------------------------------------------------------


def _clean_email(raw: str, field: str, errors: dict[str, list[str]]) -> str:
    email = raw.strip()
    try:
        validate_email(email)
    except ValidationError:
        errors[field] = ["Enter a valid email address."]
    return email


def _validate_hold_input(
    *, seat_ids: Sequence[int], customer: CustomerDetails, recipient_name: str, recipient_email: str, gift_message: str
) -> CustomerDetails:
    errors: dict[str, list[str]] = {}
    maximum = settings.MAX_SEATS_PER_BOOKING
    if not seat_ids:
        errors["seat_ids"] = ["Choose at least one seat."]
    elif len(seat_ids) > maximum:
        errors["seat_ids"] = [f"Choose at most {maximum} seats."]
    elif len(set(seat_ids)) != len(seat_ids):
        errors["seat_ids"] = ["Each seat may be chosen once."]
    if not customer.first_name.strip():
        errors["customer.first_name"] = ["This field is required."]
    if not customer.last_name.strip():
        errors["customer.last_name"] = ["This field is required."]
    email = _clean_email(customer.email, "customer.email", errors)
    if len(customer.phone) > 32:
        errors["customer.phone"] = ["At most 32 characters."]
    if recipient_email:
        _clean_email(recipient_email, "recipient.email", errors)
        if not recipient_name.strip():
            errors["recipient.name"] = ["Give the recipient's name."]
    elif recipient_name.strip():
        errors["recipient.email"] = ["Give the recipient's email, or leave the recipient out."]
    if len(gift_message) > 1000:
        errors["gift_message"] = ["At most 1000 characters."]
    if errors:
        raise ValidationFailed("Some fields are not valid.", fields=errors)
    return CustomerDetails(
        first_name=customer.first_name.strip(),
        last_name=customer.last_name.strip(),
        email=email,
        phone=customer.phone.strip(),
    )


# --- customers -------------------------------------------------------------------------


def customer_upsert(*, details: CustomerDetails, marketing_consent: bool, at: dt.datetime) -> Customer:
    """The customer with this email, whatever its case, refreshed from this booking.

    Consent is recorded (with its time) only when given; leaving the box unticked
    never withdraws a consent given before: withdrawing is its own act (unsubscribe).
    """
    for _attempt in range(3):
        customer = Customer.objects.select_for_update().filter(email__iexact=details.email).first()
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
        customer = Customer.objects.select_for_update().get(pk=customer_id)
        if customer.marketing_consent:
            customer.marketing_consent = False
            customer.marketing_withdrawn_at = clock_now()
            customer.save(update_fields=["marketing_consent", "marketing_withdrawn_at", "updated_at"])
        return customer


# --- holding seats ---------------------------------------------------------------------


def _expire(booking_ids: list[int], at: dt.datetime) -> int:
    """Cancel pending bookings among `booking_ids` whose hold has lapsed by `at`."""
    if not booking_ids:
        return 0
    lapsed = list(
        Booking.objects.filter(pk__in=booking_ids, status=BookingStatus.PENDING, expires_at__lte=at)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not lapsed:
        return 0
    count = Booking.objects.filter(pk__in=lapsed, status=BookingStatus.PENDING, expires_at__lte=at).update(
        status=BookingStatus.CANCELLED, cancelled_at=at, cancel_reason=CancelReason.EXPIRED, updated_at=at
    )
    BookingSeat.objects.filter(booking_id__in=lapsed).update(status=BookingStatus.CANCELLED, updated_at=at)
    return count


def _taken_seat_ids(showtime_id: int, seat_ids: Sequence[int], at: dt.datetime) -> list[int]:
    """Seats among `seat_ids` held (unexpired) or sold for the showtime."""
    return sorted(
        BookingSeat.objects.filter(showtime_id=showtime_id, seat_id__in=list(seat_ids), status__in=ACTIVE_STATUSES)
        .filter(Q(status=BookingStatus.PAID) | Q(booking__expires_at__gt=at))
        .values_list("seat_id", flat=True)
    )


def _retry_on_deadlock(fn: Callable[[], T], attempts: int = 4) -> T:
    """Run a transaction again when PostgreSQL chose it as a deadlock victim.

    Seats are written in id order, which prevents most deadlocks; this covers the rest
    (expired holds released by two bookings at once, say). SQLite never deadlocks here:
    its write transactions begin IMMEDIATE and queue.
    """
    for attempt in range(attempts):
        try:
            return fn()
        except OperationalError as error:
            cause = getattr(error, "__cause__", None)
            sqlstate = getattr(cause, "sqlstate", None)
            if connection.vendor != "postgresql" or sqlstate not in {"40P01", "40001"} or attempt == attempts - 1:
                raise
            log.info("booking transaction retried after %s", sqlstate)
    raise AssertionError("unreachable")  # pragma: no cover


def booking_hold(
    *,
    showtime_id: int,
    seat_ids: Sequence[int],
    customer: CustomerDetails,
    recipient_name: str = "",
    recipient_email: str = "",
    gift_message: str = "",
    marketing_consent: bool = False,
) -> HoldResult:
    """Hold all the seats or none, for HOLD_MINUTES, priced by the tariff in force."""
    details = _validate_hold_input(
        seat_ids=seat_ids,
        customer=customer,
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        gift_message=gift_message,
    )
    wanted = sorted(set(seat_ids))
    token = new_token()

    def attempt() -> Booking:
        at = clock_now()
        with transaction.atomic():
            try:
                showtime = Showtime.objects.select_related("hall").get(pk=showtime_id)
            except Showtime.DoesNotExist:
                raise NotFound("No such showtime.") from None
            if showtime.status == ShowtimeStatus.CANCELLED:
                raise SalesClosed("This showtime has been cancelled.")
            if showtime.starts_at <= at:
                raise SalesClosed("Sales for this showtime have closed: it has started.")
            seats = list(Seat.objects.filter(pk__in=wanted, hall_id=showtime.hall_id).order_by("pk"))
            if len(seats) != len(wanted):
                strangers = sorted(set(wanted) - {s.pk for s in seats})
                raise ValidationFailed(
                    "Some seats are not in this showtime's hall.",
                    fields={"seat_ids": [f"Not seats of this hall: {', '.join(map(str, strangers))}."]},
                )
            # An expired hold never blocks a seat, even before the sweeper has run.
            stale = list(
                BookingSeat.objects.filter(
                    showtime=showtime,
                    seat_id__in=wanted,
                    status=BookingStatus.PENDING,
                    booking__expires_at__lte=at,
                ).values_list("booking_id", flat=True)
            )
            _expire(sorted(set(stale)), at)
            taken = _taken_seat_ids(showtime.pk, wanted, at)
            if taken:
                raise SeatsUnavailable("Some of these seats are no longer free.", seat_ids=taken)

            buyer = customer_upsert(details=details, marketing_consent=marketing_consent, at=at)
            tariff = tariff_for(Tariff.objects.all(), local(showtime.starts_at))
            prices = {s.pk: seat_price(s.base_price, tariff) for s in seats}
            booking = _create_booking(
                buyer=buyer,
                showtime=showtime,
                at=at,
                total=sum(prices.values(), Decimal("0.00")),
                token=token,
                recipient_name=recipient_name.strip() if recipient_email else "",
                recipient_email=recipient_email.strip(),
                gift_message=gift_message.strip() if recipient_email else "",
            )
            try:
                # One statement, seats in id order: concurrent holds wait on the same
                # first seat instead of deadlocking on each other's.
                with transaction.atomic():
                    BookingSeat.objects.bulk_create(
                        BookingSeat(
                            booking=booking,
                            showtime=showtime,
                            seat=s,
                            tariff=tariff,
                            tariff_name=tariff.name if tariff else "",
                            final_price=prices[s.pk],
                            status=BookingStatus.PENDING,
                        )
                        for s in seats
                    )
            except IntegrityError:
                taken = _taken_seat_ids(showtime.pk, wanted, clock_now()) or wanted
                raise SeatsUnavailable("Some of these seats were just taken.", seat_ids=taken) from None
            return booking

    booking = _retry_on_deadlock(attempt)
    return HoldResult(booking=booking, token=token)


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
) -> Booking:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Booking.objects.create(
                    reference=new_reference(),
                    token_hash=hash_token(token),
                    customer=buyer,
                    showtime=showtime,
                    status=BookingStatus.PENDING,
                    total_price=total,
                    booked_at=at,
                    expires_at=at + dt.timedelta(minutes=settings.HOLD_MINUTES),
                    recipient_name=recipient_name,
                    recipient_email=recipient_email,
                    gift_message=gift_message,
                )
        except IntegrityError:
            continue  # a reference collision (1 in 10^11): draw again
    raise RuntimeError("could not draw a unique booking reference")  # pragma: no cover


# --- finding bookings ------------------------------------------------------------------


def booking_for_token(*, reference: str, token: str) -> Booking:
    """The booking if the token is its own; otherwise NotFound, as for a missing booking."""
    booking = (
        Booking.objects.select_related("customer", "showtime__movie", "showtime__hall")
        .filter(reference=normalise_reference(reference))
        .first()
    )
    if booking is None or not token or not token_matches(token, booking.token_hash):
        raise NotFound("No such booking.")
    return booking


def _lock_booking(reference: str) -> Booking:
    booking = (
        Booking.objects.select_for_update()
        .select_related("showtime", "customer")
        .filter(reference=normalise_reference(reference))
        .first()
    )
    if booking is None:
        raise NotFound("No such booking.")
    return booking


def _expire_one_if_lapsed(reference: str) -> bool:
    """Mark a lapsed hold expired in its own transaction; True if it was lapsed."""
    with transaction.atomic():
        booking = _lock_booking(reference)
        if booking.status == BookingStatus.PENDING and booking.expires_at <= clock_now():
            _expire([booking.pk], clock_now())
            return True
    return False


# --- paying ----------------------------------------------------------------------------


def _queue_ticket_mail(booking: Booking) -> None:
    mail_queue(kind=MailKind.TICKETS, to_email=booking.ticket_email, booking_id=booking.pk)
    if booking.ticket_email.lower() != booking.customer.email.lower():
        mail_queue(kind=MailKind.RECEIPT, to_email=booking.customer.email, booking_id=booking.pk)


def _mark_paid(reference: str, *, method: str, charge: bool) -> Booking:
    if _expire_one_if_lapsed(reference):
        raise InvalidState("The hold has expired; choose the seats again.")
    with transaction.atomic():
        booking = _lock_booking(reference)
        if booking.status == BookingStatus.PAID:
            return booking  # paying twice is harmless: same answer, no second email
        at = clock_now()
        if booking.status != BookingStatus.PENDING or booking.expires_at <= at:
            raise InvalidState(f"A {booking.status} booking cannot be paid.")
        payment_reference = ""
        if charge:
            result = get_provider(method).charge(
                booking_reference=booking.reference, amount=booking.total_price, currency=settings.CURRENCY
            )
            if not result.approved:
                raise InvalidState(result.message or "The payment was declined.")
            payment_reference = result.reference
        updated = Booking.objects.filter(
            pk=booking.pk, status__in=sources_for(BookingStatus.PAID), expires_at__gt=at
        ).update(
            status=BookingStatus.PAID,
            paid_at=at,
            payment_method=method,
            payment_reference=payment_reference,
            updated_at=at,
        )
        if updated != 1:
            raise InvalidState("The booking changed while it was being paid.")
        BookingSeat.objects.filter(booking=booking).update(status=BookingStatus.PAID, updated_at=at)
        booking.refresh_from_db()
        _queue_ticket_mail(booking)
        return booking


def booking_pay(*, reference: str, method: str) -> Booking:
    """A customer pays through a provider. Paying a paid booking answers it unchanged."""
    get_provider(method)  # an unknown method is a validation error before anything else
    return _mark_paid(reference, method=method, charge=True)


def booking_mark_paid(*, reference: str) -> Booking:
    """Staff took the money at the box office."""
    return _mark_paid(reference, method=BOX_OFFICE, charge=False)


# --- cancelling ------------------------------------------------------------------------


def _cancel_locked(booking: Booking, *, reason: CancelReason, at: dt.datetime) -> Booking:
    was_paid = booking.status == BookingStatus.PAID
    updated = Booking.objects.filter(pk=booking.pk, status__in=sources_for(BookingStatus.CANCELLED, reason)).update(
        status=BookingStatus.CANCELLED, cancelled_at=at, cancel_reason=reason, updated_at=at
    )
    if updated != 1:
        raise InvalidState(f"A {booking.status} booking cannot be cancelled.")
    BookingSeat.objects.filter(booking=booking).update(status=BookingStatus.CANCELLED, updated_at=at)
    booking.refresh_from_db()
    if was_paid:
        kind = MailKind.SHOWTIME_CANCELLED if reason == CancelReason.SHOWTIME_CANCELLED else MailKind.CANCELLATION
        mail_queue(kind=kind, to_email=booking.customer.email, booking_id=booking.pk)
        if booking.is_gift and reason == CancelReason.SHOWTIME_CANCELLED:
            mail_queue(kind=kind, to_email=booking.ticket_email, booking_id=booking.pk)
    return booking


def booking_cancel(*, reference: str, by_staff: bool = False) -> Booking:
    """Cancel and free the seats at once. Customers: until CANCEL_CUTOFF_MINUTES before
    the show; staff: until it starts. The booking and its seats stay for the records."""
    if _expire_one_if_lapsed(reference):
        raise InvalidState("The hold had already expired.")
    with transaction.atomic():
        booking = _lock_booking(reference)
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
        return _cancel_locked(booking, reason=reason, at=at)


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


def showtime_cancel(*, showtime_id: int) -> Showtime:
    """The cinema cancels a showtime: every active booking is cancelled and its buyer told."""
    with transaction.atomic():
        try:
            showtime = Showtime.objects.select_for_update().get(pk=showtime_id)
        except Showtime.DoesNotExist:
            raise NotFound("No such showtime.") from None
        if showtime.status == ShowtimeStatus.CANCELLED:
            return showtime
        at = clock_now()
        Showtime.objects.filter(pk=showtime.pk).update(status=ShowtimeStatus.CANCELLED, cancelled_at=at, updated_at=at)
        active = (
            Booking.objects.select_for_update()
            .select_related("customer", "showtime")
            .filter(showtime=showtime, status__in=ACTIVE_STATUSES)
            .order_by("pk")
        )
        for booking in active:
            _cancel_locked(booking, reason=CancelReason.SHOWTIME_CANCELLED, at=at)
        showtime.refresh_from_db()
        return showtime


def showtime_delete(*, showtime_id: int) -> bool:
    """Delete a showtime with no bookings; one with bookings is cancelled instead (kept for
    the records). Returns True if it was deleted."""
    with transaction.atomic():
        try:
            showtime = Showtime.objects.select_for_update().get(pk=showtime_id)
        except Showtime.DoesNotExist:
            raise NotFound("No such showtime.") from None
        if not Booking.objects.filter(showtime=showtime).exists():
            showtime.delete()
            return True
    showtime_cancel(showtime_id=showtime_id)
    return False


def booking_resend(*, reference: str) -> Booking:
    """Queue the tickets again (customer from the booking page, or staff)."""
    with transaction.atomic():
        booking = _lock_booking(reference)
        if booking.status != BookingStatus.PAID:
            raise InvalidState("Only paid bookings have tickets to send.")
        mail_queue(kind=MailKind.RESEND, to_email=booking.ticket_email, booking_id=booking.pk)
        return booking
