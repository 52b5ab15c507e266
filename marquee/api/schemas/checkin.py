"""The shapes of the door's check-in (marquee.api.checkin)."""

import datetime as dt
from typing import Any

from django.conf import settings
from ninja import Schema
from pydantic import Field

from marquee.api.schemas.common import ErrorOut, StrictIn, hall_brief, local_moment, money, movie_brief
from marquee.booking.models import BookingSeat


class CheckInIn(StrictIn):
    code: str = Field(max_length=1000, description="The text of the ticket's QR code.")
    showtime_id: int | None = Field(
        None,
        description="The showtime this door admits to. Without it, any showtime whose door is open "
        "(from 60 minutes before its start until its end).",
    )
    override: bool = Field(
        False,
        description="Admit a ticket refused as wrong_showtime anyway; the ticket records the override and who made it.",
    )


class CheckInSeatOut(Schema):
    id: int = Field(description="The seat's id in the hall (as in the seat map).")
    ticket_id: int = Field(description="The admission (booked seat) the code was signed for.")
    row: int
    number: int
    type: str
    price: str
    tariff: str
    ticket_type: str = Field(description='Who the ticket is for ("Student"), in the request\'s language; "" for none.')
    door_note: str = Field(description='What to check for that type ("Show student ID"); may be empty.')


class CheckInShowtimeOut(Schema):
    id: int
    starts_at: dt.datetime
    movie: dict[str, Any]
    hall: dict[str, Any]


class CheckInBookingOut(Schema):
    reference: str
    name: str


class CheckInOut(Schema):
    admitted: bool
    override: bool = Field(description="True when admitted anyway although it was for another showtime.")
    checked_in_at: dt.datetime
    seat: CheckInSeatOut
    showtime: CheckInShowtimeOut
    booking: CheckInBookingOut
    currency: str


class CheckInErrorOut(ErrorOut):
    checked_in_at: dt.datetime | None = Field(None, description="Only for already_checked_in: when it was admitted.")
    showtime: dict[str, Any] | None = Field(
        None,
        description='Only for wrong_showtime: the showtime the ticket is for, {"id", "starts_at", "movie", "hall"}.',
    )


def check_in_out(ticket: BookingSeat) -> dict[str, Any]:
    showtime = ticket.showtime
    assert ticket.checked_in_at is not None
    return {
        "admitted": True,
        "override": ticket.checked_in_override,
        "checked_in_at": local_moment(ticket.checked_in_at),
        "seat": {
            "id": ticket.seat_id,
            "ticket_id": ticket.pk,
            "row": ticket.seat.row_number,
            "number": ticket.seat.seat_number,
            "type": ticket.seat.seat_type,
            "price": money(ticket.final_price),
            "tariff": ticket.tariff_name,
            "ticket_type": ticket.ticket_type_label,
            "door_note": ticket.door_note,
        },
        "showtime": {
            "id": showtime.pk,
            "starts_at": local_moment(showtime.starts_at),
            "movie": movie_brief(showtime.movie),
            "hall": hall_brief(showtime.hall),
        },
        "booking": {"reference": ticket.booking.reference, "name": ticket.booking.ticket_name},
        "currency": settings.CURRENCY,
    }
