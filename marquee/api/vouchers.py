"""Gift vouchers in the API: buying one and asking a code's balance (public, /api/v1/vouchers),
and staff's list, detail and issuing by hand (/api/v1/admin/vouchers)."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from marquee.api.auth import StaffAuth
from marquee.api.middleware import api_language
from marquee.api.schemas.common import ErrorOut, page_out, staff_errors
from marquee.api.schemas.vouchers import (
    StaffVoucherDetailOut,
    StaffVoucherFilters,
    StaffVoucherIssueIn,
    StaffVoucherPage,
    VoucherBalanceOut,
    VoucherBoughtOut,
    VoucherBuyIn,
    VoucherRecipientIn,
    staff_voucher_detail_out,
    staff_voucher_out,
    voucher_balance_out,
    voucher_bought_out,
)
from marquee.api.throttles import VOUCHER_LOOKUP_RATE
from marquee.core.errors import NotFound
from marquee.payments.voucher_money import voucher_release_lapsed
from marquee.payments.voucher_sales import voucher_buy
from marquee.vouchers import selectors
from marquee.vouchers.models import VoucherStatus
from marquee.vouchers.services import VoucherOrder, voucher_by_code, voucher_issue

router = Router(tags=["public: gift vouchers"])
staff_router = Router(tags=["staff: gift vouchers"])
VOUCHERS = StaffAuth("box_office")


@router.post(
    "/vouchers",
    response={201: VoucherBoughtOut, 422: ErrorOut, 503: ErrorOut},
    summary="Buy a gift voucher",
)
def voucher_buy_view(request: HttpRequest, payload: VoucherBuyIn) -> Status[dict[str, Any]]:
    """A voucher for `amount` (VOUCHER_MIN_AMOUNT to VOUCHER_MAX_AMOUNT), paid through
    `provider`; `payment.next` is what the buyer's browser does, as for a booking's payment.
    Once paid it is emailed (to the recipient with the message, or the buyer) and its code
    appears in this answer; until then `code` is null."""
    recipient = payload.recipient or VoucherRecipientIn(name="", email="")
    bought = voucher_buy(
        order=VoucherOrder(
            amount=payload.amount,
            buyer_name=payload.buyer.name,
            buyer_email=payload.buyer.email,
            recipient_name=recipient.name,
            recipient_email=recipient.email,
            message=payload.message,
            send_to_recipient=payload.send_to == "recipient",
            language=api_language(request),
        ),
        provider=payload.provider,
    )
    body = voucher_bought_out(bought.voucher, bought.payment, bought.next)
    return Status(201, body)


@router.get(
    "/vouchers/{code}",
    response={200: VoucherBalanceOut, 404: ErrorOut, 429: ErrorOut},
    summary="A gift voucher's balance",
    throttle=[VOUCHER_LOOKUP_RATE],
)
def voucher_balance(request: HttpRequest, code: str) -> dict[str, Any]:
    """The balance and expiry of the voucher with this code (any case, dashes or not);
    throttled hard per client address (`429 rate_limited`)."""
    voucher_release_lapsed(code=code)  # money of its lapsed holds is back before it is shown
    voucher = voucher_by_code(code)
    if voucher is None or voucher.status == VoucherStatus.PENDING_PAYMENT:
        raise NotFound("No such voucher.")
    return voucher_balance_out(voucher)


# --- staff ---------------------------------------------------------------------------------


@staff_router.get("/vouchers", response={200: StaffVoucherPage, **staff_errors()}, auth=VOUCHERS)
def staff_vouchers(request: HttpRequest, filters: Query[StaffVoucherFilters]) -> dict[str, Any]:
    """Vouchers newest first, found by code or email, a page at a time."""
    page = selectors.vouchers_find(q=filters.q, status=filters.status, limit=filters.limit, offset=filters.offset)
    return page_out(page, staff_voucher_out)


def _detail(voucher_id: int) -> dict[str, Any]:
    voucher = selectors.voucher_get(voucher_id)
    if voucher is None:
        raise NotFound("No such voucher.")
    return staff_voucher_detail_out(voucher, selectors.voucher_history(voucher.pk))


@staff_router.get("/vouchers/{voucher_id}", response={200: StaffVoucherDetailOut, **staff_errors(404)}, auth=VOUCHERS)
def staff_voucher(request: HttpRequest, voucher_id: int) -> dict[str, Any]:
    """A voucher with its whole history (every change of its balance)."""
    return _detail(voucher_id)


@staff_router.post("/vouchers", response={201: StaffVoucherDetailOut, **staff_errors()}, auth=VOUCHERS)
def staff_voucher_issue(request: HttpRequest, payload: StaffVoucherIssueIn) -> Status[dict[str, Any]]:
    """Issue a voucher by hand (a complaint, a prize), active at once, with a reason
    (audited `voucher.issue`); with `recipient_email`, it is emailed to them."""
    voucher = voucher_issue(
        amount=payload.amount,
        reason=payload.reason,
        staff_user=getattr(request, "auth", None),  # the staff member StaffAuth let in
        recipient_name=payload.recipient_name,
        recipient_email=payload.recipient_email,
        message=payload.message,
        language=api_language(request),
        expires_on=payload.expires_on,
    )
    return Status(201, _detail(voucher.pk))
