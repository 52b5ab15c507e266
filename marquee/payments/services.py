"""The ledger's services: the only code that writes payments and refunds.

The rule that shapes every function here: no call to a provider is made inside a database
transaction (on SQLite a transaction holds the write lock for everyone; on PostgreSQL it
holds the booking's row). A service records what it is about to do and commits, calls the
provider, then records the answer in a short transaction of its own. Whatever a provider
says, and in whatever order and how many times it says it, reaches the ledger through one
function: `payment_settle` (payments) or `_refund_record` (refunds).
"""

import datetime as dt
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse

from marquee.audit.services import Actor, audit_record
from marquee.booking import services as booking_services
from marquee.booking.models import Booking, BookingStatus, Channel
from marquee.booking.seat_events import seats_freed
from marquee.booking.services import Settled
from marquee.booking.tokens import hash_token, normalise_reference
from marquee.core.clock import now as clock_now
from marquee.core.errors import InvalidState, NotFound, ValidationFailed
from marquee.core.rows import row_or_not_found
from marquee.notifications.models import MailKind, new_message_id
from marquee.notifications.services import mail_domain, mail_queue
from marquee.payments.models import (
    VOUCHER_PROVIDER,
    Payment,
    PaymentPurpose,
    PaymentStatus,
    ProviderNotification,
    Refund,
    RefundStatus,
    RequestedBy,
)
from marquee.payments.providers.base import (
    NextStep,
    Notification,
    PaymentProvider,
    PaymentRequest,
    PaymentState,
    ProviderPayment,
    ProviderUnavailable,
)
from marquee.payments.providers.instant import InstantProvider
from marquee.payments.providers.registry import BOX_OFFICE_PROVIDERS, get_provider, provider_for_ledger
from marquee.payments.refunds import (
    refund_create_locked,
    refund_execute,
    refund_mail_context,
    refund_settle,
)
from marquee.payments.selectors import BookingMoney
from marquee.payments.voucher_money import (
    amount_due,
    voucher_amount,
    voucher_money_give_back,
    voucher_sale_settle_succeeded,
)
from marquee.scheduling.seat_map_cache import seat_maps_changed

log = logging.getLogger("marquee.payments")

# Where each provider's server sends its notifications (marquee/payments/urls.py).
NOTIFY_URL_NAMES = {"stripe": "payments:stripe_webhook", "liqpay": "payments:liqpay_callback"}
OPEN_STATUSES = (PaymentStatus.CREATED, PaymentStatus.PENDING)


class AlreadyPaid(InvalidState):
    """The booking is paid already: nothing to start."""


def _new_key(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(16)}"


# --- starting a payment --------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentStarted:
    payment: Payment
    next: NextStep
    created: bool  # False: the same pending payment, answered again


def _payment_request(payment: Payment, booking: Booking, language: str) -> PaymentRequest:
    site = settings.SITE_URL
    notify = NOTIFY_URL_NAMES.get(payment.provider)
    return PaymentRequest(
        payment_id=payment.pk,
        booking_reference=booking.reference,
        amount=payment.amount,
        currency=payment.currency,
        description=f"{settings.CINEMA_NAME}, booking {booking.reference}",
        idempotency_key=payment.idempotency_key,
        return_url=site + reverse("payments:return", args=[booking.reference]),
        notify_url=site + reverse(notify) if notify else "",
        language=language or booking.language,
    )


def payment_start(*, reference: str, provider: str, token: str | None = None, language: str = "") -> PaymentStarted:
    """Start taking a held booking's total through a customer-facing provider.

    The Payment row is created (`created`) and committed first; the provider is asked
    outside any transaction; its answer is recorded in a short one (`pending`, or settled
    at once for demo). Starting again for the same booking and provider answers the same
    open payment (the provider is asked again with the same idempotency key, which gives
    the same next step). ProviderUnavailable: the payment is marked failed with the reason,
    the hold stays, the customer may try again.
    """
    chosen = get_provider(provider)
    if not chosen.customer_facing:
        raise ValidationFailed(
            f"Payment provider {provider!r} is for the box office.", fields={"provider": ["Not for customers."]}
        )
    if booking_services.booking_expire_if_lapsed(reference=reference, token=token):
        voucher_money_give_back(booking_ids=_booking_ids(reference))
        raise InvalidState("The hold has expired; choose the seats again.")
    with transaction.atomic():
        booking = booking_services.booking_lock(reference=reference, token=token)
        if booking.status == BookingStatus.PAID:
            raise AlreadyPaid("The booking is already paid.")
        if booking.status != BookingStatus.PENDING:
            raise InvalidState(f"A {booking.status} booking cannot be paid.")
        if booking.total_price <= 0:
            raise InvalidState("This booking costs nothing: there is nothing to pay.")
        # A gift voucher may have paid part of it at the hold: the provider takes the rest.
        due = amount_due(booking, voucher_amount(booking.pk))
        payment = (
            Payment.objects.filter(booking=booking, provider=provider, status__in=OPEN_STATUSES).order_by("-pk").first()
        )
        created = payment is None
        if payment is None:
            payment = Payment.objects.create(
                booking=booking,
                provider=provider,
                amount=due,
                currency=settings.CURRENCY,
                status=PaymentStatus.CREATED,
                idempotency_key=_new_key("pay"),
            )
    payment, next_step = payment_ask_provider(payment, chosen, _payment_request(payment, booking, language))
    return PaymentStarted(payment=payment, next=next_step, created=created)


