"""The API's payment shapes (api.md, "Payments"). Names start with Payment… or Refund…,
unique across the API's schemas."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from marquee.api.schemas import BookingOut, Money, StrictIn, local_moment, money
from marquee.api.schemas_staff import Input, StaffBookingOut
from marquee.booking.models import Booking
from marquee.payments.models import Payment, Refund
from marquee.payments.selectors import BookingMoney
from marquee.payments.voucher_money import amount_due, voucher_amount_of


class PaymentStartIn(StrictIn):
    provider: str = Field(max_length=32, examples=["stripe"])


class PaymentOut(Schema):
    id: int
    provider: str
    status: str = Field(description="created, pending, succeeded, failed or cancelled")
    amount: Money
    currency: str
    created_at: dt.datetime


class RefundOut(Schema):
    id: int
    amount: Money
    status: str = Field(description="pending, succeeded or failed")
    reason: str
    created_at: dt.datetime


class PaymentStartedOut(Schema):
    id: int
    provider: str
    status: str
    amount: Money
    currency: str
    next: dict[str, Any] = Field(
        description='{"type": "card_form", "client_secret", "publishable_key", "js_url"}, '
        '{"type": "redirect_form", "url", "fields"} or {"type": "none"} (already settled)'
    )


class PaymentMoneyFields(Schema):
    payments: list[PaymentOut]
    refunds: list[RefundOut]
    amount_paid: Money
    amount_refunded: Money = Field(description="Refunds under way or done.")
    voucher_amount: Money = Field(description="What gift vouchers pay of the total (less what went back to them).")
    amount_due: Money = Field(description="What is left to pay while the booking is held (0 once paid or cancelled).")


class PaymentBookingOut(BookingOut, PaymentMoneyFields):
    """The customer's booking with its money."""


class PaymentStaffBookingOut(StaffBookingOut, PaymentMoneyFields):
    """A booking for staff, with its money."""


class PaymentMarkPaidIn(Input):
    method: str = Field("cash", description="cash or card_terminal")


class PaymentCancelIn(Input):
    refund: str = Field("full", max_length=20, description='"full", "none" or an amount such as "100.00"')
    reason: str = Field("", max_length=255)


class BookingMoveIn(Input):
    showtime_id: int = Field(gt=0, le=2**63 - 1, description="The showtime to move to (the same one for other seats).")
    seat_ids: list[int] = Field(min_length=1, max_length=100, description="As many seats as the booking has.")
    method: Literal["cash", "card_terminal"] | None = Field(
        None, description="How the box office takes the difference when the new seats cost more."
    )
    reason: str = Field("", max_length=200)


class RefundIn(Input):
    amount: str = Field(max_length=20, examples=["100.00"])
    reason: str = Field(max_length=255)


def payment_out(payment: Payment) -> dict[str, Any]:
    return {
        "id": payment.pk,
        "provider": payment.provider,
        "status": payment.status,
        "amount": money(payment.amount),
        "currency": payment.currency,
        "created_at": local_moment(payment.created_at),
    }


def refund_out(refund: Refund) -> dict[str, Any]:
    return {
        "id": refund.pk,
        "amount": money(refund.amount),
        "status": refund.status,
        "reason": refund.reason,
        "created_at": local_moment(refund.created_at),
    }


def money_out(found: BookingMoney, booking: Booking) -> dict[str, Any]:
    vouchers = voucher_amount_of(found.payments)
    return {
        "payments": [payment_out(p) for p in found.payments],
        "refunds": [refund_out(r) for r in found.refunds],
        "amount_paid": money(found.amount_paid),
        "amount_refunded": money(found.amount_refunded),
        **voucher_out(booking, vouchers),
    }


def voucher_out(booking: Booking, vouchers: Decimal) -> dict[str, Any]:
    """A booking's `voucher_amount` and `amount_due`."""
    return {"voucher_amount": money(vouchers), "amount_due": money(amount_due(booking, vouchers))}
