"""The voucher's own ledger: every change of a balance is one conditional UPDATE and one
`VoucherEntry`, in the caller's transaction.

Money moving between a voucher and a booking is also a payment in the cinema's ledger
(marquee.payments.voucher_money, which stands above this app and calls these functions in
the same transaction): this module knows the voucher, not the payment.
"""

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from marquee.audit.services import Actor, audit_record
from marquee.booking.models import Booking
from marquee.core.clock import day_bounds
from marquee.core.clock import now as clock_now
from marquee.core.errors import InvalidState, ValidationFailed
from marquee.core.money import to_money
from marquee.core.rows import row_or_not_found
from marquee.vouchers.codes import is_code, new_code, normalise_code
from marquee.vouchers.models import EntryKind, Voucher, VoucherEntry, VoucherSource, VoucherStatus

ZERO = Decimal("0.00")
FIELD = "voucher_code"

# Why a voucher cannot pay (ValidationFailed naming `voucher_code`): words a customer reads.
UNKNOWN = _("No gift voucher has this code.")
EXPIRED = _("This gift voucher has expired.")
NOT_PAID = _("This gift voucher has not been paid for yet.")
CANCELLED = _("This gift voucher was cancelled.")
EMPTY = _("Nothing is left on this gift voucher.")


def _refuse(reason: object) -> ValidationFailed:
    return ValidationFailed(str(reason), fields={FIELD: [str(reason)]})


def voucher_by_code(code: str) -> Voucher | None:
    """The voucher whose code this is, whatever case, spaces or dashes; None otherwise."""
    canonical = normalise_code(code)
    if not is_code(canonical):
        return None
    return Voucher.objects.filter(code=canonical).first()


def voucher_check_usable(voucher: Voucher | None, *, at: dt.datetime) -> Voucher:
    """The voucher, when it can pay now; ValidationFailed with the reason otherwise."""
    if voucher is None:
        raise _refuse(UNKNOWN)
    if voucher.status == VoucherStatus.PENDING_PAYMENT:
        raise _refuse(NOT_PAID)
    if voucher.status == VoucherStatus.CANCELLED:
        raise _refuse(CANCELLED)
    if voucher.expires_at <= at:
        raise _refuse(EXPIRED)
    if voucher.balance <= 0:
        raise _refuse(EMPTY)
    return voucher


@dataclass(frozen=True)
class Spent:
    voucher: Voucher
    amount: Decimal
    entry: VoucherEntry


