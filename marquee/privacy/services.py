"""Erasing a customer ("forget me"): the only code that does it.

The person goes; the money stays. Bookings (and, with marquee.payments, their payments)
are kept for the accounts, with the person's name, email and phone replaced wherever
Marquee wrote them: the customer row, the bookings' recipient and gift message, the mail
outbox (address, recorded subject, context, last error), marketing records and the
admin's change log. docs/DESIGN.md ("A customer's own data") says what is kept and why;
tests/privacy/test_erase.py reads every table afterwards to prove it.
"""

import contextlib
import datetime as dt
import re
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.crypto import salted_hmac

from marquee.audit.services import audit_record
from marquee.booking.models import Booking, BookingStatus, Customer, SignInLink
from marquee.core.clock import now as clock_now
from marquee.core.errors import DomainError, InvalidState, ValidationFailed
from marquee.core.rows import row_or_not_found
from marquee.marketing.models import Recommendation
from marquee.notifications.models import MailStatus, OutgoingMail
from marquee.payments.services import booking_cancel
from marquee.privacy.models import CustomerErasure, ErasureRequest
from marquee.vouchers.models import Voucher
from marquee.waitlist.models import LIVE_STATUSES, EntryStatus, WaitlistEntry

_HMAC_SALT = "marquee.privacy.erased-email"
# The reserved .invalid domain (RFC 2606) can never receive mail, and the id keeps the
# case-insensitive unique index on Customer.email satisfied.
ERASED_DOMAIN = "erased.invalid"
ERASED_FIRST_NAME = "Erased"
ERASED_LAST_NAME = "customer"
REASON_MAX_LENGTH = 500
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def erased_email(customer_id: int) -> str:
    return f"erased-{customer_id}@{ERASED_DOMAIN}"


def email_hmac(email: str, *, secret: str | bytes | None = None) -> str:
    """HMAC-SHA256 of the lower-cased, trimmed address, keyed by SECRET_KEY (or `secret`)."""
    return salted_hmac(_HMAC_SALT, email.strip().lower(), secret=secret, algorithm="sha256").hexdigest()


def _clean_reason(raw: Any) -> str:
    reason = raw.strip() if isinstance(raw, str) else ""
    problem = ""
    if not reason:
        problem = "Say why the customer is erased (for example: asked by email on 6 December)."
    elif len(reason) > REASON_MAX_LENGTH:
        problem = f"At most {REASON_MAX_LENGTH} characters."
    elif _CONTROL.search(reason):
        problem = "Remove the control characters."
    if problem:
        raise ValidationFailed("The reason is not valid.", fields={"reason": [problem]})
    return reason


def _cancel_holds(customer: Customer, erased_by: Any | None) -> None:
    """Pending holds go: paid after the erasure, their tickets would have no address."""
    pending = Booking.objects.filter(customer=customer, status=BookingStatus.PENDING).order_by("pk")
    for reference in pending.values_list("reference", flat=True):
        # Lapsed or started meanwhile: either way it can no longer be paid.
        with contextlib.suppress(DomainError):
            booking_cancel(reference=reference, by_staff=True, staff_user=erased_by)


def _scrub_bookings(customer: Customer, email: str, at: dt.datetime) -> list[int]:
    """Blank recipient and gift message of the customer's bookings, and of other people's
    gifts to this address (the giver stays their contact). Returns the customer's booking ids."""
    own = list(Booking.objects.filter(customer=customer).values_list("pk", flat=True))
    blank = {"recipient_name": "", "recipient_email": "", "gift_message": "", "updated_at": at}
    Booking.objects.filter(pk__in=own).update(**blank)
    Booking.objects.alias(recipient_lower=Lower("recipient_email")).filter(recipient_lower=email.lower()).update(
        **blank
    )
    return own


def _scrub_mail(customer: Customer, email: str, booking_ids: list[int], at: dt.datetime) -> None:
    """Every message to the person or about their bookings keeps its kind, status and
    times (the delivery log), and loses the address, subject, context and error text.
    Messages not yet sent are not sent."""
    # By id: once the address is replaced, the rows no longer match it.
    ids = list(
        OutgoingMail.objects.alias(to_lower=Lower("to_email"))
        .filter(Q(customer=customer) | Q(booking_id__in=booking_ids) | Q(to_lower=email.lower()))
        .values_list("pk", flat=True)
    )
    rows = OutgoingMail.objects.filter(pk__in=ids)
    rows.update(to_email=erased_email(customer.pk), subject="", context={}, last_error="", updated_at=at)
    # A message in a worker's hands right now may still go out, but its outcome is not
    # recorded (the worker records only a row still "sending"), so no subject is written back.
    unsent = [MailStatus.QUEUED, MailStatus.RETRY, MailStatus.SENDING]
    rows.filter(status__in=unsent).update(
        status=MailStatus.FAILED, locked_until=None, last_error="not sent: the customer was erased", updated_at=at
    )


