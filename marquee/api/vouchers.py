"""Gift vouchers in the API: buying one and asking a code's balance (public, /api/v1/vouchers),
and staff's list, detail and issuing by hand (/api/v1/admin/vouchers)."""

import datetime as dt
import time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status
from ninja.throttling import BaseThrottle
from pydantic import Field

from marquee.api.auth import StaffAuth
from marquee.api.middleware import api_language
from marquee.api.schemas import ErrorOut, Money, StrictIn, local_moment, money
from marquee.api.schemas_staff import Input, Paged
from marquee.core.client import client_address
from marquee.core.clock import now as clock_now
from marquee.core.errors import NotFound
from marquee.payments.voucher_money import voucher_release_lapsed
from marquee.payments.voucher_sales import voucher_buy
from marquee.vouchers import selectors
from marquee.vouchers.models import Voucher, VoucherEntry, VoucherStatus
from marquee.vouchers.services import VoucherOrder, voucher_by_code, voucher_issue

router = Router(tags=["public: gift vouchers"])
staff_router = Router(tags=["staff: gift vouchers"])
VOUCHERS = StaffAuth("box_office")


class VoucherLookupRate(BaseThrottle):
    """Balance look-ups per client address and minute: API_VOUCHER_LOOKUP_RATE_PER_MINUTE
    (default 5). A code has 99 random bits, but nothing is given away for free: a guesser
    gets a handful of tries a minute, found or not."""

    def get_ident(self, request: HttpRequest) -> str:
        return client_address(request)

    def allow_request(self, request: HttpRequest) -> bool:
        limit = int(getattr(settings, "API_VOUCHER_LOOKUP_RATE_PER_MINUTE", 5))
        if limit <= 0:
            return True
        key = f"marquee:voucher-lookup:{self.get_ident(request)}:{int(time.time() // 60)}"
        cache.add(key, 0, timeout=120)
        try:
            return cache.incr(key) <= limit
        except ValueError:
            return True

    def wait(self) -> float:
        return 60 - time.time() % 60


class VoucherBuyerIn(StrictIn):
    name: str = Field(max_length=200)
    email: str = Field(max_length=254)


class VoucherRecipientIn(StrictIn):
    name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)


class VoucherBuyIn(StrictIn):
    amount: Decimal = Field(gt=0, max_digits=10, decimal_places=2, examples=["500.00"])
    buyer: VoucherBuyerIn
    recipient: VoucherRecipientIn | None = None
    message: str = Field("", max_length=2000)
    send_to: str = Field("buyer", pattern="^(buyer|recipient)$", description="Who receives the voucher itself.")
    provider: str = Field(max_length=32, examples=["demo"])


class VoucherOut(Schema):
    id: int
    status: str = Field(description="pending_payment, active or cancelled")
    amount: Money
    balance: Money
    currency: str
    expires_at: dt.datetime
    code: str | None = Field(description="Shown once paid, to whoever bought it here; null until then.")


class VoucherBoughtOut(Schema):
    voucher: VoucherOut
    payment: dict[str, Any] = Field(description="id, provider, status, amount, currency and `next`, as a booking's.")


class VoucherBalanceOut(Schema):
    status: str
    balance: Money
    currency: str
    expires_at: dt.datetime
    usable: bool


def _voucher_out(voucher: Voucher, *, with_code: bool) -> dict[str, Any]:
    return {
        "id": voucher.pk,
        "status": voucher.status,
        "amount": money(voucher.amount),
        "balance": money(voucher.balance),
        "currency": voucher.currency,
        "expires_at": local_moment(voucher.expires_at),
        "code": voucher.printed_code if with_code and voucher.status == VoucherStatus.ACTIVE else None,
    }


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
    payment = bought.payment
    body = {
        "voucher": _voucher_out(bought.voucher, with_code=True),
        "payment": {
            "id": payment.pk,
            "provider": payment.provider,
            "status": payment.status,
            "amount": money(payment.amount),
            "currency": payment.currency,
            "next": bought.next.as_api() if payment.status != "succeeded" else {"type": "none"},
        },
    }
    return Status(201, body)


