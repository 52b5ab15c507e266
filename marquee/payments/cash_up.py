"""The cash-up: what each staff member took and paid back at the box office on one of the
cinema's days, to count the till and the card terminal's slips against.

A shift is the cinema's local day per staff member (midnight to midnight): Marquee does
not record when a shift starts or ends, and a box office closes before midnight.

Counted: succeeded cash and card-terminal payments by the staff member who took them, on
the day they succeeded; succeeded refunds of those payments by the staff member who gave
them, on the day they succeeded (a refund may be given by another member, or on another
day, than the payment). Online payments (demo, Stripe, LiqPay) never pass through a till.
Comps (free tickets given at the counter, marquee.payments.counter) take no money: they are
counted as tickets, by the staff member who gave them, on the day they were given, unless
cancelled since.

Four queries whatever the number of payments: payments grouped, refunds grouped, comps
grouped, names.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Sum
from django.utils.translation import gettext

from marquee.booking.models import COMP, BookingSeat, BookingStatus
from marquee.core.clock import day_bounds
from marquee.payments.models import Payment, PaymentStatus, Refund, RefundStatus

CASH = "cash"
CARD_TERMINAL = "card_terminal"
TILL_PROVIDERS = (CASH, CARD_TERMINAL)
ZERO = Decimal("0.00")


@dataclass
class CashUpLine:
    staff_user_id: int | None
    name: str
    cash_taken: Decimal = ZERO
    cash_paid_back: Decimal = ZERO
    card_taken: Decimal = ZERO
    card_paid_back: Decimal = ZERO
    payments: int = 0
    comps: int = 0  # tickets given free

    @property
    def cash_net(self) -> Decimal:
        return self.cash_taken - self.cash_paid_back

    @property
    def card_net(self) -> Decimal:
        return self.card_taken - self.card_paid_back


@dataclass
class CashUp:
    day: dt.date
    lines: list[CashUpLine] = field(default_factory=list)

    @property
    def total(self) -> CashUpLine:
        t = CashUpLine(staff_user_id=None, name=gettext("Total"))
        for line in self.lines:
            t.cash_taken += line.cash_taken
            t.cash_paid_back += line.cash_paid_back
            t.card_taken += line.card_taken
            t.card_paid_back += line.card_paid_back
            t.payments += line.payments
            t.comps += line.comps
        return t


def cash_up(*, day: dt.date, staff_user_id: int | None = None) -> CashUp:
    """Every staff member's till on `day` (only `staff_user_id`'s when given), by name."""
    start, end = day_bounds(day)
    payments = Payment.objects.filter(
        status=PaymentStatus.SUCCEEDED,
        provider__in=TILL_PROVIDERS,
        succeeded_at__gte=start,
        succeeded_at__lt=end,
    )
    refunds = Refund.objects.filter(
        status=RefundStatus.SUCCEEDED,
        payment__provider__in=TILL_PROVIDERS,
        succeeded_at__gte=start,
        succeeded_at__lt=end,
    )
    comps = BookingSeat.objects.filter(
        status=BookingStatus.PAID,
        booking__payment_method=COMP,
        booking__paid_at__gte=start,
        booking__paid_at__lt=end,
    )
    if staff_user_id is not None:
        payments = payments.filter(taken_by_id=staff_user_id)
        refunds = refunds.filter(staff_user_id=staff_user_id)
        comps = comps.filter(booking__sold_by_id=staff_user_id)
    lines: dict[int | None, CashUpLine] = {}

    def line(user_id: int | None) -> CashUpLine:
        return lines.setdefault(user_id, CashUpLine(staff_user_id=user_id, name=""))

    for row in payments.values("taken_by_id", "provider").annotate(total=Sum("amount"), n=Count("id")).order_by():
        found = line(row["taken_by_id"])
        found.payments += row["n"]
        if row["provider"] == CASH:
            found.cash_taken += row["total"]
        else:
            found.card_taken += row["total"]
    for back in refunds.values("staff_user_id", "payment__provider").annotate(total=Sum("amount")).order_by():
        found = line(back["staff_user_id"])
        if back["payment__provider"] == CASH:
            found.cash_paid_back += back["total"]
        else:
            found.card_paid_back += back["total"]
    for given in comps.values("booking__sold_by_id").annotate(n=Count("id")).order_by():
        line(given["booking__sold_by_id"]).comps += given["n"]
    user_model = get_user_model()
    names = {
        u.pk: (u.get_full_name() or u.get_username())
        for u in user_model.objects.filter(pk__in=[k for k in lines if k is not None])
    }
    for key, found in lines.items():
        # A refund the system gave on its own (no staff member) still left a till.
        found.name = names.get(key, "") if key is not None else gettext("Not recorded")
    return CashUp(day=day, lines=sorted(lines.values(), key=lambda x: (x.staff_user_id is None, x.name.lower())))