def payment_ask_provider(
    payment: Payment, chosen: PaymentProvider, request: PaymentRequest
) -> tuple[Payment, NextStep]:
    """Ask the provider to start the committed `payment` (outside any transaction) and record
    its answer: pending, or settled at once (demo). ProviderUnavailable: the payment fails."""
    provider = payment.provider
    try:
        started = chosen.start(request)
    except ProviderUnavailable as error:
        at = clock_now()
        Payment.objects.filter(pk=payment.pk, status__in=OPEN_STATUSES).update(
            status=PaymentStatus.FAILED, failed_at=at, message=error.detail[:255], updated_at=at
        )
        log.warning("payment %s: %s could not start it: %s", payment.pk, provider, error.detail)
        raise
    at = clock_now()
    with transaction.atomic():
        still_open = Payment.objects.filter(pk=payment.pk, status__in=OPEN_STATUSES)
        still_open.update(status=PaymentStatus.PENDING, updated_at=at)
        # The first id the provider gave stays: its notifications name that one (a provider
        # answers the same id for the same idempotency key anyway).
        still_open.filter(provider_id="").update(provider_id=started.provider_id)
    if started.status != PaymentState.PENDING:
        payment_settle(
            provider=provider,
            word=ProviderPayment(
                provider_id=started.provider_id,
                status=started.status,
                amount=payment.amount,
                currency=payment.currency,
                payment_id=payment.pk,
                message="" if started.status == PaymentState.SUCCEEDED else "The payment was declined.",
            ),
        )
    payment.refresh_from_db()
    return payment, started.next


@dataclass(frozen=True)
class Paid:
    """A booking booking_pay_answered paid (or found paid), with its payments and refunds when
    they are known without reading them back: the one payment just written, when it is the
    booking's only one. None: read them (payments.selectors.booking_money)."""

    booking: Booking
    money: BookingMoney | None = None


def booking_pay(*, reference: str, method: str, token: str | None = None) -> Booking:
    """Pay at once through a provider that needs no customer's browser (demo): the API's
    `POST …/pay`. Paying a paid booking answers it unchanged and sends nothing.

    A live hold with nothing else on it is paid in one statement on PostgreSQL, one short
    transaction on SQLite (`_pay_at_once`); every other case takes the long way."""
    return booking_pay_answered(reference=reference, method=method, token=token).booking


def booking_pay_answered(*, reference: str, method: str, token: str | None = None) -> Paid:
    """booking_pay, with the booking's money where the payment told it (the API's answer)."""
    # An unknown method is a validation error before anything else.
    chosen = get_provider(method, field="method")
    if not chosen.customer_facing:
        raise ValidationFailed(f"Payment method {method!r} is for the box office.", fields={"method": ["Not online."]})
    if isinstance(chosen, InstantProvider) and token:
        paid = _pay_at_once(reference=reference, provider=chosen, token=token)
        if paid is not None:
            return paid
    try:
        started = payment_start(reference=reference, provider=method, token=token)
    except AlreadyPaid:
        return Paid(
            booking_services.booking_for_token(reference=reference, token=token) if token else _booking(reference)
        )
    if started.payment.status != PaymentStatus.SUCCEEDED:
        raise InvalidState(
            started.payment.message or "This provider needs the customer's browser: start a payment instead."
        )
    return Paid(Booking.objects.get(pk=started.payment.booking_id or 0))


# (changed, the payment it wrote, whether that is the booking's only one, the booking's columns):
# see marquee/payments/migrations/0007_pay_answers_its_payment.py.
PAY_STATEMENT = (
    "SELECT r.changed, r.new_payment_id, r.only_payment, (r.booking).* FROM marquee_booking_pay("
    "%s::text, %s::text, %s::text, %s::text, %s::text, %s::text, %s::timestamptz, %s::text[]) AS r"
)
CANCEL_STATEMENT = (
    "SELECT r.changed, (r.booking).* FROM marquee_booking_cancel(%s::text, %s::text, %s::timestamptz) AS r"
)