def voucher_spend_locked(*, code: str, up_to: Decimal, booking: Booking, at: dt.datetime) -> Spent:
    """Inside the caller's transaction: take min(balance, `up_to`) from the voucher for
    `booking`. One conditional UPDATE decides (active, unexpired, enough left), so two
    bookings racing cannot both take the same money; the CHECK `balance >= 0` is the last
    word. The entry's payment is linked by the caller (`entry_link_payment`).
    ValidationFailed naming `voucher_code`, with the reason, when it cannot pay."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("voucher_spend_locked() must run inside transaction.atomic()")
    voucher = voucher_check_usable(voucher_by_code(code), at=at)
    for _attempt in range(3):
        take = min(voucher.balance, to_money(up_to))
        if take <= 0:
            raise _refuse(EMPTY)
        try:
            with transaction.atomic():
                taken = Voucher.objects.filter(
                    pk=voucher.pk, status=VoucherStatus.ACTIVE, expires_at__gt=at, balance__gte=take
                ).update(balance=F("balance") - take, updated_at=at)
        except IntegrityError:
            taken = 0
        if taken:
            voucher.refresh_from_db(fields=["balance"])
            entry = VoucherEntry.objects.create(
                voucher=voucher,
                kind=EntryKind.SPENT,
                amount=-take,
                balance_after=voucher.balance,
                booking=booking,
                note=booking.reference,
                created_at=at,
            )
            return Spent(voucher=voucher, amount=take, entry=entry)
        # Someone spent from it since we read it: read it again (a new statement sees their
        # commit) and take what is left, or say why not.
        voucher = voucher_check_usable(Voucher.objects.filter(pk=voucher.pk).first(), at=at)
    raise _refuse(EMPTY)


def entry_link_payment(entry: VoucherEntry, *, payment_id: int) -> None:
    VoucherEntry.objects.filter(pk=entry.pk).update(payment_id=payment_id)
    entry.payment_id = payment_id


def voucher_give_back_locked(
    *,
    payment_id: int,
    amount: Decimal,
    refund_id: int | None,
    at: dt.datetime,
    note: str = "",
    staff_user: User | None = None,
) -> VoucherEntry:
    """Inside the caller's transaction: `amount` of a voucher payment goes back to the
    voucher it came from (whatever its state or expiry: the money is the holder's)."""
    spent = VoucherEntry.objects.filter(payment_id=payment_id, kind=EntryKind.SPENT).select_related("booking").first()
    if spent is None:
        raise InvalidState("This payment did not come from a gift voucher.")
    Voucher.objects.filter(pk=spent.voucher_id).update(balance=F("balance") + amount, updated_at=at)
    voucher = Voucher.objects.get(pk=spent.voucher_id)
    return VoucherEntry.objects.create(
        voucher=voucher,
        kind=EntryKind.GIVEN_BACK,
        amount=amount,
        balance_after=voucher.balance,
        booking=spent.booking,
        payment_id=payment_id,
        refund_id=refund_id,
        note=(note or (spent.booking.reference if spent.booking else ""))[:255],
        staff_user=staff_user if staff_user is not None and staff_user.pk else None,
        created_at=at,
    )


# --- making vouchers --------------------------------------------------------------------------


def _new_voucher(**fields: object) -> Voucher:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Voucher.objects.create(code=new_code(), **fields)
        except IntegrityError:
            continue  # a code collision (about 1 in 10^29): draw again
    raise RuntimeError("could not draw a unique voucher code")  # pragma: no cover


def valid_until(at: dt.datetime) -> dt.datetime:
    return at + dt.timedelta(days=settings.VOUCHER_VALID_DAYS)


@dataclass(frozen=True)
class VoucherOrder:
    """What a buyer asks for on the voucher page or the API (checked by voucher_order_check)."""

    amount: Decimal
    buyer_name: str
    buyer_email: str
    recipient_name: str = ""
    recipient_email: str = ""
    message: str = ""
    send_to_recipient: bool = False
    language: str = ""


def voucher_order_check(order: VoucherOrder) -> VoucherOrder:
    """The order cleaned, or ValidationFailed naming every field that is not valid."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    errors: dict[str, list[str]] = {}
    low, high = Decimal(settings.VOUCHER_MIN_AMOUNT), Decimal(settings.VOUCHER_MAX_AMOUNT)
    amount = order.amount
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        errors["amount"] = [str(_("Give an amount such as 500."))]
    elif not low <= amount <= high:
        errors["amount"] = [str(_("Give an amount from %(low)s to %(high)s.") % {"low": low, "high": high})]

    def email(raw: str, field: str, required: bool) -> str:
        value = (raw or "").strip()
        if not value:
            if required:
                errors[field] = [str(_("Give an email address."))]
            return ""
        try:
            validate_email(value)
        except ValidationError:
            errors[field] = [str(_("Give a valid email address."))]
        return value

    def text(raw: str, field: str, limit: int) -> str:
        value = "".join(ch for ch in (raw or "") if ch == "\n" or ch >= " ").strip()
        if len(value) > limit:
            errors[field] = [str(_("At most %(n)s characters.") % {"n": limit})]
        return value

    buyer_name = text(order.buyer_name, "buyer_name", 200)
    if not buyer_name and "buyer_name" not in errors:
        errors["buyer_name"] = [str(_("Give your name."))]
    buyer_email = email(order.buyer_email, "buyer_email", True)
    recipient_email = email(order.recipient_email, "recipient_email", order.send_to_recipient)
    cleaned = VoucherOrder(
        amount=amount,
        buyer_name=buyer_name,
        buyer_email=buyer_email,
        recipient_name=text(order.recipient_name, "recipient_name", 200),
        recipient_email=recipient_email,
        message=text(order.message, "message", 2000),
        send_to_recipient=order.send_to_recipient,
        language=order.language if order.language in {c for c, _n in settings.LANGUAGES} else "",
    )
    if errors:
        raise ValidationFailed("Some fields are not valid.", fields=errors)
    return cleaned


def voucher_create_for_sale(*, order: VoucherOrder, at: dt.datetime) -> Voucher:
    """A voucher waiting for its payment (no balance to spend until it is paid)."""
    order = voucher_order_check(order)
    return _new_voucher(
        amount=order.amount,
        balance=ZERO,
        currency=settings.CURRENCY,
        status=VoucherStatus.PENDING_PAYMENT,
        source=VoucherSource.BOUGHT,
        expires_at=valid_until(at),
        buyer_name=order.buyer_name,
        buyer_email=order.buyer_email,
        recipient_name=order.recipient_name,
        recipient_email=order.recipient_email,
        send_to_recipient=order.send_to_recipient,
        message=order.message,
        language=order.language,
    )


def voucher_activate_locked(*, voucher_id: int, payment_id: int | None, at: dt.datetime) -> bool:
    """Inside the caller's transaction: a voucher paid for becomes active with its amount
    (its validity counted from now). False when it was active already (nothing changes)."""
    voucher = Voucher.objects.select_for_update().get(pk=voucher_id)
    if voucher.status != VoucherStatus.PENDING_PAYMENT:
        return False
    Voucher.objects.filter(pk=voucher.pk, status=VoucherStatus.PENDING_PAYMENT).update(
        status=VoucherStatus.ACTIVE, balance=voucher.amount, activated_at=at, expires_at=valid_until(at), updated_at=at
    )
    VoucherEntry.objects.create(
        voucher=voucher,
        kind=EntryKind.ISSUED,
        amount=voucher.amount,
        balance_after=voucher.amount,
        payment_id=payment_id,
        note="",
        created_at=at,
    )
    return True


# --- staff ---------------------------------------------------------------------------------------


def voucher_issue(
    *,
    amount: Decimal | str,
    reason: str,
    staff_user: Actor,
    recipient_name: str = "",
    recipient_email: str = "",
    message: str = "",
    language: str = "",
    expires_on: dt.date | None = None,
) -> Voucher:
    """Staff issue a voucher by hand (a complaint, a prize), active at once, with a reason
    (audited `voucher.issue`). With an email, the voucher is mailed to that person."""
    from marquee.notifications.models import MailKind
    from marquee.notifications.services import mail_queue

    errors: dict[str, list[str]] = {}
    try:
        value = to_money(Decimal(str(amount).strip()))
        if not value.is_finite() or value <= 0 or value > Decimal(settings.VOUCHER_MAX_AMOUNT) * 10:
            raise ArithmeticError
    except (ArithmeticError, ValueError):
        errors["amount"] = [str(_("Give an amount above zero, such as 500."))]
        value = ZERO
    reason = (reason or "").strip()[:255]
    if not reason:
        errors["reason"] = [str(_("Give a reason."))]
    order_errors: dict[str, list[str]] = {}
    try:
        voucher_order_check(
            VoucherOrder(
                amount=Decimal(settings.VOUCHER_MIN_AMOUNT),
                buyer_name="staff",
                buyer_email="staff@example.com",
                recipient_name=recipient_name,
                recipient_email=recipient_email,
                message=message,
            )
        )
    except ValidationFailed as error:
        order_errors = error.fields or {}
    errors.update(order_errors)
    at = clock_now()
    expires_at = day_bounds(expires_on)[1] if expires_on else valid_until(at)
    if expires_at <= at:
        errors["expires_on"] = [str(_("Give a day in the future."))]
    if errors:
        raise ValidationFailed("Some fields are not valid.", fields=errors)
    with transaction.atomic():
        voucher = _new_voucher(
            amount=value,
            balance=value,
            currency=settings.CURRENCY,
            status=VoucherStatus.ACTIVE,
            source=VoucherSource.ISSUED,
            expires_at=expires_at,
            recipient_name=recipient_name.strip(),
            recipient_email=recipient_email.strip(),
            send_to_recipient=bool(recipient_email.strip()),
            message=message.strip(),
            language=language if language in {c for c, _n in settings.LANGUAGES} else "",
            activated_at=at,
            reason=reason,
            issued_by=staff_user if isinstance(staff_user, User) and staff_user.pk else None,
        )
        VoucherEntry.objects.create(
            voucher=voucher,
            kind=EntryKind.ISSUED,
            amount=value,
            balance_after=value,
            note=reason,
            staff_user=voucher.issued_by,
            created_at=at,
        )
        audit_record(
            actor=staff_user,
            action="voucher.issue",
            target_type="voucher",
            target_id=voucher.pk,
            target_label=voucher.printed_code[-4:],
            changes={"amount": value, "reason": reason, "expires_at": voucher.expires_at},
        )
        if voucher.recipient_email:
            mail_queue(
                kind=MailKind.VOUCHER,
                to_email=voucher.recipient_email,
                language=voucher.language,
                context={"voucher_id": voucher.pk},
            )
    return voucher


def voucher_extend(*, voucher_id: int, expires_on: dt.date, reason: str, staff_user: Actor) -> Voucher:
    """Staff move a voucher's expiry later (audited `voucher.extend`, with an entry of 0)."""

    reason = (reason or "").strip()[:255]
    if not reason:
        raise ValidationFailed("Give a reason.", fields={"reason": [str(_("Give a reason."))]})
    with transaction.atomic():
        voucher = row_or_not_found(Voucher.objects.select_for_update(), "No such voucher.", pk=voucher_id)
        at = clock_now()
        new_expiry = day_bounds(expires_on)[1]
        if new_expiry <= voucher.expires_at or new_expiry <= at:
            raise ValidationFailed(
                "The new expiry is not later.",
                fields={"expires_on": [str(_("Give a day after the current expiry and after today."))]},
            )
        before = voucher.expires_at
        Voucher.objects.filter(pk=voucher.pk).update(expires_at=new_expiry, updated_at=at)
        voucher.expires_at = new_expiry
        VoucherEntry.objects.create(
            voucher=voucher,
            kind=EntryKind.EXPIRY_EXTENDED,
            amount=ZERO,
            balance_after=voucher.balance,
            note=reason,
            staff_user=staff_user if isinstance(staff_user, User) and staff_user.pk else None,
            created_at=at,
        )
        audit_record(
            actor=staff_user,
            action="voucher.extend",
            target_type="voucher",
            target_id=voucher.pk,
            target_label=voucher.printed_code[-4:],
            changes={"expires_at": [before, new_expiry], "reason": reason},
        )
    return voucher


def new_payment_key() -> str:
    return f"pay-{secrets.token_hex(16)}"
