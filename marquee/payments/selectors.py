"""Reads of the ledger for the pages and the API."""

from dataclasses import dataclass
from decimal import Decimal

from marquee.payments.models import Payment, PaymentStatus, Refund


@dataclass(frozen=True)
class BookingMoney:
    payments: list[Payment]  # newest first
    refunds: list[Refund]  # newest first
    amount_paid: Decimal  # what succeeded payments took
    amount_refunded: Decimal  # refunds under way or done (a pending refund reserves its amount)


def booking_money(booking_id: int) -> BookingMoney:
    """A booking's payments and refunds: two queries."""
    payments = list(Payment.objects.filter(booking_id=booking_id).order_by("-created_at", "-pk"))
    refunds = list(
        Refund.objects.filter(payment__booking_id=booking_id).select_related("payment").order_by("-created_at", "-pk")
    )
    succeeded = [p for p in payments if p.status == PaymentStatus.SUCCEEDED]
    return BookingMoney(
        payments=payments,
        refunds=refunds,
        amount_paid=sum((p.amount for p in succeeded), Decimal("0.00")),
        amount_refunded=sum((p.amount_refunded for p in payments), Decimal("0.00")),
    )
