"""The staff API's reads of the ledger (api.md, "Payments"): the payments list and the
reconciliation report. Writes (refunds, cancelling with a refund) live with the other
booking actions in marquee.api.staff.

Who may read: payments, Admin and Box office (the box office counts its till against
them); the reconciliation, Admin only (a report, like the others).
"""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from marquee.api.auth import StaffAuth
from marquee.api.schemas import ErrorOut
from marquee.api.schemas_staff import Paged, _sane_day, money
from marquee.booking.models import Booking
from marquee.core.clock import local
from marquee.payments import selectors
from marquee.payments.models import Payment, Refund

router = Router(tags=["staff: payments"])

PAYMENTS = StaffAuth("box_office", "read_reports")
REPORTS = StaffAuth("read_reports")


def _errors() -> dict[int, Any]:
    return {code: ErrorOut for code in (401, 403, 422)}


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return local(moment) if moment is not None else None


class StaffPaymentFilters(Paged):
    """`from` and `to` are the cinema's local days the payments were started on, both included."""

    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None
    provider: str = Field("", max_length=32, pattern=r"^[a-z0-9_]*$")
    status: Literal["created", "pending", "succeeded", "failed", "cancelled"] | None = None

    _days = field_validator("from_", "to")(_sane_day)


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
        "succeeded_at": _local(payment.succeeded_at),
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


def _booking_out(booking: Booking) -> dict[str, Any]:
    return {
        "reference": booking.reference,
        "status": booking.status,
        "total_price": money(booking.total_price),
        "paid_at": _local(booking.paid_at),
        "payment_method": booking.payment_method,
    }


@router.get("/payments", response={200: StaffPaymentPage, **_errors()}, auth=PAYMENTS)
def payments_list(request: HttpRequest, filters: Query[StaffPaymentFilters]) -> Any:
    """Payments newest first, a page at a time (`limit`, `offset`)."""
    page = selectors.payments_find(
        start=filters.from_,
        end=filters.to,
        provider=filters.provider,
        status=filters.status or "",
        limit=filters.limit,
        offset=filters.offset,
    )
    return {"count": page.count, "results": [staff_payment_out(p) for p in page.results]}


@router.get("/reports/reconciliation", response={200: StaffPaymentReconciliationOut, **_errors()}, auth=REPORTS)
def reports_reconciliation(request: HttpRequest) -> Any:
    """Every booking and payment that disagree; each list is empty on a healthy cinema."""
    found = selectors.reconciliation()
    return {
        "paid_without_payment": [_booking_out(b) for b in found.paid_without_payment],
        "payments_without_paid_booking": [staff_payment_out(p) for p in found.payments_without_paid_booking],
        "refunds_pending": [staff_payment_refund_out(r) for r in found.refunds_pending],
        "refunds_failed": [staff_payment_refund_out(r) for r in found.refunds_failed],
        "payments_with_problem": [staff_payment_out(p) for p in found.payments_with_problem],
    }
