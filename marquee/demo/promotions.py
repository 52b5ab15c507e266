"""The demo's promotions: a running weekday promotion that some demo bookings used, a
welcome code once per customer, and a batch of single-use gift codes.

Deterministic by the seed and relative to today, as the rest of the demo. Called by
`builder.seed_demo` after the bookings are written and before the ledger is filled, so the
payments of the bookings that used KINO20 are for their discounted totals.
"""

import datetime as dt
import random
from decimal import Decimal

from marquee.booking.models import Booking, BookingSeat, BookingStatus
from marquee.core.clock import local
from marquee.promotions import rules
from marquee.promotions.models import PromoCode
from marquee.promotions.services import CodeTerms, promo_batch_create, promo_code_create

MONDAY_TO_THURSDAY = 0b0001111
WEEKENDS = 0b1100000
# How many paid demo bookings for a Monday-to-Thursday showtime used KINO20.
USED_KINO20 = 12


def seed_promotions(rng: random.Random, *, today: dt.date) -> list[PromoCode]:
    """KINO20 (20 % off Monday to Thursday, running for two months), SIMEINYI (100 off the
    booking at weekends, once per customer), a batch of 20 single-use GIFT codes (150 off)."""
    kino20 = promo_code_create(
        code="KINO20",
        terms=CodeTerms(
            kind="percent",
            value=Decimal("20"),
            note="Будні дні: −20 % з понеділка по четвер",
            valid_from=today - dt.timedelta(days=30),
            valid_until=today + dt.timedelta(days=60),
            days_mask=MONDAY_TO_THURSDAY,
        ),
    )
    family = promo_code_create(
        code="SIMEINYI",
        terms=CodeTerms(
            kind="amount",
            value=Decimal("100"),
            note="Сімейні вихідні: −100 грн на бронювання",
            days_mask=WEEKENDS,
            max_uses_per_customer=1,
            max_uses=500,
        ),
    )
    _batch, _codes = promo_batch_create(
        quantity=20,
        prefix="GIFT",
        terms=CodeTerms(kind="amount", value=Decimal("150"), note="Подарункові коди партнерам"),
        choice=rng.choice,
    )
    _used_by_some_bookings(rng, kino20, today)
    return [kino20, family]


def _used_by_some_bookings(rng: random.Random, code: PromoCode, today: dt.date) -> None:
    """A few paid bookings of Monday-to-Thursday showtimes, made while KINO20 ran, take its discount."""
    assert code.valid_from is not None  # set above
    candidates = [
        b
        for b in Booking.objects.filter(status=BookingStatus.PAID, payment_method="demo", promo_code__isnull=True)
        .select_related("showtime")
        .order_by("reference")
        if local(b.showtime.starts_at).weekday() < 4 and local(b.booked_at).date() >= code.valid_from
    ]
    chosen = rng.sample(candidates, min(USED_KINO20, len(candidates)))
    seats_of: dict[int, list[BookingSeat]] = {}
    for bs in BookingSeat.objects.filter(booking__in=chosen).order_by("booking_id", "seat_id"):
        seats_of.setdefault(bs.booking_id, []).append(bs)
    changed_seats: list[BookingSeat] = []
    for booking in chosen:
        seats = seats_of.get(booking.pk, [])
        off = rules.discounts([s.final_price for s in seats], kind=code.kind, value=code.value)
        for seat, discount in zip(seats, off, strict=True):
            seat.discount = discount
            seat.final_price -= discount
        changed_seats += seats
        booking.total_price = sum((s.final_price for s in seats), Decimal("0.00"))
        booking.promo_code = code
        booking.promo_code_text = code.code
    BookingSeat.objects.bulk_update(changed_seats, ["discount", "final_price"])
    Booking.objects.bulk_update(chosen, ["total_price", "promo_code", "promo_code_text"])