def _one_statement(sql: str, params: list[Any]) -> Booking | None:
    """Run a booking function as one autocommit statement (one round trip, one implicit
    transaction, whatever it writes): the booking it changed, or None when it changed
    nothing. NotFound when there is no such booking or the token is not its own."""
    rows = list(Booking.objects.raw(sql, params))
    if not rows:
        raise NotFound("No such booking.")
    changed: bool = rows[0].changed  # type: ignore[attr-defined]  # the function's own column, beside the booking's
    return rows[0] if changed else None


def _payable_at_once(booking: Booking, provider: str, at: dt.datetime) -> bool:
    """A live hold with a price and no payment that the long way must weigh: a gift
    voucher's part, an open payment of this provider to reuse, a payment already taken."""
    if booking.status != BookingStatus.PENDING or booking.expires_at <= at or booking.total_price <= 0:
        return False
    weighed = (
        Q(provider=VOUCHER_PROVIDER)
        | Q(provider=provider, status__in=OPEN_STATUSES)
        | Q(status=PaymentStatus.SUCCEEDED, purpose=PaymentPurpose.BOOKING)
    )
    return not Payment.objects.filter(weighed, booking=booking).exists()


def _pay_at_once(*, reference: str, provider: InstantProvider, token: str) -> Paid | None:
    """Pay a live hold through a provider that asks nobody (demo): its Payment recorded
    succeeded, the booking paid, its seats sold and its tickets queued, all committed
    together, with the ledger's rows as the long way leaves them. None: the booking is in
    another case (paid, lapsed, a voucher's part on it, …) and nothing was written.

    PostgreSQL: one statement (`marquee_booking_pay`). SQLite: one transaction through
    booking_settle_paid, the rules' own code."""
    canonical = booking_services._reference_or_none(reference)
    if canonical is None:
        return None  # the long way answers NotFound without asking the database
    at = clock_now()
    key = _new_key("pay")
    provider_id = provider.provider_id_for(key)
    if connection.vendor == "postgresql":
        domain = mail_domain()
        ids = [new_message_id(domain), new_message_id(domain)]  # tickets, receipt
        params = [canonical, hash_token(token), provider.name, provider_id, key, settings.CURRENCY, at, ids]
        paid = _one_statement(PAY_STATEMENT, params)
        if paid is None:
            return None
        seat_maps_changed([paid.showtime_id])
        if not paid.only_payment:  # type: ignore[attr-defined]  # the function's own column
            return Paid(paid)
        # The row the function wrote, as it wrote it (a test compares it with the one read back).
        payment = Payment(
            pk=paid.new_payment_id,  # type: ignore[attr-defined]
            booking_id=paid.pk,
            provider=provider.name,
            provider_id=provider_id,
            amount=paid.total_price,
            currency=settings.CURRENCY,
            status=PaymentStatus.SUCCEEDED,
            purpose=PaymentPurpose.BOOKING,
            amount_refunded=Decimal("0.00"),
            idempotency_key=key,
            created_at=at,
            updated_at=at,
            succeeded_at=at,
            last_checked_at=at,
        )
        money = BookingMoney(
            payments=[payment], refunds=[], amount_paid=paid.total_price, amount_refunded=Decimal("0.00")
        )
        return Paid(paid, money)
    with transaction.atomic():
        booking = booking_services.booking_lock(reference=canonical, token=token)
        if not _payable_at_once(booking, provider.name, at):
            return None
        Payment.objects.create(
            booking=booking,
            provider=provider.name,
            provider_id=provider_id,
            amount=booking.total_price,
            currency=settings.CURRENCY,
            status=PaymentStatus.SUCCEEDED,
            succeeded_at=at,
            last_checked_at=at,
            idempotency_key=key,
        )
        booking_services.booking_settle_paid(
            booking=booking, method=provider.name, payment_reference=provider_id, at=at
        )
        return Paid(booking)


def _booking_ids(reference: str) -> list[int]:
    canonical = normalise_reference(reference) if isinstance(reference, str) else ""
    return list(Booking.objects.filter(reference=canonical).values_list("pk", flat=True)) if canonical else []


def _booking(reference: str) -> Booking:
    return row_or_not_found(Booking, "No such booking.", reference=reference.strip().upper())


@dataclass(frozen=True)
class Confirmed:
    payment: Payment
    next: NextStep  # `action`: the customer's browser must finish a step (3-D Secure)


