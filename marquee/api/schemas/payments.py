"""The API's payment shapes (api.md, "Payments"): a booking's payments and refunds as its
customer and staff see them, the bodies of staff's money actions, and the ledger's list and
reconciliation for staff. Names start with Payment…, Refund… or StaffPayment…"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field, field_validator

from marquee.api.schemas.common import CleanIn, Money, Paged, StrictIn, local_moment, local_or_none, money, sane_day
from marquee.api.schemas.public import BookingOut
from marquee.api.schemas.staff import StaffBookingOut
from marquee.booking.models import Booking
from marquee.core.clock import local
from marquee.payments.models import Payment, Refund
from marquee.payments.providers.base import NextStep
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


class PaymentMarkPaidIn(CleanIn):
    method: str = Field("cash", description="cash or card_terminal")


class PaymentCancelIn(CleanIn):
    refund: str = Field("full", max_length=20, description='"full", "none" or an amount such as "100.00"')
    reason: str = Field("", max_length=255)


class BookingMoveIn(CleanIn):
    showtime_id: int = Field(gt=0, le=2**63 - 1, description="The showtime to move to (the same one for other seats).")
    seat_ids: list[int] = Field(min_length=1, max_length=100, description="As many seats as the booking has.")
    method: Literal["cash", "card_terminal"] | None = Field(
        None, description="How the box office takes the difference when the new seats cost more."
    )
    reason: str = Field("", max_length=200)


class RefundIn(CleanIn):
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
        **booking_vouchers_out(booking, vouchers),
    }


def booking_vouchers_out(booking: Booking, vouchers: Decimal) -> dict[str, Any]:
    """A booking's `voucher_amount` and `amount_due`."""
    return {"voucher_amount": money(vouchers), "amount_due": money(amount_due(booking, vouchers))}


def payment_started_out(payment: Payment, next_step: NextStep) -> dict[str, Any]:
    """A payment just started: what the customer's browser does next (nothing once it succeeded)."""
    return {
        "id": payment.pk,
        "provider": payment.provider,
        "status": payment.status,
        "amount": money(payment.amount),
        "currency": payment.currency,
        "next": next_step.as_api() if payment.status != "succeeded" else {"type": "none"},
    }


# --- the ledger, for staff ----------------------------------------------------------------------


class StaffPaymentFilters(Paged):
    """`from` and `to` are the cinema's local days the payments were started on, both included."""

    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None
    provider: str = Field("", max_length=32, pattern=r"^[a-z0-9_]*$")
    status: Literal["created", "pending", "succeeded", "failed", "cancelled"] | None = None

    _days = field_validator("from_", "to")(sane_day)


class StaffPaymentOut(Schema):
    id: int
    booking: str = Field(description='The booking\'s reference ("" for a gift voucher bought).')
    booking_status: str
    voucher_id: int | None = Field(None, description="The gift voucher bought with this payment, if any.")
    provider: str
    provider_id: str
    status: str
    amount: str
    amount_refunded: str
    currency: str
    problem: str
    message: str
    taken_by: str | None = Field(description="The staff member who took it at the box office.")
    created_at: dt.datetime
    succeeded_at: dt.datetime | None


class StaffPaymentPage(Schema):
    count: int
    results: list[StaffPaymentOut]


class StaffPaymentRefundOut(Schema):
    id: int
    payment_id: int
    booking: str
    provider: str
    amount: str
    currency: str
    status: str
    reason: str
    requested_by: str
    staff_user: str | None
    attempts: int
    last_error: str
    created_at: dt.datetime


class StaffPaymentBookingOut(Schema):
    reference: str
    status: str
    total_price: str
    paid_at: dt.datetime | None
    payment_method: str


class StaffPaymentReconciliationOut(Schema):
    paid_without_payment: list[StaffPaymentBookingOut]
    payments_without_paid_booking: list[StaffPaymentOut]
    refunds_pending: list[StaffPaymentRefundOut]
    refunds_failed: list[StaffPaymentRefundOut]
    payments_with_problem: list[StaffPaymentOut] = Field(
        description="An addition to api.md: payments flagged by the ledger."
    )


def staff_payment_out(payment: Payment) -> dict[str, Any]:
    return {
        "id": payment.pk,
        # A gift voucher bought online has no booking: "" (its voucher is `voucher_id`).
        "booking": payment.booking.reference if payment.booking else "",
        "booking_status": payment.booking.status if payment.booking else "",
        "voucher_id": payment.voucher_id,
        "provider": payment.provider,
        "provider_id": payment.provider_id,
        "status": payment.status,
        "amount": money(payment.amount),
        "amount_refunded": money(payment.amount_refunded),
        "currency": payment.currency,
        "problem": payment.problem,
        "message": payment.message,
        "taken_by": payment.taken_by.get_username() if payment.taken_by else None,
        "created_at": local(payment.created_at),
        "succeeded_at": local_or_none(payment.succeeded_at),
    }


def staff_payment_refund_out(refund: Refund) -> dict[str, Any]:
    return {
        "id": refund.pk,
        "payment_id": refund.payment_id,
        "booking": refund.payment.booking.reference if refund.payment.booking else "",
        "provider": refund.payment.provider,
        "amount": money(refund.amount),
        "currency": refund.payment.currency,
        "status": refund.status,
        "reason": refund.reason,
        "requested_by": refund.requested_by,
        "staff_user": refund.staff_user.get_username() if refund.staff_user else None,
        "attempts": refund.attempts,
        "last_error": refund.last_error,
        "created_at": local(refund.created_at),
    }


def staff_payment_booking_out(booking: Booking) -> dict[str, Any]:
    return {
        "reference": booking.reference,
        "status": booking.status,
        "total_price": money(booking.total_price),
        "paid_at": local_or_none(booking.paid_at),
        "payment_method": booking.payment_method,
    }
