"""Reads of the ledger for staff: a booking's money, the payments list, the reconciliation.

Each function runs a fixed number of queries whatever the data's size.

What the reconciliation counts as a mismatch (empty lists on a healthy cinema):
- `paid_without_payment`: a paid booking without a succeeded payment (every paid booking,
  online or at the box office, has its payment in the ledger; a comp, given free at the
  counter with a reason, and a booking a promo code made free have none and are not listed);
- `payments_without_paid_booking`: a succeeded payment whose booking is not paid and whose
  money was not all given back (refunds pending or succeeded count as given back: pending
  ones are listed below until they settle). A booking staff cancelled is left out: staff
  chose then how much to refund (all, part or none), and a refund that fails shows below.
  A gift voucher's part of a hold still pending is left out too (the card pays the rest; a
  lapsed hold's goes back to the voucher at the sweep). A gift voucher paid for that is not
  active is listed here as well;
- `refunds_pending`: refunds still pending PAYMENT_RECONCILE_MINUTES after they were asked
  for (a refund in flight for seconds is not a problem; one stuck for long is);
- `refunds_failed`: refunds that failed, while their payment still holds money not given back;
- `payments_with_problem`: payments the ledger flagged (amount or currency differed from the
  booking's, paid after the seats went to someone else).
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from marquee.booking.models import COMP, Booking, BookingStatus, CancelReason
from marquee.core.clock import day_bounds
from marquee.core.clock import now as clock_now
from marquee.core.errors import ValidationFailed
from marquee.core.pages import Page, page_of
from marquee.payments.models import VOUCHER_PROVIDER, Payment, PaymentStatus, Refund, RefundStatus
from marquee.vouchers.models import VoucherStatus

MAX_RANGE_DAYS = 800
DEFAULT_RECONCILE_MINUTES = 15
RECONCILE_LIMIT = 500  # of each kind, oldest first: more than this is a fault to fix, not to read


@dataclass(frozen=True)
class BookingMoney:
    payments: list[Payment]  # newest first, with who took each at the box office
    refunds: list[Refund]  # newest first, with their payment and who asked
    amount_paid: Decimal  # what succeeded payments took
    amount_refunded: Decimal  # refunds under way or done (a pending refund reserves its amount)


def booking_money(booking_id: int) -> BookingMoney:
    """A booking's payments and refunds. Two queries."""
    payments = list(
        Payment.objects.filter(booking_id=booking_id).select_related("taken_by").order_by("-created_at", "-pk")
    )
    refunds = list(
        Refund.objects.filter(payment__booking_id=booking_id)
        .select_related("payment", "staff_user")
        .order_by("-created_at", "-pk")
    )
    succeeded = [p for p in payments if p.status == PaymentStatus.SUCCEEDED]
    return BookingMoney(
        payments=payments,
        refunds=refunds,
        amount_paid=sum((p.amount for p in succeeded), Decimal("0.00")),
        amount_refunded=sum((p.amount_refunded for p in payments), Decimal("0.00")),
    )


def _payments(*, start: dt.date | None, end: dt.date | None, provider: str = "", status: str = "") -> QuerySet[Payment]:
    qs = Payment.objects.all()
    if start is not None and end is not None:
        if start > end:
            raise ValidationFailed("The period ends before it starts.", fields={"to": ["Must be on or after `from`."]})
        if (end - start).days > MAX_RANGE_DAYS:
            raise ValidationFailed("The period is too long.", fields={"to": [f"At most {MAX_RANGE_DAYS} days."]})
    if start is not None:
        qs = qs.filter(created_at__gte=day_bounds(start)[0])
    if end is not None:
        qs = qs.filter(created_at__lt=day_bounds(end)[1])
    if provider:
        qs = qs.filter(provider=provider)
    if status:
        if status not in PaymentStatus.values:
            raise ValidationFailed("Unknown status.", fields={"status": [f"One of {', '.join(PaymentStatus.values)}."]})
        qs = qs.filter(status=status)
    return qs.select_related("booking", "voucher", "taken_by").order_by("-created_at", "-pk")


def payments_find(
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    provider: str = "",
    status: str = "",
    limit: int = 50,
    offset: int = 0,
) -> Page[Payment]:
    """Payments made on the cinema's local days `start` to `end` (both included; either may
    be left open), of a provider and status, newest first. Two queries."""
    qs = _payments(start=start, end=end, provider=provider, status=status)
    return page_of(qs, limit=limit, offset=offset)


