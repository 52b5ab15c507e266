"""Ticket codes (what a ticket's QR code holds) and admitting a ticket at the door.

A code is the BookingSeat id, signed by the server: the door needs no list of valid
codes, and a code cannot be guessed or made from another. It is upper-case letters,
digits and one dot (`2F.KX4…`, 35 characters or so), so the QR code uses its compact
alphanumeric mode and stays small (fast to scan from a phone screen), and a code read
aloud or typed from paper needs no care about case.
"""

import base64
import datetime as dt

from django.core import signing
from django.utils.crypto import salted_hmac

from marquee.booking.models import BookingSeat, BookingStatus
from marquee.core.clock import local
from marquee.core.clock import now as clock_now
from marquee.core.errors import AlreadyCheckedIn, InvalidTicket

_SALT = "marquee.booking.ticket"
_SEP = "."
# Base 36 in upper case keeps the id part short and unambiguous when read aloud.
_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_CODE_LENGTH = 200


class _TicketSigner(signing.Signer):
    """Django's signer (salt, SECRET_KEY and its fallbacks, constant-time checks) with a
    base32 signature of 160 bits instead of base64 of 256: case-free and shorter."""

    def signature(self, value: str | bytes, key: str | bytes | None = None) -> str:
        mac = salted_hmac(f"{_SALT}signer", value, key or self.key, algorithm=self.algorithm).digest()
        return base64.b32encode(mac[:20]).decode()


def _signer() -> signing.Signer:
    return _TicketSigner(salt=_SALT, sep=_SEP)


def _b36(number: int) -> str:
    out = ""
    while True:
        number, digit = divmod(number, 36)
        out = _DIGITS[digit] + out
        if number == 0:
            return out


def ticket_code(booking_seat_id: int) -> str:
    return _signer().sign(_b36(booking_seat_id))


def ticket_id_from_code(code: str) -> int:
    """The BookingSeat id a code was signed for; InvalidTicket if it was not signed here."""
    cleaned = (code or "").strip().upper()
    if not cleaned or len(cleaned) > MAX_CODE_LENGTH:
        raise InvalidTicket("This is not a ticket of this cinema.")
    try:
        return int(_signer().unsign(cleaned), 36)
    except (signing.BadSignature, ValueError):
        raise InvalidTicket("This is not a ticket of this cinema.") from None


def _iso_local(moment: dt.datetime) -> str:
    return local(moment).isoformat()


def ticket_check_in(*, code: str) -> BookingSeat:
    """Admit the ticket once. A second scan raises AlreadyCheckedIn (with when); a forged
    code, or a ticket of a booking that is not paid (cancelled), raises InvalidTicket."""
    seat_id = ticket_id_from_code(code)
    at = clock_now()
    # One conditional statement: two doors scanning the same ticket at the same instant
    # admit it once, whatever the database.
    admitted = BookingSeat.objects.filter(
        pk=seat_id, status=BookingStatus.PAID, booking__status=BookingStatus.PAID, checked_in_at__isnull=True
    ).update(checked_in_at=at, updated_at=at)
    ticket = (
        BookingSeat.objects.select_related("booking__customer", "seat", "showtime__movie", "showtime__hall")
        .filter(pk=seat_id)
        .first()
    )
    if ticket is None:
        raise InvalidTicket("This is not a ticket of this cinema.")
    if admitted:
        return ticket
    if ticket.booking.status != BookingStatus.PAID or ticket.status != BookingStatus.PAID:
        raise InvalidTicket(f"This ticket's booking is {ticket.booking.status}.", reference=ticket.booking.reference)
    assert ticket.checked_in_at is not None
    raise AlreadyCheckedIn(
        f"This ticket was already admitted at {local(ticket.checked_in_at):%H:%M:%S}.",
        checked_in_at=_iso_local(ticket.checked_in_at),
    )