def payment_confirm(*, booking_id: int, data: Mapping[str, str], payment_id: int | None = None) -> Confirmed:
    """Finish a payment the customer's browser prepared (Stripe's "finalize on the
    server", with the payment method the browser made): the provider is asked outside any
    transaction, then its word is settled. A declined card leaves the payment failed, and
    the customer may confirm it again with another card."""
    payments = Payment.objects.filter(booking_id=booking_id).exclude(provider_id="")
    if payment_id is not None:
        payments = payments.filter(pk=payment_id)
    payment = payments.filter(status__in=[*OPEN_STATUSES, PaymentStatus.FAILED, PaymentStatus.SUCCEEDED]).first()
    if payment is None:
        raise NotFound("No payment to confirm; start again.")
    if payment.status == PaymentStatus.SUCCEEDED:
        return Confirmed(payment=payment, next=NextStep("none"))
    if payment.problem:
        raise InvalidState("This payment cannot be confirmed; start again.")
    confirmation = provider_for_ledger(payment.provider).confirm(provider_id=payment.provider_id, data=data)
    settled = payment_settle(provider=payment.provider, word=confirmation.payment) or payment
    return Confirmed(payment=settled, next=confirmation.next)


def payment_check(*, booking_id: int) -> Payment | None:
    """The booking's latest payment, its provider asked first when it is still pending
    (the customer's browser came back before the notification, or instead of it)."""
    payment = Payment.objects.filter(booking_id=booking_id).order_by("-created_at", "-pk").first()
    return payment_check_one(payment) if payment is not None else None


def payment_check_one(payment: Payment) -> Payment:
    """The payment, its provider asked first (outside any transaction) when it is pending."""
    if payment.status != PaymentStatus.PENDING or not payment.provider_id:
        return payment
    try:
        word = provider_for_ledger(payment.provider).fetch(provider_id=payment.provider_id)
    except ProviderUnavailable as error:
        log.warning("payment %s: could not ask %s: %s", payment.pk, payment.provider, error.detail)
        return payment
    return payment_settle(provider=payment.provider, word=replace(word, payment_id=payment.pk)) or payment


# --- the provider's word -------------------------------------------------------------------


def _find_payment(provider: str, word: ProviderPayment) -> Payment | None:
    payments = Payment.objects.select_related("booking")
    found = None
    if word.provider_id:
        found = payments.filter(provider=provider, provider_id=word.provider_id).first()
    if found is None and word.payment_id is not None:
        found = payments.filter(pk=word.payment_id, provider=provider).first()
        if found is not None and found.provider_id and word.provider_id and found.provider_id != word.provider_id:
            return None  # the provider echoes our id for another of its payments: not ours
    return found


def _mismatch(payment: Payment, word: ProviderPayment) -> str:
    if word.amount is not None and word.amount != payment.amount:
        return f"The provider took {word.amount} {word.currency or payment.currency}, not {payment.amount}."
    if word.currency and word.currency.upper() != payment.currency.upper():
        return f"The provider took {word.currency.upper()}, not {payment.currency}."
    return ""


def payment_settle(*, provider: str, word: ProviderPayment) -> Payment | None:
    """THE one place a provider's word changes the ledger. Idempotent and order-tolerant:

    - `pending`: nothing changes but when we last asked;
    - `failed`/`cancelled`: an open payment fails; a succeeded one stays succeeded;
    - `succeeded` (also after `failed`): the booking is paid, once (one tickets email);
      a hold that lapsed meanwhile is taken again when its seats are free; otherwise, or
      for a booking cancelled meanwhile, the whole amount is refunded at once, the
      customer told, and `problem` set for staff;
    - an amount or currency other than the payment's: not paid, `problem` set.

    Returns the payment, or None for a payment the ledger does not know (logged).
    """
    payment = _find_payment(provider, word)
    if payment is None:
        log.warning(
            "%s reported payment %s (ledger id %s): not in the ledger", provider, word.provider_id, word.payment_id
        )
        return None
    at = clock_now()
    same = Payment.objects.filter(pk=payment.pk)
    provider_id = payment.provider_id or word.provider_id
    if word.status == PaymentState.PENDING:
        same.filter(status=PaymentStatus.CREATED).update(status=PaymentStatus.PENDING, updated_at=at)
        same.update(last_checked_at=at, provider_id=provider_id)
    elif word.status in (PaymentState.FAILED, PaymentState.CANCELLED):
        same.filter(status__in=OPEN_STATUSES).update(
            status=PaymentStatus(word.status.value),
            failed_at=at,
            message=word.message[:255],
            provider_id=provider_id,
            last_checked_at=at,
            updated_at=at,
        )
    elif payment.status != PaymentStatus.SUCCEEDED:
        problem = _mismatch(payment, word)
        if problem:
            log.error("payment %s not settled: %s", payment.pk, problem)
            same.exclude(status=PaymentStatus.SUCCEEDED).update(
                status=PaymentStatus.FAILED,
                problem=problem[:255],
                failed_at=at,
                provider_id=provider_id,
                last_checked_at=at,
                updated_at=at,
            )
        elif payment.voucher_id is not None:
            voucher_sale_settle_succeeded(payment.pk, provider_id=provider_id, at=at)
        else:
            refund_id = _settle_succeeded(payment, provider_id=provider_id, at=at)
            if refund_id is not None:
                refund_execute(refund_id=refund_id)
    payment.refresh_from_db()
    return payment


