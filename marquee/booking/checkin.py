"""Ticket codes (what a ticket's QR code holds) and admitting a ticket at the door.

A code is the BookingSeat id, signed by the server: the door needs no list of valid
codes, and a code cannot be guessed or made from another. It is upper-case letters,
digits and one dot (`2F.KX4…`, 35 characters or so), so the QR code uses its compact
alphanumeric mode and stays small (fast to scan from a phone screen), and a code read
aloud or typed from paper needs no care about case.
"""

import base64
import datetime as dt
from typing import Any

from django.core import signing
from django.db import transaction
from django.utils.crypto import salted_hmac

from marquee.audit.services import audit_record
from marquee.booking.models import BookingSeat, BookingStatus
from marquee.core.clock import local
from marquee.core.clock import now as clock_now
from marquee.core.errors import AlreadyCheckedIn, InvalidTicket, WrongShowtime
from marquee.scheduling.models import Showtime

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


def ticket_code(booking_seat_id: int, version: int = 0) -> str:
    """The code of a ticket. `version` is the BookingSeat's `code_version`, raised when staff
    move the ticket (marquee.booking.moves): the code printed before stops working. Version 0
    signs the id alone, as every code did before tickets could move."""
    value = _b36(booking_seat_id) if version == 0 else f"{_b36(booking_seat_id)}{_SEP}{_b36(version)}"
    return _signer().sign(value)


def ticket_code_of(ticket: BookingSeat) -> str:
    """The code of this ticket as it is now: use this wherever a code is shown or printed."""
    return ticket_code(ticket.pk, ticket.code_version)


def ticket_from_code(code: str) -> tuple[int, int]:
    """(BookingSeat id, code version) a code was signed for; InvalidTicket if not signed here."""
    cleaned = (code or "").strip().upper()
    if not cleaned or len(cleaned) > MAX_CODE_LENGTH:
        raise InvalidTicket("This is not a ticket of this cinema.")
    try:
        value = _signer().unsign(cleaned)
        ticket_id, _sep, version = value.partition(_SEP)
        return int(ticket_id, 36), int(version, 36) if version else 0
    except (signing.BadSignature, ValueError):
        raise InvalidTicket("This is not a ticket of this cinema.") from None


def _iso_local(moment: dt.datetime) -> str:
    return local(moment).isoformat()


# The door admits to a showtime from this long before it starts until it ends (`ends_at`:
# the film and the hall's cleaning buffer, so a latecomer is still let in).
OPENS_BEFORE = dt.timedelta(minutes=60)


def door_is_open(showtime: Showtime, at: dt.datetime) -> bool:
    return showtime.starts_at - OPENS_BEFORE <= at <= showtime.ends_at


def showtime_named(showtime: Showtime) -> dict[str, Any]:
    """The showtime a ticket is for, as the door's red screen and the API name it."""
    return {
        "id": showtime.pk,
        "starts_at": _iso_local(showtime.starts_at.replace(microsecond=0)),
        "movie": {"id": showtime.movie_id, "title": showtime.movie.title},
        "hall": {"id": showtime.hall_id, "number": showtime.hall.number, "name": showtime.hall.name},
    }


def _refusal(ticket: BookingSeat, at: dt.datetime, showtime_id: int | None, hall_id: int | None) -> str | None:
    """Why this door should not admit the ticket now, or None when it should."""
    show = ticket.showtime
    if showtime_id is not None and show.pk != showtime_id:
        return "another showtime"
    if hall_id is not None and show.hall_id != hall_id:
        return "another hall"
    if at > show.ends_at:
        return "a showtime that has ended"
    if at < show.starts_at - OPENS_BEFORE:
        return "a later showtime" if local(show.starts_at).date() == local(at).date() else "another day"
    return None


def _ticket(seat_id: int) -> BookingSeat | None:
    return (
        BookingSeat.objects.select_related(
            "booking__customer", "seat", "showtime__movie", "showtime__hall", "ticket_type"
        )
        .filter(pk=seat_id)
        .first()
    )