def _scrub_vouchers(customer: Customer, email: str, at: dt.datetime) -> None:
    """Gift vouchers the person bought or was given keep their code, balance and history (the
    money is whoever holds the code's), and lose the names, the address and the message."""
    erased = erased_email(customer.pk)
    vouchers = Voucher.objects.alias(buyer_lower=Lower("buyer_email"), recipient_lower=Lower("recipient_email"))
    vouchers.filter(buyer_lower=email.lower()).update(buyer_name="", buyer_email=erased, message="", updated_at=at)
    vouchers.filter(recipient_lower=email.lower()).update(
        recipient_name="", recipient_email=erased, message="", updated_at=at
    )


def _scrub_waitlist(customer: Customer, email: str, at: dt.datetime) -> None:
    """Waiting-list entries under the address lose the names and the address; those still in
    line leave it (nobody to offer seats to). An open offer's hold went with the holds."""
    entries = WaitlistEntry.objects.alias(email_lower=Lower("email")).filter(email_lower=email.lower())
    ids = list(entries.values_list("pk", flat=True))  # by id: the address is about to change
    WaitlistEntry.objects.filter(pk__in=ids, status__in=LIVE_STATUSES).update(
        status=EntryStatus.LEFT, closed_at=at, updated_at=at
    )
    WaitlistEntry.objects.filter(pk__in=ids).update(
        first_name="", last_name="", email=erased_email(customer.pk), updated_at=at
    )


def _scrub_admin_log(customer: Customer, email: str) -> None:
    """The admin's change log names objects as they printed then ("Olena Koval <…>")."""
    customer_type = ContentType.objects.get_for_model(Customer)
    mail_type = ContentType.objects.get_for_model(OutgoingMail)
    mails = OutgoingMail.objects.filter(to_email=erased_email(customer.pk))
    mail_ids = [str(pk) for pk in mails.values_list("pk", flat=True)]
    LogEntry.objects.filter(
        Q(content_type=customer_type, object_id=str(customer.pk))
        | Q(content_type=mail_type, object_id__in=mail_ids)
        | Q(object_repr__icontains=email)
    ).update(object_repr=f"erased customer {customer.pk}")


def customer_erase(*, customer_id: int, reason: str, erased_by: Any | None = None) -> CustomerErasure:
    """Forget the person, keep the accounts. Admins only (the caller checks the role).

    One transaction: either everything about the person is replaced, or nothing is.
    A later booking with the same address creates a fresh customer.
    """
    clean_reason = _clean_reason(reason)
    with transaction.atomic():
        customer = row_or_not_found(Customer.objects.select_for_update(), "No such customer.", pk=customer_id)
        if customer.erased_at is not None:
            raise InvalidState(f"This customer was already erased on {customer.erased_at:%Y-%m-%d}.")
        email = customer.email
        _cancel_holds(customer, erased_by)
        at = clock_now()
        booking_ids = _scrub_bookings(customer, email, at)
        _scrub_mail(customer, email, booking_ids, at)
        _scrub_vouchers(customer, email, at)
        _scrub_waitlist(customer, email, at)
        # Marketing: the record of what was recommended to them goes; campaigns skip them.
        Recommendation.objects.filter(customer=customer).delete()
        # Sign-in links and the addresses holds came from are personal data with no use for
        # the accounts. Payments and refunds stay as they are: they hold no name, email or phone.
        SignInLink.objects.filter(customer=customer).delete()
        Booking.objects.filter(customer=customer).exclude(client_ip=None).update(client_ip=None)
        was_consenting = customer.marketing_consent
        Customer.objects.filter(pk=customer.pk).update(
            first_name=ERASED_FIRST_NAME,
            last_name=ERASED_LAST_NAME,
            email=erased_email(customer.pk),
            phone="",
            marketing_consent=False,
            marketing_withdrawn_at=at if was_consenting else customer.marketing_withdrawn_at,
            erased_at=at,
            updated_at=at,
        )
        _scrub_admin_log(customer, email)
        # Nothing personal in the audit: the customer's number, the reason chosen, a count.
        audit_record(
            actor=erased_by,
            action="customer.erase",
            target_type="customer",
            target_id=customer.pk,
            target_label=f"#{customer.pk}",
            changes={"reason": clean_reason, "bookings": len(booking_ids)},
        )
        return CustomerErasure.objects.create(
            customer_id=customer.pk,
            erased_at=at,
            erased_by=erased_by if getattr(erased_by, "pk", None) else None,
            reason=clean_reason,
            email_hmac=email_hmac(email),
        )


def erasure_request_create(*, customer_id: int) -> ErasureRequest:
    """The customer asks to be forgotten (their data page). Asking twice keeps the first time."""
    with transaction.atomic():
        customer = row_or_not_found(
            Customer.objects.select_for_update(), "No such customer.", pk=customer_id, erased_at__isnull=True
        )
        request, _created = ErasureRequest.objects.get_or_create(
            customer=customer, defaults={"requested_at": clock_now()}
        )
        return request