LATE_SEATS_GONE = "Paid after the hold lapsed, and its seats had been taken: refunded in full."
LATE_CANCELLED = "Paid after the booking was cancelled: refunded in full."
LATE_VOUCHER_BACK = "Paid after the hold lapsed, and its gift voucher part had gone back: refunded in full."
PAID_TWICE = "The booking was already paid by another payment: give this one back."


def _settle_succeeded(payment: Payment, *, provider_id: str, at: dt.datetime) -> int | None:
    """Record a success in one short transaction; the id of a refund to execute, if any."""
    if payment.booking is None:
        raise InvalidState("Not a booking's payment.")
    with transaction.atomic():
        booking = booking_services.booking_lock(reference=payment.booking.reference)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status == PaymentStatus.SUCCEEDED:
            return None  # settled a moment ago by the browser's return or a notification
        same = Payment.objects.filter(pk=payment.pk)
        paid_already = Payment.objects.filter(
            booking=booking, status=PaymentStatus.SUCCEEDED, purpose=PaymentPurpose.BOOKING
        ).exists()
        if paid_already:
            # One succeeded payment per booking (the database says so too): this one is money
            # taken twice, which staff give back from the booking page.
            log.error("payment %s succeeded for booking %s, already paid", payment.pk, booking.reference)
            same.update(status=PaymentStatus.FAILED, problem=PAID_TWICE, failed_at=at, provider_id=provider_id)
            return None
        # The card paid what the voucher did not: if the voucher's part went back (the hold
        # lapsed before this money came), the booking is not paid for and this money goes back.
        voucher_gone = Payment.objects.filter(
            booking=booking, provider=VOUCHER_PROVIDER, status=PaymentStatus.SUCCEEDED, amount_refunded__gt=0
        ).exists()
        if voucher_gone:
            outcome = Settled.SEATS_GONE
        else:
            outcome = booking_services.booking_settle_paid(
                booking=booking, method=payment.provider, payment_reference=provider_id, at=at
            )
        late = outcome in (Settled.SEATS_GONE, Settled.CANCELLED)
        problem = LATE_VOUCHER_BACK if voucher_gone else LATE_SEATS_GONE if outcome == Settled.SEATS_GONE else ""
        same.update(
            status=PaymentStatus.SUCCEEDED,
            succeeded_at=at,
            provider_id=provider_id,
            last_checked_at=at,
            problem=(problem or LATE_CANCELLED) if late else "",
            updated_at=at,
        )
        if not late:
            return None
        payment.refresh_from_db()
        log.warning(
            "payment %s for booking %s came too late (%s): refunding it", payment.pk, booking.reference, outcome
        )
        refund = refund_create_locked(
            payment,
            amount=payment.amount,
            reason=str(payment.problem),
            requested_by=RequestedBy.SYSTEM,
            staff_user=None,
            at=at,
        )
        mail_queue(
            kind=MailKind.REFUND,
            to_email=booking.buyer_email,
            booking_id=booking.pk,
            language=booking.language,
            context=refund_mail_context([refund], late=True),
        )
        return refund.pk


def notification_handle(*, provider: str, notification: Notification) -> str:
    """Act once on a verified notification: its event id is recorded first (unique per
    provider), so a second copy is acknowledged and not acted on. Answers what was done.
    If acting fails, the record is removed, so that the provider's retry acts."""
    at = clock_now()
    try:
        with transaction.atomic():
            record = ProviderNotification.objects.create(
                provider=provider, event_id=notification.event_id[:255], type=notification.type[:100], received_at=at
            )
    except IntegrityError:
        log.info("%s notification %s seen before: acknowledged", provider, notification.event_id)
        return "duplicate"
    payment: Payment | None = None
    try:
        if notification.payment is not None:
            payment = payment_settle(provider=provider, word=notification.payment)
            outcome = f"payment {payment.status}" if payment is not None else "unknown payment"
        elif notification.refund is not None:
            refund = refund_settle(provider=provider, word=notification.refund)
            payment = refund.payment if refund is not None else None
            outcome = f"refund {refund.status}" if refund is not None else "unknown refund"
        else:
            outcome = "ignored"
    except Exception:
        ProviderNotification.objects.filter(pk=record.pk).delete()
        raise
    ProviderNotification.objects.filter(pk=record.pk).update(payment=payment, outcome=outcome)
    if outcome.startswith("unknown"):
        log.warning("%s notification %s (%s): %s", provider, notification.event_id, notification.type, outcome)
    return outcome


# --- the box office ------------------------------------------------------------------------