@router.get(
    "/vouchers/{code}",
    response={200: VoucherBalanceOut, 404: ErrorOut, 429: ErrorOut},
    summary="A gift voucher's balance",
    throttle=[VoucherLookupRate()],
)
def voucher_balance(request: HttpRequest, code: str) -> dict[str, Any]:
    """The balance and expiry of the voucher with this code (any case, dashes or not);
    throttled hard per client address (`429 rate_limited`)."""
    voucher_release_lapsed(code=code)  # money of its lapsed holds is back before it is shown
    voucher = voucher_by_code(code)
    if voucher is None or voucher.status == VoucherStatus.PENDING_PAYMENT:
        raise NotFound("No such voucher.")
    return {
        "status": voucher.status,
        "balance": money(voucher.balance),
        "currency": voucher.currency,
        "expires_at": local_moment(voucher.expires_at),
        "usable": voucher.status == VoucherStatus.ACTIVE and voucher.expires_at > clock_now() and voucher.balance > 0,
    }


# --- staff ---------------------------------------------------------------------------------


class StaffVoucherFilters(Paged):
    q: str = Field("", max_length=254, description="A code (whole or its last characters) or an email.")
    status: str = Field("", pattern="^(|pending_payment|active|cancelled)$")


class StaffVoucherOut(Schema):
    id: int
    code: str
    status: str
    source: str = Field(description="bought or issued")
    amount: Money
    balance: Money
    currency: str
    expires_at: dt.datetime
    buyer_name: str
    buyer_email: str
    recipient_name: str
    recipient_email: str
    reason: str
    created_at: dt.datetime


class StaffVoucherPage(Schema):
    count: int
    results: list[StaffVoucherOut]


class StaffVoucherEntryOut(Schema):
    kind: str
    amount: Money
    balance_after: Money
    booking: str | None
    note: str
    staff_user: str | None
    created_at: dt.datetime


class StaffVoucherDetailOut(StaffVoucherOut):
    message: str
    entries: list[StaffVoucherEntryOut]


class StaffVoucherIssueIn(Input):
    amount: Decimal = Field(gt=0, max_digits=10, decimal_places=2)
    reason: str = Field(min_length=1, max_length=255)
    recipient_name: str = Field("", max_length=200)
    recipient_email: str = Field("", max_length=254)
    message: str = Field("", max_length=2000)
    expires_on: dt.date | None = Field(None, description="The last day it can be spent (default: VOUCHER_VALID_DAYS).")


def _staff_out(v: Voucher) -> dict[str, Any]:
    return {
        "id": v.pk,
        "code": v.printed_code,
        "status": v.status,
        "source": v.source,
        "amount": money(v.amount),
        "balance": money(v.balance),
        "currency": v.currency,
        "expires_at": local_moment(v.expires_at),
        "buyer_name": v.buyer_name,
        "buyer_email": v.buyer_email,
        "recipient_name": v.recipient_name,
        "recipient_email": v.recipient_email,
        "reason": v.reason,
        "created_at": local_moment(v.created_at),
    }


def _entry_out(e: VoucherEntry) -> dict[str, Any]:
    return {
        "kind": e.kind,
        "amount": money(e.amount),
        "balance_after": money(e.balance_after),
        "booking": e.booking.reference if e.booking else None,
        "note": e.note,
        "staff_user": e.staff_user.get_username() if e.staff_user else None,
        "created_at": local_moment(e.created_at),
    }


def _errors(*codes: int) -> dict[int, Any]:
    return {code: ErrorOut for code in (401, 403, 422, *codes)}


@staff_router.get("/vouchers", response={200: StaffVoucherPage, **_errors()}, auth=VOUCHERS)
def staff_vouchers(request: HttpRequest, filters: Query[StaffVoucherFilters]) -> dict[str, Any]:
    """Vouchers newest first, found by code or email, a page at a time."""
    page = selectors.vouchers_find(q=filters.q, status=filters.status, limit=filters.limit, offset=filters.offset)
    return {"count": page.count, "results": [_staff_out(v) for v in page.results]}


def _detail(voucher_id: int) -> dict[str, Any]:
    voucher = Voucher.objects.select_related("issued_by").filter(pk=voucher_id).first()
    if voucher is None:
        raise NotFound("No such voucher.")
    return {
        **_staff_out(voucher),
        "message": voucher.message,
        "entries": [_entry_out(e) for e in selectors.voucher_history(voucher.pk)],
    }


@staff_router.get("/vouchers/{voucher_id}", response={200: StaffVoucherDetailOut, **_errors(404)}, auth=VOUCHERS)
def staff_voucher(request: HttpRequest, voucher_id: int) -> dict[str, Any]:
    """A voucher with its whole history (every change of its balance)."""
    if not 0 < voucher_id < 2**63:
        raise NotFound("No such voucher.")
    return _detail(voucher_id)


@staff_router.post("/vouchers", response={201: StaffVoucherDetailOut, **_errors()}, auth=VOUCHERS)
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
