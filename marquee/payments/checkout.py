"""A customer's hold with what they bring to pay less: a promo code and a gift voucher.

`booking_hold` prices the seats (tariff, ticket type, format); the promo code then takes its
discount off those prices, and the voucher pays part or all of the rest, in the same
transaction as the hold: a code refused (and why) leaves no hold behind, and two bookings
racing for a code's last use or a voucher's last hryvnia cannot both get it.

Best available (`best_available=(count, seat type or None)`) chooses the seats first and
holds them in that same transaction; when another customer took one meanwhile, the whole
transaction is undone and the choice made again (booking.services.best_seats_held).
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.db import transaction

from marquee.booking.models import FREE, Booking
from marquee.booking.promo import promo_apply_locked
from marquee.booking.services import (
    CustomerDetails,
    HoldResult,
    best_seats_held,
    booking_hold,
    booking_lock,
    booking_settle_paid,
)
from marquee.core.clock import now as clock_now
from marquee.payments.voucher_money import voucher_pay_locked, voucher_release_lapsed


def checkout_hold(
    *,
    showtime_id: int,
    seat_ids: Sequence[int] = (),
    customer: CustomerDetails,
    ticket_types: Mapping[int, str] | None = None,
    promo_code: str = "",
    voucher_code: str = "",
    recipient_name: str = "",
    recipient_email: str = "",
    gift_message: str = "",
    marketing_consent: bool = False,
    language: str = "",
    client_ip: str = "",
    wheelchair: bool = False,
    gap_rule: str | None = None,
    best_available: tuple[int, str | None] | None = None,
) -> HoldResult:
    """Hold the seats as `booking_hold` does (or, with `best_available` = (count, seat type or
    None), the best free block as `booking_hold_best` does), then apply `promo_code` and
    `voucher_code` (ValidationFailed naming `promo_code` or `voucher_code` with the reason:
    nothing is held). `wheelchair` and `gap_rule` as booking_hold's."""
    if voucher_code:
        # Money this voucher left on holds that lapsed comes back first, in their own transactions.
        voucher_release_lapsed(code=voucher_code)

    def hold(chosen: Sequence[int]) -> HoldResult:
        return _hold_with_codes(
            showtime_id=showtime_id,
            seat_ids=chosen,
            customer=customer,
            ticket_types=ticket_types,
            promo_code=promo_code,
            voucher_code=voucher_code,
            recipient_name=recipient_name,
            recipient_email=recipient_email,
            gift_message=gift_message,
            marketing_consent=marketing_consent,
            language=language,
            client_ip=client_ip,
            wheelchair=wheelchair,
            gap_rule=gap_rule,
        )

    if best_available is None:
        return hold(seat_ids)
    count, seat_type = best_available
    return best_seats_held(showtime_id=showtime_id, count=count, seat_type=seat_type, wheelchair=wheelchair, hold=hold)


def _hold_with_codes(
    *,
    showtime_id: int,
    seat_ids: Sequence[int],
    customer: CustomerDetails,
    ticket_types: Mapping[int, str] | None,
    promo_code: str,
    voucher_code: str,
    recipient_name: str,
    recipient_email: str,
    gift_message: str,
    marketing_consent: bool,
    language: str,
    client_ip: str,
    wheelchair: bool,
    gap_rule: str | None,
) -> HoldResult:
    with transaction.atomic():
        result = booking_hold(
            showtime_id=showtime_id,
            seat_ids=seat_ids,
            customer=customer,
            ticket_types=ticket_types,
            recipient_name=recipient_name,
            recipient_email=recipient_email,
            gift_message=gift_message,
            marketing_consent=marketing_consent,
            language=language,
            client_ip=client_ip,
            wheelchair=wheelchair,
            gap_rule=gap_rule,
            savepoint=False,  # any error here ends this transaction: no savepoint, two round trips fewer
        )
        total = result.booking.total_price
        if promo_code.strip():
            promo_apply_locked(booking=result.booking, seats=result.seats, code=promo_code, at=result.booking.booked_at)
            total = _total(result.booking)  # the promo changed it in the database
        if total == 0:
            # A code that takes the whole price off (or seats that cost nothing): nothing for a
            # card or a voucher to pay, so the booking is paid now and its tickets go out.
            _settle_free(result.booking)
        elif voucher_code:
            _pay_with_voucher(result, voucher_code, total)
    return result


def _total(booking: Booking) -> Decimal:
    """The booking's total as the database has it now (after the promo)."""
    return Booking.objects.filter(pk=booking.pk).values_list("total_price", flat=True).get()


def _settle_free(booking: Booking) -> None:
    booking_lock(reference=booking.reference)
    booking.total_price = Decimal("0.00")
    booking_settle_paid(booking=booking, method=FREE, payment_reference="", at=clock_now())


def _pay_with_voucher(result: HoldResult, code: str, total: Decimal) -> None:
    """The voucher pays min(balance, total) of the hold (`total`: after the promo); a hold it
    covers whole is paid at once, its tickets queued, all in the hold's transaction."""
    booking = result.booking
    at = clock_now()
    payment = voucher_pay_locked(booking=booking, code=code, up_to=total, at=at)
    if payment is not None and payment.amount >= total:
        booking_lock(reference=booking.reference)
        booking.total_price = total
        booking_settle_paid(booking=booking, method=payment.provider, payment_reference=payment.provider_id, at=at)