def payments_all(
    *, start: dt.date | None = None, end: dt.date | None = None, provider: str = "", status: str = ""
) -> Iterator[Payment]:
    """The same, every one (for the CSV), read in chunks."""
    return _payments(start=start, end=end, provider=provider, status=status).iterator(chunk_size=2000)


def payment_providers_seen() -> list[str]:
    """Every provider name the ledger holds (for the filter). One query."""
    return sorted(set(Payment.objects.order_by().values_list("provider", flat=True).distinct()))


@dataclass(frozen=True)
class Reconciliation:
    paid_without_payment: list[Booking]
    payments_without_paid_booking: list[Payment]
    refunds_pending: list[Refund]
    refunds_failed: list[Refund]
    payments_with_problem: list[Payment]

    @property
    def healthy(self) -> bool:
        return not (
            self.paid_without_payment
            or self.payments_without_paid_booking
            or self.refunds_pending
            or self.refunds_failed
            or self.payments_with_problem
        )

    @property
    def limit(self) -> int:
        return RECONCILE_LIMIT

    @property
    def count(self) -> int:
        return (
            len(self.paid_without_payment)
            + len(self.payments_without_paid_booking)
            + len(self.refunds_pending)
            + len(self.refunds_failed)
            + len(self.payments_with_problem)
        )


def reconciliation(*, at: dt.datetime | None = None, limit: int = RECONCILE_LIMIT) -> Reconciliation:
    """Every booking and payment that disagree (see the module's docstring), oldest first,
    at most `limit` of each kind. Six queries."""
    at = at or clock_now()
    minutes = getattr(settings, "PAYMENT_RECONCILE_MINUTES", DEFAULT_RECONCILE_MINUTES)
    succeeded = Payment.objects.filter(booking_id=OuterRef("pk"), status=PaymentStatus.SUCCEEDED)
    paid_without_payment = (
        Booking.objects.filter(status=BookingStatus.PAID)
        .exclude(payment_method=COMP)  # a comp is paid with nothing: it has no payment by design
        .exclude(total_price=0)  # nor is anything paid for a booking that costs nothing
        .filter(~Exists(succeeded))
        .select_related("customer", "showtime__movie")
        .order_by("paid_at", "pk")
    )
    kept = (
        Payment.objects.filter(status=PaymentStatus.SUCCEEDED, amount_refunded__lt=F("amount"), booking__isnull=False)
        .exclude(booking__status=BookingStatus.PAID)
        .exclude(booking__cancel_reason=CancelReason.STAFF)
        # A gift voucher's part of a hold still waiting for the card (a lapsed one's goes
        # back at the next sweep: marquee.payments.voucher_money).
        .exclude(provider=VOUCHER_PROVIDER, booking__status=BookingStatus.PENDING)
        .select_related("booking", "taken_by")
        .order_by("succeeded_at", "pk")
    )
    # A gift voucher paid for that is not active: its payment kept, the voucher not given.
    unsent = (
        Payment.objects.filter(status=PaymentStatus.SUCCEEDED, amount_refunded__lt=F("amount"), voucher__isnull=False)
        .exclude(voucher__status=VoucherStatus.ACTIVE)
        .select_related("voucher", "taken_by")
        .order_by("succeeded_at", "pk")
    )
    refunds = Refund.objects.select_related("payment__booking", "payment__voucher", "staff_user")
    pending = refunds.filter(status=RefundStatus.PENDING, created_at__lt=at - dt.timedelta(minutes=minutes)).order_by(
        "created_at", "pk"
    )
    failed = refunds.filter(
        Q(status=RefundStatus.FAILED) & Q(payment__amount_refunded__lt=F("payment__amount"))
    ).order_by("created_at", "pk")
    problems = (
        Payment.objects.exclude(problem="")
        .select_related("booking", "voucher", "taken_by")
        .order_by("created_at", "pk")
    )
    return Reconciliation(
        paid_without_payment=list(paid_without_payment[:limit]),
        payments_without_paid_booking=list(kept[:limit]) + list(unsent[:limit]),
        refunds_pending=list(pending[:limit]),
        refunds_failed=list(failed[:limit]),
        payments_with_problem=list(problems[:limit]),
    )
