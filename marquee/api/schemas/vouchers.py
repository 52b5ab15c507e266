"""The gift voucher shapes of the API: buying one and a code's balance (public), staff's
list, detail and issuing by hand (marquee.api.vouchers)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from marquee.api.schemas.common import CleanIn, Money, Paged, StrictIn, local_moment, money
from marquee.core.clock import now as clock_now
from marquee.payments.models import Payment
from marquee.payments.providers.base import NextStep
from marquee.vouchers.models import Voucher, VoucherEntry, VoucherStatus


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


def voucher_out(voucher: Voucher, *, with_code: bool) -> dict[str, Any]:
    return {
        "id": voucher.pk,
        "status": voucher.status,
        "amount": money(voucher.amount),
        "balance": money(voucher.balance),
        "currency": voucher.currency,
        "expires_at": local_moment(voucher.expires_at),
        "code": voucher.printed_code if with_code and voucher.status == VoucherStatus.ACTIVE else None,
    }


def voucher_bought_out(voucher: Voucher, payment: Payment, next_step: NextStep) -> dict[str, Any]:
    return {
        "voucher": voucher_out(voucher, with_code=True),
        "payment": {
            "id": payment.pk,
            "provider": payment.provider,
            "status": payment.status,
            "amount": money(payment.amount),
            "currency": payment.currency,
            "next": next_step.as_api() if payment.status != "succeeded" else {"type": "none"},
        },
    }


def voucher_balance_out(voucher: Voucher) -> dict[str, Any]:
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


class StaffVoucherIssueIn(CleanIn):
    amount: Decimal = Field(gt=0, max_digits=10, decimal_places=2)
    reason: str = Field(min_length=1, max_length=255)
    recipient_name: str = Field("", max_length=200)
    recipient_email: str = Field("", max_length=254)
    message: str = Field("", max_length=2000)
    expires_on: dt.date | None = Field(None, description="The last day it can be spent (default: VOUCHER_VALID_DAYS).")


def staff_voucher_out(v: Voucher) -> dict[str, Any]:
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


def voucher_entry_out(e: VoucherEntry) -> dict[str, Any]:
    return {
        "kind": e.kind,
        "amount": money(e.amount),
        "balance_after": money(e.balance_after),
        "booking": e.booking.reference if e.booking else None,
        "note": e.note,
        "staff_user": e.staff_user.get_username() if e.staff_user else None,
        "created_at": local_moment(e.created_at),
    }


def staff_voucher_detail_out(voucher: Voucher, entries: list[VoucherEntry]) -> dict[str, Any]:
    return {
        **staff_voucher_out(voucher),
        "message": voucher.message,
        "entries": [voucher_entry_out(e) for e in entries],
    }
