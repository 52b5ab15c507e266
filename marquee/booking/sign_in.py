""" "My bookings" sign-in links: sent by email, limited per hour, each used once.

Anyone can type any address into the sign-in page, so the page must not become a way to
flood an inbox: at most SIGN_IN_LINKS_PER_HOUR links go to one customer and at most
SIGN_IN_LINKS_PER_HOUR_PER_CLIENT leave from one client address, counted from the
SignInLink rows. The page answers the same whatever happened (no enumeration), so a
refusal here is silent.

A link is a signature over its SignInLink row, the customer and a digest of their email
(an email changed since no longer matches). It expires after an hour and is spent by the
sign-in itself: a link from an old email, a browser history or a log cannot sign anyone
in again.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from marquee.booking.models import Customer, SignInLink
from marquee.core.clock import now as clock_now
from marquee.core.errors import InvalidState, NotFound
from marquee.core.locks import lock_named
from marquee.notifications.models import MailKind
from marquee.notifications.services import mail_queue

SALT = "marquee.public.sign-in"
MAX_AGE = dt.timedelta(hours=1)
WINDOW = dt.timedelta(hours=1)


class SignInLinkExpired(InvalidState):
    pass


class SignInLinkUsed(InvalidState):
    pass


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def _email_digest(email: str) -> str:
    """Binds a link to the address it was sent to, without putting the address in the link
    (links end up in logs and browser histories)."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def sign_in_link_send(*, customer: Customer | None, client_ip: str = "", language: str = "") -> bool:
    """Queue a sign-in link to the customer's email unless a limit says no; True if queued.

    `customer` is None for an address nobody booked with: nothing is sent, and the caller
    answers exactly as when a link went out."""
    if customer is None:
        return False
    with transaction.atomic():
        # Two requests at once for one customer (or from one address) count one after the other.
        lock_named(f"marquee.sign-in.customer.{customer.pk}")
        if client_ip:
            lock_named(f"marquee.sign-in.client.{client_ip}")
        since = clock_now() - WINDOW
        sent_to_customer = SignInLink.objects.filter(customer=customer, created_at__gt=since).count()
        if sent_to_customer >= settings.SIGN_IN_LINKS_PER_HOUR:
            return False
        if client_ip:
            sent_from_client = SignInLink.objects.filter(client_ip=client_ip, created_at__gt=since).count()
            if sent_from_client >= settings.SIGN_IN_LINKS_PER_HOUR_PER_CLIENT:
                return False
        link = SignInLink.objects.create(customer=customer, client_ip=client_ip or None)
        token = _signer().sign_object({"l": link.pk, "c": customer.pk, "e": _email_digest(customer.email)})
        url = settings.SITE_URL + reverse("public:my_bookings_sign_in", args=[token])
        mail_queue(
            kind=MailKind.SIGN_IN,
            to_email=customer.email,
            customer_id=customer.pk,
            context={"url": url},
            language=language,
        )
    return True


def _claims(token: str) -> tuple[int, int, str]:
    try:
        claims = _signer().unsign_object(token, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise SignInLinkExpired("This sign-in link has expired.") from None
    except (signing.BadSignature, ValueError):
        raise NotFound("No such sign-in link.") from None
    if not isinstance(claims, dict):
        raise NotFound("No such sign-in link.")
    link_id, customer_id, digest = claims.get("l"), claims.get("c"), claims.get("e")
    if not isinstance(link_id, int) or not isinstance(customer_id, int) or not isinstance(digest, str):
        raise NotFound("No such sign-in link.")  # signed by us, but before links were single-use
    return link_id, customer_id, digest


def _customer(customer_id: int, digest: str) -> Customer:
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None or digest != _email_digest(customer.email):
        raise NotFound("No such sign-in link.")
    return customer


def sign_in_link_check(*, token: str) -> Customer:
    """The customer a link would sign in, without spending it (the page that asks the
    visitor to confirm: mail scanners open links too, and must not spend them)."""
    link_id, customer_id, digest = _claims(token)
    customer = _customer(customer_id, digest)
    row = SignInLink.objects.filter(pk=link_id, customer_id=customer_id).values_list("used_at").first()
    if row is None:
        raise NotFound("No such sign-in link.")
    if row[0] is not None:
        raise SignInLinkUsed("This sign-in link was already used.")
    return customer


def sign_in_link_use(*, token: str) -> Customer:
    """Spend the link and answer its customer. Raises NotFound (forged, or for an email
    that changed since), SignInLinkExpired or SignInLinkUsed."""
    link_id, customer_id, digest = _claims(token)
    with transaction.atomic():
        customer = _customer(customer_id, digest)
        spent = SignInLink.objects.filter(pk=link_id, customer_id=customer_id, used_at__isnull=True).update(
            used_at=clock_now()
        )
        if spent != 1:
            if SignInLink.objects.filter(pk=link_id, customer_id=customer_id).exists():
                raise SignInLinkUsed("This sign-in link was already used.")
            raise NotFound("No such sign-in link.")
    return customer
