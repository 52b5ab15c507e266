"""The staff API's reads of the ledger (api.md, "Payments"): the payments list and the
reconciliation report. Writes (refunds, cancelling with a refund) live with the other
booking actions in marquee.api.staff.

Who may read: payments, Admin and Box office (the box office counts its till against
them); the reconciliation, Admin only (a report, like the others).
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from marquee.api.auth import StaffAuth
from marquee.api.schemas.common import page_out, staff_errors
from marquee.api.schemas.payments import (
    StaffPaymentFilters,
    StaffPaymentPage,
    StaffPaymentReconciliationOut,
    staff_payment_booking_out,
    staff_payment_out,
    staff_payment_refund_out,
)
from marquee.payments import selectors

router = Router(tags=["staff: payments"])

PAYMENTS = StaffAuth("box_office", "read_reports")
REPORTS = StaffAuth("read_reports")


@router.get("/payments", response={200: StaffPaymentPage, **staff_errors()}, auth=PAYMENTS)
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
    return page_out(page, staff_payment_out)


@router.get("/reports/reconciliation", response={200: StaffPaymentReconciliationOut, **staff_errors()}, auth=REPORTS)
def reports_reconciliation(request: HttpRequest) -> Any:
    """Every booking and payment that disagree; each list is empty on a healthy cinema."""
    found = selectors.reconciliation()
    return {
        "paid_without_payment": [staff_payment_booking_out(b) for b in found.paid_without_payment],
        "payments_without_paid_booking": [staff_payment_out(p) for p in found.payments_without_paid_booking],
        "refunds_pending": [staff_payment_refund_out(r) for r in found.refunds_pending],
        "refunds_failed": [staff_payment_refund_out(r) for r in found.refunds_failed],
        "payments_with_problem": [staff_payment_out(p) for p in found.payments_with_problem],
    }