def _refuse_spent(ticket: BookingSeat) -> None:
    """InvalidTicket for a ticket of a booking that is not paid; AlreadyCheckedIn once admitted."""
    if ticket.booking.status != BookingStatus.PAID or ticket.status != BookingStatus.PAID:
        raise InvalidTicket(f"This ticket's booking is {ticket.booking.status}.", reference=ticket.booking.reference)
    if ticket.checked_in_at is not None:
        raise AlreadyCheckedIn(
            f"This ticket was already admitted at {local(ticket.checked_in_at):%H:%M:%S}.",
            checked_in_at=_iso_local(ticket.checked_in_at),
        )


def ticket_check_in(
    *,
    code: str,
    showtime_id: int | None = None,
    hall_id: int | None = None,
    override: bool = False,
    staff_user: Any = None,
) -> BookingSeat:
    """Admit the ticket once, at a door that admits to `showtime_id` (or to the showtimes of
    `hall_id`, or to any showtime) while that showtime's door is open (door_is_open).

    A forged code, or a ticket of a booking that is not paid (cancelled), raises
    InvalidTicket; a second scan AlreadyCheckedIn (with when); a ticket for another
    showtime, another day or an ended show WrongShowtime naming its showtime. `override`
    admits such a ticket anyway: the ticket records that and who (`staff_user`) did it, and
    so does the audit trail (`booking.checkin_override`), in the same transaction.

    A plain admission leaves no audit record: the ticket itself records when and by whom
    (`checked_in_at`, `checked_in_by`), and a door scans hundreds a night.
    """
    seat_id, version = ticket_from_code(code)
    at = clock_now()
    ticket = _ticket(seat_id)
    if ticket is None:
        raise InvalidTicket("This is not a ticket of this cinema.")
    if ticket.code_version != version:
        # Staff moved this ticket to another seat or showtime: the customer has a new code.
        raise InvalidTicket(
            "This ticket was moved to another seat or showtime; it was replaced by a new ticket.",
            reference=ticket.booking.reference,
        )
    _refuse_spent(ticket)
    refusal = _refusal(ticket, at, showtime_id, hall_id)
    if refusal is not None and not override:
        show = ticket.showtime
        raise WrongShowtime(
            f"This ticket is for {refusal}: {show.movie.title}, {local(show.starts_at):%a %d %b %H:%M}, "
            f"hall {show.hall.number} ({show.hall.name}).",
            showtime=showtime_named(show),
        )
    overridden = refusal is not None
    user = staff_user if getattr(staff_user, "pk", None) is not None else None  # an API key's user or a login
    with transaction.atomic():
        # One conditional statement: two doors scanning the same ticket at the same instant
        # admit it once, whatever the database.
        admitted = BookingSeat.objects.filter(
            pk=seat_id,
            code_version=version,
            status=BookingStatus.PAID,
            booking__status=BookingStatus.PAID,
            checked_in_at__isnull=True,
        ).update(checked_in_at=at, checked_in_by=user, checked_in_override=overridden, updated_at=at)
        if admitted and overridden:
            _audit_override(ticket, user=user, door_showtime_id=showtime_id, hall_id=hall_id, refusal=refusal or "")
    if not admitted:
        # Another door admitted it, or it was cancelled, since it was read.
        ticket = _ticket(seat_id)
        if ticket is not None:
            _refuse_spent(ticket)
        raise InvalidTicket("This is not a ticket of this cinema.")
    ticket.checked_in_at = at
    ticket.checked_in_by = user
    ticket.checked_in_override = overridden
    return ticket


def _audit_override(
    ticket: BookingSeat, *, user: Any, door_showtime_id: int | None, hall_id: int | None, refusal: str
) -> None:
    seat = ticket.seat
    show = ticket.showtime
    # Where it was admitted: the door's showtime (or hall), when the door named one.
    door = {"door_showtime_id": door_showtime_id, "door_hall_id": hall_id}
    audit_record(
        actor=user,
        action="booking.checkin_override",
        target_type="booking",
        target_id=ticket.booking.reference,
        target_label=f"{ticket.booking.reference} · row {seat.row_number}, seat {seat.seat_number}",
        changes={
            "checked_in_override": [False, True],
            "ticket_id": ticket.pk,
            "seat": f"row {seat.row_number}, seat {seat.seat_number}",
            "ticket_showtime_id": show.pk,
            **{k: v for k, v in door.items() if v is not None},
        },
        booking_id=ticket.booking_id,
        showtime_id=show.pk,
        note=f"Admitted anyway: the ticket is for {refusal}.",
    )