def payment_record_box_office(*, reference: str, method: str = "cash", staff_user: Actor = None) -> Booking:
    """Staff took the booking's total in cash or on the card terminal: a ledger entry that
    succeeded at once, and the booking paid (audited: `booking.mark_paid`). Paying a paid
    booking answers it unchanged and records nothing."""
    if method not in BOX_OFFICE_PROVIDERS:
        raise ValidationFailed(
            f"Unknown box-office method {method!r}.", fields={"method": ["Choose cash or card_terminal."]}
        )
    if booking_services.booking_expire_if_lapsed(reference=reference):
        raise InvalidState("The hold has expired; choose the seats again.")
    with transaction.atomic():
        booking = booking_services.booking_lock(reference=reference)
        if booking.status == BookingStatus.PAID:
            return booking
        if booking.status != BookingStatus.PENDING:
            raise InvalidState(f"A {booking.status} booking cannot be paid.")
        at = clock_now()
        provider_id = f"{method}-{secrets.token_hex(8)}"
        if booking.total_price > 0:
            Payment.objects.create(
                booking=booking,
                provider=method,
                provider_id=provider_id,
                amount=booking.total_price,
                currency=settings.CURRENCY,
                status=PaymentStatus.SUCCEEDED,
                succeeded_at=at,
                taken_by=_user(staff_user),
                idempotency_key=_new_key("pay"),
            )
        booking_services.booking_settle_paid(
            booking=booking, method=method, payment_reference=provider_id, at=at, channel=Channel.BOX_OFFICE
        )
        audit_record(
            actor=staff_user,
            action="booking.mark_paid",
            target_type="booking",
            target_id=booking.reference,
            target_label=booking.reference,
            changes={
                "status": [BookingStatus.PENDING.value, booking.status],
                "method": method,
                "amount": booking.total_price,
            },
            booking_id=booking.pk,
            showtime_id=booking.showtime_id,
        )
        return booking


def _user(actor: Actor) -> User | None:
    """The staff member as the ledger's columns hold one (an anonymous user is nobody)."""
    return actor if isinstance(actor, User) and actor.pk else None


# --- cancelling and refunding -------------------------------------------------------------------------------


def parse_refund_choice(raw: str | Decimal | None) -> str | Decimal:
    """ "full", "none" or an amount (the API's and the back office's `refund`)."""
    if raw is None or (isinstance(raw, str) and raw.strip().lower() in ("", "full")):
        return "full"
    if isinstance(raw, str) and raw.strip().lower() == "none":
        return "none"
    try:
        amount = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValidationFailed(
            "Refund is full, none or an amount.", fields={"refund": ["Give full, none or an amount such as 100.00."]}
        ) from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed(
            "A refund amount is above zero, in whole cents.", fields={"refund": ["Give an amount such as 100.00."]}
        )
    return amount


def _succeeded_payments(booking: Booking) -> list[Payment]:
    """The booking's succeeded payments, locked, newest first: its total's, and the
    differences taken when staff moved it to dearer seats (marquee.payments.moves)."""
    return list(
        Payment.objects.select_for_update()
        .filter(booking=booking, status=PaymentStatus.SUCCEEDED)
        .order_by("-succeeded_at", "-pk")
    )


def refunds_create_locked(
    booking: Booking,
    *,
    amount: Decimal | None,
    reason: str,
    requested_by: RequestedBy,
    staff_user: User | None,
    at: dt.datetime,
    purpose: str = PaymentPurpose.BOOKING,
) -> list[Refund]:
    """Inside the caller's transaction (the booking locked): give back `amount` (None: all
    that is left) from the booking's succeeded payments, newest first, each through the
    provider that took it. More than is left: ValidationFailed, and nothing is recorded."""
    payments = _succeeded_payments(booking)
    left = sum((p.refundable for p in payments), Decimal("0.00"))
    wanted = left if amount is None else amount
    if wanted > left:
        currency = payments[0].currency if payments else settings.CURRENCY
        raise ValidationFailed(
            f"More than is left to refund ({left:.2f} {currency}).", fields={"amount": [f"At most {left:.2f}."]}
        )
    refunds: list[Refund] = []
    for payment in payments:
        share = min(wanted, payment.refundable)
        if share <= 0:
            continue
        refunds.append(
            refund_create_locked(
                payment,
                amount=share,
                reason=reason,
                requested_by=requested_by,
                staff_user=staff_user,
                at=at,
                purpose=purpose,
            )
        )
        wanted -= share
    return refunds


