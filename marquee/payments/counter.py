"""The box office's counter sale: seats sold and paid (cash or card terminal) or given as a comp,
in one transaction with the ledger entry and the audit record.

A sale takes the money at the counter, so no provider is called: the payment is recorded as
succeeded at once, with the staff member who took it (as `payment_record_box_office` does).
A comp has no payment at all (a payment is always above zero): the booking is paid with
method "comp", every seat at price 0, and the reason is kept on the booking and in the audit
record (`booking.comp`). The rules of the sale itself are in marquee.booking.counter.
"""

import secrets
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from marquee.audit.labels import seat_fact
from marquee.audit.services import audit_record
from marquee.booking.counter import SeatChoice, booking_sell
from marquee.booking.models import COMP, Booking
from marquee.booking.moves import showtime_fact
from marquee.booking.promo import promo_apply_locked
from marquee.core.clock import now as clock_now
from marquee.core.errors import ValidationFailed
from marquee.payments.models import Payment, PaymentStatus
from marquee.payments.providers.registry import BOX_OFFICE_PROVIDERS
from marquee.payments.voucher_money import voucher_pay_locked

COUNTER_METHODS = (*BOX_OFFICE_PROVIDERS, COMP)


def _seat_choices(seat_ids: Sequence[int], ticket_types: Sequence[str] | None) -> list[SeatChoice]:
    types = list(ticket_types or [])
    if types and len(types) != len(seat_ids):
        raise ValidationFailed(
            _("Some fields are not valid."), fields={"ticket_types": [_("Give one ticket type per seat.")]}
        )
    return [SeatChoice(seat_id=pk, ticket_type=types[i] if types else "") for i, pk in enumerate(seat_ids)]


def counter_sell(
    *,
    showtime_id: int,
    seat_ids: Sequence[int],
    method: str,
    staff_user: User,
    email: str | None = None,
    name: str = "",
    comp_reason: str = "",
    ticket_types: Sequence[str] | None = None,
    language: str = "",
    promo_code: str = "",
    voucher_code: str = "",
    allow_gap: bool = False,
) -> Booking:
    """Sell `seat_ids` of the showtime at the counter: `method` is "cash", "card_terminal" or
    "comp" (with `comp_reason`). The booking is paid, its seats sold, the payment recorded as
    taken by `staff_user` and an audit record written, all in one transaction; with `email`,
    the tickets are emailed as for an online booking. `ticket_types` gives one type code per
    seat, in the order of `seat_ids` ("" for the default type); left out, every seat is the
    default type. `promo_code` takes its discount off the sale as online (its uses counted the
    same way; a walk-in without an email has no per-customer count); a comp takes none. A
    `voucher_code` then pays min(balance, total) from a gift voucher; `method` takes the rest
    (nothing, when the voucher pays it all). A voucher that cannot pay: ValidationFailed naming
    `voucher_code`. `allow_gap`: staff sell seats that leave a single empty seat on its own
    (otherwise SingleSeatGap, see marquee.booking.counter).

    Raises ValidationFailed, NotFound, SalesClosed, SeatsUnavailable or SingleSeatGap, and then
    nothing is recorded."""
    if method not in COUNTER_METHODS:
        raise ValidationFailed(
            _("Choose cash, card terminal or comp."), fields={"method": [_("Choose cash, card terminal or comp.")]}
        )
    choices = _seat_choices(seat_ids, ticket_types)
    comp = method == COMP
    if comp and promo_code.strip():
        raise ValidationFailed(
            _("A comp costs nothing: leave the promo code out."),
            fields={"promo_code": [_("A comp costs nothing: leave the promo code out.")]},
        )
    provider_id = "" if comp else f"{method}-{secrets.token_hex(8)}"
    with transaction.atomic(durable=True):
        sold = booking_sell(
            showtime_id=showtime_id,
            seats=choices,
            method=method,
            payment_reference=provider_id,
            staff_user=staff_user,
            email=email or "",
            name=name,
            comp_reason=comp_reason,
            language=language,
            allow_gap=allow_gap,
        )
        booking = sold.booking
        if promo_code.strip():
            promo_apply_locked(booking=booking, seats=sold.seats, code=promo_code, at=booking.paid_at or clock_now())
        from_voucher = Decimal("0.00")
        if voucher_code and not comp:
            paid = voucher_pay_locked(
                booking=booking, code=voucher_code, up_to=booking.total_price, at=booking.paid_at or clock_now()
            )
            from_voucher = paid.amount if paid is not None else from_voucher
        rest = booking.total_price - from_voucher
        if not comp and rest > 0:
            Payment.objects.create(
                booking=booking,
                provider=method,
                provider_id=provider_id,
                amount=rest,
                currency=settings.CURRENCY,
                status=PaymentStatus.SUCCEEDED,
                succeeded_at=booking.paid_at or clock_now(),
                taken_by=staff_user if staff_user.pk else None,
                idempotency_key=f"pay-{secrets.token_hex(16)}",
            )
        showtime = booking.showtime
        audit_record(
            actor=staff_user,
            action="booking.comp" if comp else "booking.sell",
            target_type="booking",
            target_id=booking.reference,
            target_label=booking.reference,
            # Facts of the sale; never the customer's address, which an erasure must be able to remove.
            changes={
                "seats": [seat_fact(bs.seat.row_number, bs.seat.seat_number) for bs in sold.seats],
                "total": booking.total_price,
                "method": method,
                "channel": booking.channel,
                "showtime": showtime_fact(showtime),
                **({"promo_code": booking.promo_code_text} if booking.promo_code_text else {}),
                **({"voucher": from_voucher} if from_voucher else {}),
                # Sold though it leaves one empty seat on its own: the cashier ticked "Sell anyway".
                **({"single_seat_gap": "sold anyway"} if sold.gap_overridden else {}),
            },
            booking_id=booking.pk,
            showtime_id=showtime.pk,
            note=booking.comp_reason,
        )
    return booking
