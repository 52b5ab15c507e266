"""A promo code on a hold: checked and its discount written in the hold's transaction.

Here, in `booking`, rather than in `promotions`: a code's uses are bookings, and booking stands
above promotions (promotions knows nothing of bookings; `Booking.promo_code` points down at it).

Uses are counted as the ACTIVE bookings that carry the code: paid, or held and not yet lapsed.
So a hold that lapses or is cancelled gives its use back by itself, with no hook in the booking
services, and the count can never drift from the bookings. The code's row is locked
(`select_for_update`) while its uses are counted and this booking takes one: two customers
racing for the last use queue on it, and the second counts the first's booking. (SQLite's
IMMEDIATE write transactions already run one at a time.) A customer's own uses are counted
under the same lock; the hold has also locked the customer's row.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from marquee.booking.models import Booking, BookingSeat, BookingStatus
from marquee.core.clock import local
from marquee.core.errors import ValidationFailed
from marquee.promotions import rules
from marquee.promotions.models import PromoCode


def active_bookings(at: dt.datetime) -> Q:
    """Bookings that hold a use of their code at `at` (a filter on Booking)."""
    return Q(status=BookingStatus.PAID) | Q(status=BookingStatus.PENDING, expires_at__gt=at)


def _refuse(reason: str) -> ValidationFailed:
    return ValidationFailed(reason, fields={"promo_code": [reason]})


def _rules_of(code: PromoCode) -> rules.CodeRules:
    return rules.CodeRules(
        is_active=code.is_active,
        valid_from=code.valid_from,
        valid_until=code.valid_until,
        days_mask=code.days_mask,
        movie_ids=frozenset(code.movies.values_list("pk", flat=True)),
        format_ids=frozenset(code.formats.values_list("pk", flat=True)),
        showtime_ids=frozenset(code.showtimes.values_list("pk", flat=True)),
    )


def promo_apply_locked(*, booking: Booking, seats: Sequence[BookingSeat], code: str, at: dt.datetime) -> Booking:
    """Apply `code` to the booking just held (inside the hold's transaction): its seats'
    discounts and final prices, the booking's total, code and the code's text. Raises
    ValidationFailed naming `promo_code` with the reason; the caller's transaction then
    rolls back, so nothing is held."""
    normalised = rules.normalise_code(code)
    if not rules.CODE_PATTERN.match(normalised):
        raise _refuse(rules.UNKNOWN)
    found = PromoCode.objects.select_for_update().filter(code=normalised).first()
    if found is None:
        raise _refuse(rules.UNKNOWN)
    showtime = booking.showtime
    occasion = rules.Occasion(
        bought_on=local(at).date(),
        showtime_id=showtime.pk,
        movie_id=showtime.movie_id,
        format_id=showtime.format_id,
        starts_local=local(showtime.starts_at),
    )
    reason = rules.refusal(_rules_of(found), occasion)
    if reason is None:
        counts = (
            Booking.objects.filter(active_bookings(at), promo_code=found)
            .exclude(pk=booking.pk)
            .aggregate(
                uses=Count("pk"),
                mine=Count("pk", filter=Q(customer_id=booking.customer_id)),
            )
        )
        reason = rules.uses_refusal(
            max_uses=found.max_uses,
            uses=counts["uses"],
            max_uses_per_customer=found.max_uses_per_customer,
            # A walk-in sale at the counter without an email belongs to nobody: no own count.
            customer_uses=counts["mine"] if booking.customer_id is not None else 0,
        )
    if reason is not None:
        raise _refuse(reason)

    off = rules.discounts([bs.final_price for bs in seats], kind=found.kind, value=found.value)
    for bs, discount in zip(seats, off, strict=True):
        bs.discount = discount
        bs.final_price = bs.final_price - discount
    BookingSeat.objects.bulk_update(seats, ["discount", "final_price"])
    booking.total_price = sum((bs.final_price for bs in seats), Decimal("0.00"))
    booking.promo_code = found
    booking.promo_code_text = found.code
    Booking.objects.filter(pk=booking.pk).update(
        total_price=booking.total_price, promo_code=found, promo_code_text=found.code, updated_at=at
    )
    return booking


def promo_code_uses(code_ids: Iterable[int], at: dt.datetime) -> dict[int, int]:
    """How many uses each code has at `at` (one query)."""
    ids = list(code_ids)
    counted: QuerySet[Booking] = Booking.objects.filter(active_bookings(at), promo_code_id__in=ids)
    rows = counted.values("promo_code_id").annotate(n=Count("pk")).order_by()
    found = {row["promo_code_id"]: row["n"] for row in rows}
    return {pk: found.get(pk, 0) for pk in ids}