def _money_back(
    *,
    choice: str | Decimal,
    reason: str,
    requested_by: RequestedBy,
    staff_user: Actor,
    created: list[int],
    facts: dict[str, Any] | None = None,
) -> booking_services.MoneyBack:
    """`facts`, when given, receives what was refunded, for the cancel's audit record."""

    def give(booking: Booking) -> dict[str, Any]:
        refunds: list[Refund] = []
        if choice != "none":
            refunds = refunds_create_locked(
                booking,
                amount=None if choice == "full" else Decimal(choice),
                reason=reason,
                requested_by=requested_by,
                staff_user=_user(staff_user),
                at=clock_now(),
            )
        if facts is not None:
            facts["refunded"] = sum((r.amount for r in refunds), Decimal("0.00"))
        created.extend(r.pk for r in refunds if r.status == RefundStatus.PENDING)
        return refund_mail_context(refunds)

    return give


def booking_cancel(
    *,
    reference: str,
    by_staff: bool = False,
    token: str | None = None,
    refund: str | Decimal | None = "full",
    reason: str = "",
    staff_user: Actor = None,
) -> Booking:
    """Cancel a booking and give its money back in the same transaction: a customer's
    cancel (before the cut-off) refunds the whole amount; staff choose `refund` ("full",
    "none" or an amount) and give a reason. The refund is then executed at the provider,
    outside the transaction; if that fails, the worker tries again."""
    if not by_staff and token:
        cancelled = _cancel_hold_at_once(reference=reference, token=token)
        if cancelled is not None:
            return cancelled
    choice = parse_refund_choice(refund) if by_staff else "full"
    if by_staff and choice != "full" and not reason.strip():
        raise ValidationFailed("Give a reason for a partial or no refund.", fields={"reason": ["Give a reason."]})
    default = "Cancelled by staff" if by_staff else "Cancelled by the customer"
    created: list[int] = []
    # What the audit record says: the choice and reason now, the amount once money_back ran.
    facts: dict[str, Any] = {"refund": str(choice), "reason": reason.strip(), "refunded": Decimal("0.00")}
    try:
        booking = _booking_cancel(
            reference=reference,
            by_staff=by_staff,
            token=token,
            staff_user=staff_user,
            facts=facts,
            created=created,
            choice=choice,
            reason=reason,
            default=default,
        )
    except InvalidState:
        # A hold that had lapsed: its voucher money goes back now rather than at the sweep.
        voucher_money_give_back(booking_ids=_booking_ids(reference))
        raise
    for refund_id in created:
        refund_execute(refund_id=refund_id)
    voucher_money_give_back(booking_ids=[booking.pk])  # a hold cancelled before it was paid
    return booking


def _cancel_hold_at_once(*, reference: str, token: str) -> Booking | None:
    """The customer cancels a live hold on which no gift voucher's money is (nothing to give
    back, no email): one statement on PostgreSQL (`marquee_booking_cancel`), one short
    transaction on SQLite. None: another case (paid, lapsed, cancelled, a voucher's part),
    nothing written; the long way decides it."""
    canonical = booking_services._reference_or_none(reference)
    if canonical is None:
        return None
    at = clock_now()
    if connection.vendor == "postgresql":
        cancelled = _one_statement(CANCEL_STATEMENT, [canonical, hash_token(token), at])
        if cancelled is not None:
            seat_maps_changed([cancelled.showtime_id])
            seats_freed([cancelled.showtime_id])  # committed already: the waiting list hears it now
        return cancelled
    with transaction.atomic():
        booking = booking_services.booking_lock(reference=canonical, token=token)
        if booking.status != BookingStatus.PENDING or booking.expires_at <= at:
            return None
        if Payment.objects.filter(booking=booking, provider=VOUCHER_PROVIDER).exists():
            return None
        return booking_services.booking_cancel_hold_locked(booking=booking, at=at)


def _booking_cancel(
    *,
    reference: str,
    by_staff: bool,
    token: str | None,
    staff_user: Actor,
    facts: dict[str, Any],
    created: list[int],
    choice: str | Decimal,
    reason: str,
    default: str,
) -> Booking:
    return booking_services.booking_cancel(
        reference=reference,
        by_staff=by_staff,
        token=token,
        money_back=_money_back(
            choice=choice,
            reason=reason.strip() or default,
            requested_by=RequestedBy.STAFF if by_staff else RequestedBy.CUSTOMER,
            staff_user=staff_user,
            created=created,
            facts=facts,
        ),
        staff_user=staff_user,
        audit_facts=facts,
    )


def _showtime_money_back(created: list[int]) -> booking_services.MoneyBack:
    return _money_back(
        choice="full",
        reason="Showtime cancelled",
        requested_by=RequestedBy.SYSTEM,
        staff_user=None,
        created=created,
    )


def showtime_cancel(*, showtime_id: int, staff_user: Actor = None) -> Any:
    """The cinema cancels a showtime: every booking cancelled, every paid one refunded in full."""
    created: list[int] = []
    showtime = booking_services.showtime_cancel(
        showtime_id=showtime_id, money_back=_showtime_money_back(created), staff_user=staff_user
    )
    for refund_id in created:
        refund_execute(refund_id=refund_id)
    _give_back_for_showtime(showtime_id)
    return showtime


