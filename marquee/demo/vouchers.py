"""Demo gift vouchers: one bought online and partly spent on a booking, one sent straight to
the person it is for and not used yet, one issued by staff for a complaint, and one expired.
Codes and amounts are drawn from the seed's own generator; dates are relative to today."""

import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings

from marquee.booking.models import ACTIVE_STATUSES, Booking, BookingSeat, Customer
from marquee.booking.services import CustomerDetails, booking_hold, booking_lock, booking_settle_paid
from marquee.booking.tokens import REFERENCE_ALPHABET, REFERENCE_LENGTH
from marquee.core.clock import day_bounds, local_today
from marquee.notifications.models import OutgoingMail
from marquee.payments.models import Payment, PaymentPurpose, PaymentStatus
from marquee.payments.voucher_money import voucher_pay_locked
from marquee.scheduling.models import Showtime, ShowtimeStatus
from marquee.vouchers.codes import CODE_LENGTH
from marquee.vouchers.models import EntryKind, Voucher, VoucherEntry, VoucherSource, VoucherStatus

MESSAGES = [
    "З днем народження! Сходи на щось гарне.",
    "Happy birthday — go and see something good.",
    "Дякуємо, що ви з нами!",
]


def _code(rng: random.Random) -> str:
    return "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(CODE_LENGTH))


def _voucher(
    rng: random.Random,
    *,
    amount: Decimal,
    paid_at: dt.datetime,
    valid_days: int,
    bought: bool,
    **fields: object,
) -> Voucher:
    voucher = Voucher.objects.create(
        code=_code(rng),
        amount=amount,
        balance=amount,
        currency=settings.CURRENCY,
        status=VoucherStatus.ACTIVE,
        source=VoucherSource.BOUGHT if bought else VoucherSource.ISSUED,
        expires_at=paid_at + dt.timedelta(days=valid_days),
        activated_at=paid_at,
        **fields,
    )
    payment_id = None
    if bought:  # its money came in through the ledger, as a voucher bought online does
        payment_id = Payment.objects.create(
            voucher=voucher,
            provider="demo",
            provider_id=f"demo-voucher-{voucher.code[:12].lower()}",
            amount=amount,
            currency=settings.CURRENCY,
            status=PaymentStatus.SUCCEEDED,
            purpose=PaymentPurpose.VOUCHER_SALE,
            succeeded_at=paid_at,
            idempotency_key=f"pay-demo-voucher-{voucher.code.lower()}",
        ).pk
    VoucherEntry.objects.create(
        voucher=voucher,
        kind=EntryKind.ISSUED,
        amount=amount,
        balance_after=amount,
        payment_id=payment_id,
        note=str(fields.get("reason", "")),
        created_at=paid_at,
    )
    return voucher


def _spend(
    rng: random.Random, voucher: Voucher, customer: Customer, showtimes: Sequence[Showtime], at: dt.datetime
) -> None:
    """Two seats of the latest showtime still on sale, paid whole from the voucher. The sale
    is made through the real services now, then dated to the seed's own morning and given a
    reference from its generator, so that one seed on one day gives the same cinema."""
    future = [s for s in showtimes if s.status == ShowtimeStatus.SCHEDULED and s.starts_at > at]
    if not future:
        return
    show = max(future, key=lambda s: (s.starts_at, s.pk))
    taken = set(BookingSeat.objects.filter(showtime=show, status__in=ACTIVE_STATUSES).values_list("seat_id", flat=True))
    free = [pk for pk in show.hall.seats.order_by("row_number", "seat_number").values_list("pk", flat=True)]
    seats = [pk for pk in free if pk not in taken][-2:]
    if len(seats) < 2:
        return
    details = CustomerDetails(first_name=customer.first_name, last_name=customer.last_name, email=customer.email)
    # The demo writes what happened, not a customer's choice: the single-seat rule is not its to keep.
    held = booking_hold(showtime_id=show.pk, seat_ids=seats, customer=details, gap_rule="allow")
    booking = held.booking
    payment = voucher_pay_locked(booking=booking, code=voucher.code, up_to=booking.total_price, at=at)
    if payment is not None and payment.amount >= booking.total_price:
        booking_lock(reference=booking.reference)
        booking_settle_paid(booking=booking, method=payment.provider, payment_reference=payment.provider_id, at=at)
    # The demo sends nobody anything: the tickets email this sale queued is not for a real person.
    OutgoingMail.objects.filter(booking=booking).delete()
    booked = day_bounds(local_today())[0] - dt.timedelta(hours=rng.randint(2, 20))
    reference = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    while Booking.objects.filter(reference=reference).exists():  # pragma: no cover - 1 in 10^11
        reference = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    paid = booked + dt.timedelta(minutes=2)
    Booking.objects.filter(pk=booking.pk).update(
        reference=reference,
        booked_at=booked,
        expires_at=booked + dt.timedelta(minutes=settings.HOLD_MINUTES),
        paid_at=paid,
        payment_reference=f"voucher-demo-{reference.lower()}",
    )
    Payment.objects.filter(booking=booking).update(
        provider_id=f"voucher-demo-{reference.lower()}", succeeded_at=paid, created_at=paid
    )
    VoucherEntry.objects.filter(booking=booking).update(created_at=paid, note=reference)


def seed_vouchers(
    rng: random.Random, customers: Sequence[Customer], showtimes: Sequence[Showtime], at: dt.datetime
) -> list[Voucher]:
    """Inside the seed's transaction, after the bookings and their ledger. Dates count from
    the start of today (the seed's run at any hour of one day gives the same vouchers)."""
    morning = day_bounds(local_today())[0]
    buyer, friend = rng.sample(list(customers), 2) if len(customers) >= 2 else (customers[0], customers[0])
    partly = _voucher(
        rng,
        amount=Decimal(rng.choice([700, 800, 1000])),
        paid_at=morning - dt.timedelta(days=rng.randint(20, 60)),
        valid_days=365,
        bought=True,
        buyer_name=buyer.full_name,
        buyer_email=buyer.email,
        language="uk",
    )
    _spend(rng, partly, buyer, showtimes, at)
    gift = _voucher(
        rng,
        amount=Decimal(rng.choice([300, 500])),
        paid_at=morning - dt.timedelta(days=rng.randint(1, 10)),
        valid_days=365,
        bought=True,
        buyer_name=buyer.full_name,
        buyer_email=buyer.email,
        recipient_name=friend.full_name,
        recipient_email=friend.email,
        send_to_recipient=True,
        message=rng.choice(MESSAGES),
        language="uk",
    )
    complaint = _voucher(
        rng,
        amount=Decimal("250.00"),
        paid_at=morning - dt.timedelta(days=rng.randint(2, 5)),
        valid_days=180,
        bought=False,
        recipient_name=friend.full_name,
        reason="The projector failed during the show",
    )
    expired = _voucher(
        rng,
        amount=Decimal("200.00"),
        paid_at=morning - dt.timedelta(days=400),
        valid_days=365,
        bought=True,
        buyer_name=friend.full_name,
        buyer_email=friend.email,
    )
    return [partly, gift, complaint, expired]
