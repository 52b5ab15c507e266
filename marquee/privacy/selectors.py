"""Everything Marquee holds about one customer (their data export), and whether an address
was erased. Pure reads."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q
from django.db.models.functions import Lower

from marquee.booking.models import Booking, BookingSeat, Customer
from marquee.core.clock import local
from marquee.core.clock import now as clock_now
from marquee.core.rows import row_or_not_found
from marquee.marketing.models import Recommendation
from marquee.notifications.models import OutgoingMail
from marquee.privacy.models import CustomerErasure, ErasureRequest
from marquee.privacy.services import email_hmac
from marquee.vouchers.models import Voucher
from marquee.waitlist.models import WaitlistEntry


@dataclass(frozen=True)
class CheckIn:
    booking: Booking
    ticket: BookingSeat


@dataclass(frozen=True)
class CustomerData:
    customer: Customer
    bookings: list[Booking]  # with showtime (movie, hall) and seats (seat), latest first
    mails: Sequence[OutgoingMail]  # to their address or about them, latest first
    recommendations: list[Recommendation]  # with movie and campaign, latest first
    vouchers: Sequence[Voucher]  # gift vouchers they bought or were given, latest first
    waitlist: Sequence[WaitlistEntry]  # waiting lists they joined (with showtime, movie), latest first
    erasure_request: ErasureRequest | None  # they asked to be forgotten (not done yet)
    generated_at: dt.datetime

    @property
    def check_ins(self) -> list[CheckIn]:
        found = [CheckIn(b, t) for b in self.bookings for t in b.seats.all() if t.checked_in_at is not None]
        return sorted(found, key=lambda c: c.ticket.checked_in_at or self.generated_at, reverse=True)


def customer_data(*, customer_id: int) -> CustomerData:
    """One customer's record, bookings, mail, recommendations, vouchers, waiting lists and
    request to be forgotten. Nine queries.

    An erased customer has nothing left to export: NotFound, as for one that never was."""
    customer = row_or_not_found(Customer, "No such customer.", pk=customer_id, erased_at__isnull=True)
    bookings = list(
        Booking.objects.filter(customer=customer)
        .select_related("showtime__movie", "showtime__hall")
        .prefetch_related(Prefetch("seats", BookingSeat.objects.select_related("seat")))
        .order_by("-booked_at", "-pk")
    )
    mails = list(
        OutgoingMail.objects.alias(to_lower=Lower("to_email"))
        .filter(Q(to_lower=customer.email.lower()) | Q(customer=customer))
        .select_related("booking")
        .order_by("-created_at", "-pk")
    )
    recommendations = list(
        Recommendation.objects.filter(customer=customer).select_related("movie").order_by("-sent_at", "-pk")
    )
    address = customer.email.lower()
    vouchers = list(
        Voucher.objects.alias(buyer_lower=Lower("buyer_email"), recipient_lower=Lower("recipient_email"))
        .filter(Q(buyer_lower=address) | Q(recipient_lower=address))
        .order_by("-created_at", "-pk")
    )
    waitlist = list(
        WaitlistEntry.objects.alias(email_lower=Lower("email"))
        .filter(email_lower=address)
        .select_related("showtime__movie", "showtime__hall")
        .order_by("-joined_at", "-pk")
    )
    return CustomerData(
        customer=customer,
        bookings=bookings,
        mails=mails,
        recommendations=recommendations,
        vouchers=vouchers,
        waitlist=waitlist,
        erasure_request=ErasureRequest.objects.filter(customer=customer).first(),
        generated_at=clock_now(),
    )


def _at(moment: dt.datetime | None) -> str | None:
    return local(moment).isoformat() if moment is not None else None


def export_document(data: CustomerData) -> dict[str, Any]:
    """The export as JSON-ready data: the same facts as the readable page, in the API's
    conventions (times with offset in the cinema's zone, money as strings)."""
    c = data.customer
    return {
        "generated_at": _at(data.generated_at),
        "cinema": settings.CINEMA_NAME,
        "customer": {
            "id": c.pk,
            "first_name": c.first_name,
            "last_name": c.last_name,
            "email": c.email,
            "phone": c.phone,
            "created_at": _at(c.created_at),
            "updated_at": _at(c.updated_at),
        },
        "marketing_consent": {
            "agreed": c.marketing_consent,
            "given_at": _at(c.marketing_consent_at),
            "withdrawn_at": _at(c.marketing_withdrawn_at),
        },
        "bookings": [
            {
                "reference": b.reference,
                "status": b.status,
                "cancel_reason": b.cancel_reason or None,
                "booked_at": _at(b.booked_at),
                "paid_at": _at(b.paid_at),
                "cancelled_at": _at(b.cancelled_at),
                "payment_method": b.payment_method or None,
                "total_price": f"{b.total_price:.2f}",
                "currency": settings.CURRENCY,
                "showtime": {
                    "id": b.showtime_id,
                    "starts_at": _at(b.showtime.starts_at),
                    "movie": b.showtime.movie.title,
                    "hall": {"number": b.showtime.hall.number, "name": b.showtime.hall.name},
                },
                "seats": [
                    {
                        "row": t.seat.row_number,
                        "number": t.seat.seat_number,
                        "type": t.seat.seat_type,
                        "tariff": t.tariff_name or None,
                        "price": f"{t.final_price:.2f}",
                        "checked_in_at": _at(t.checked_in_at),
                    }
                    for t in b.seats.all()
                ],
                "recipient": {"name": b.recipient_name, "email": b.recipient_email} if b.recipient_email else None,
                "gift_message": b.gift_message,
            }
            for b in data.bookings
        ],
        "emails": [
            {
                "kind": m.kind,
                "to": m.to_email,
                "subject": m.subject,
                "status": m.status,
                "booking": m.booking.reference if m.booking is not None else None,
                "queued_at": _at(m.created_at),
                "sent_at": _at(m.sent_at),
            }
            for m in data.mails
        ],
        "check_ins": [
            {
                "booking": ci.booking.reference,
                "row": ci.ticket.seat.row_number,
                "number": ci.ticket.seat.seat_number,
                "checked_in_at": _at(ci.ticket.checked_in_at),
            }
            for ci in data.check_ins
        ],
        "campaigns": [
            {"campaign_id": r.campaign_id, "movie": r.movie.title, "sent_at": _at(r.sent_at)}
            for r in data.recommendations
        ],
        # A voucher's code is money to whoever holds it: its last four characters name it here.
        "gift_vouchers": [
            {
                "code_ends": v.code[-4:],
                "bought_by_you": v.buyer_email.lower() == c.email.lower(),
                "for_you": v.recipient_email.lower() == c.email.lower(),
                "buyer": {"name": v.buyer_name, "email": v.buyer_email} if v.buyer_email else None,
                "recipient": {"name": v.recipient_name, "email": v.recipient_email} if v.recipient_email else None,
                "message": v.message,
                "amount": f"{v.amount:.2f}",
                "balance": f"{v.balance:.2f}",
                "currency": v.currency,
                "status": v.status,
                "expires_at": _at(v.expires_at),
                "created_at": _at(v.created_at),
            }
            for v in data.vouchers
        ],
        "waiting_lists": [
            {
                "showtime": {
                    "id": w.showtime_id,
                    "starts_at": _at(w.showtime.starts_at),
                    "movie": w.showtime.movie.title,
                    "hall": {"number": w.showtime.hall.number, "name": w.showtime.hall.name},
                },
                "first_name": w.first_name,
                "last_name": w.last_name,
                "email": w.email,
                "seats": w.seats,
                "status": w.status,
                "joined_at": _at(w.joined_at),
                "offered_at": _at(w.offered_at),
                "offer_expires_at": _at(w.offer_expires_at),
                "closed_at": _at(w.closed_at),
            }
            for w in data.waitlist
        ],
        "asked_to_be_forgotten_at": _at(data.erasure_request.requested_at) if data.erasure_request else None,
    }


def erasure_for_email(email: str) -> CustomerErasure | None:
    """The erasure of a customer who had this address, if any (under SECRET_KEY or one of
    its fallbacks, so that rotating the key does not forget whom the cinema erased)."""
    if "@" not in email:
        return None
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    hashes = [email_hmac(email, secret=key) for key in keys]
    return CustomerErasure.objects.filter(email_hmac__in=hashes).order_by("-erased_at").first()


def erasure_requests_open() -> list[ErasureRequest]:
    """Customers who asked to be forgotten and are not erased yet, oldest request first."""
    return list(
        ErasureRequest.objects.filter(customer__erased_at__isnull=True)
        .select_related("customer")
        .order_by("requested_at")
    )


def erasure_request_for(*, customer_id: int) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(customer_id=customer_id).first()