def _give_back_for_showtime(showtime_id: int) -> None:
    """Holds of a cancelled showtime give their vouchers' money back."""
    held = Booking.objects.filter(showtime_id=showtime_id, paid_at__isnull=True).values_list("pk", flat=True)
    voucher_money_give_back(booking_ids=list(held))


def showtime_delete(*, showtime_id: int, staff_user: Actor = None) -> bool:
    """Delete a showtime with no bookings, or cancel it (and refund) when it has some."""
    created: list[int] = []
    deleted = booking_services.showtime_delete(
        showtime_id=showtime_id, money_back=_showtime_money_back(created), staff_user=staff_user
    )
    for refund_id in created:
        refund_execute(refund_id=refund_id)
    if not deleted:
        _give_back_for_showtime(showtime_id)
    return deleted


def refund_create(*, reference: str, amount: Decimal | str, reason: str, staff_user: Actor = None) -> Refund:
    """Staff give back part or all of a paid booking without cancelling it (a reason is
    required). More than is left to refund: ValidationFailed. The customer is told."""
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = ["Give a reason."]
    try:
        value = Decimal(str(amount).strip())
        if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
            raise InvalidOperation
    except InvalidOperation:
        errors["amount"] = ["Give an amount above zero, such as 100.00."]
    if errors:
        raise ValidationFailed("Some fields are not valid.", fields=errors)
    with transaction.atomic():
        booking = booking_services.booking_lock(reference=reference)
        if not _succeeded_payments(booking):
            raise InvalidState("This booking has no payment to refund.")
        refunded_before = sum((p.amount_refunded for p in _succeeded_payments(booking)), Decimal("0.00"))
        refunds = refunds_create_locked(
            booking,
            amount=value,
            reason=reason,
            requested_by=RequestedBy.STAFF,
            staff_user=_user(staff_user),
            at=clock_now(),
        )
        audit_record(
            actor=staff_user,
            action="booking.refund",
            target_type="booking",
            target_id=booking.reference,
            target_label=booking.reference,
            changes={
                "amount": value,
                "reason": reason,
                "provider": ", ".join(sorted({r.payment.provider for r in refunds})),
                # Read under the payments' locks before the refund raised them.
                "refunded": [refunded_before, refunded_before + value],
            },
            booking_id=booking.pk,
            showtime_id=booking.showtime_id,
        )
        if booking.buyer_email:  # a walk-in sale without an email has nobody to tell
            mail_queue(
                kind=MailKind.REFUND,
                to_email=booking.buyer_email,
                booking_id=booking.pk,
                language=booking.language,
                context=refund_mail_context(refunds),
            )
    for refund in refunds:
        if refund.status == RefundStatus.PENDING:
            refund_execute(refund_id=refund.pk)
            refund.refresh_from_db()
    # A booking paid once (the usual case) has one refund; after a move to dearer seats the
    # amount may come from two payments: the first one taken from is answered.
    return refunds[0]


# --- the worker's periodic jobs --------------------------------------------------------------


def payments_reconcile(*, limit: int = 100) -> int:
    """Ask the provider about payments left pending longer than PAYMENT_RECONCILE_MINUTES
    (the notification never came, the customer never came back) and settle what it says.
    Returns how many were asked about."""
    at = clock_now()
    stale = at - dt.timedelta(minutes=settings.PAYMENT_RECONCILE_MINUTES)
    # A payment whose provider never answered its start (the process died) cannot be asked about.
    # Read first: an idle worker takes no write lock (on SQLite, the whole database's).
    never_started = Payment.objects.filter(status=PaymentStatus.CREATED, provider_id="", created_at__lte=stale)
    if never_started.exists():
        never_started.update(
            status=PaymentStatus.FAILED, failed_at=at, message="Never started at the provider.", updated_at=at
        )
    due = list(
        Payment.objects.filter(status=PaymentStatus.PENDING, created_at__lte=stale)
        .exclude(provider_id="")
        .exclude(last_checked_at__gt=stale)
        .order_by("created_at", "pk")[:limit]
    )
    for payment in due:
        try:
            word = provider_for_ledger(payment.provider).fetch(provider_id=payment.provider_id)
        except Exception as error:
            log.warning("payment %s: could not ask %s: %s", payment.pk, payment.provider, error)
            Payment.objects.filter(pk=payment.pk).update(last_checked_at=clock_now())
            continue
        word = replace(word, provider_id=word.provider_id or payment.provider_id, payment_id=payment.pk)
        payment_settle(provider=payment.provider, word=word)
        Payment.objects.filter(pk=payment.pk).update(last_checked_at=clock_now())
    if due:
        log.info("asked providers about %s pending payments", len(due))
    return len(due)
