"""The hold on PostgreSQL: one call of the database function `marquee_booking_hold`
(migrations booking 0011 and 0012), which takes the locks, expires lapsed holds on the seats, checks
them free, refreshes the customer, counts the limits and inserts the booking and its seats,
all in the server; asked, it also answers the occupancy of the rows it touched, read after its
insert, for the single-seat rule. With Django's BEGIN and COMMIT a hold is three round trips.

The function answers one row: a status and what goes with it. booking/services.py turns it
into the same exceptions as the steps it replaced.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection

from marquee.booking.hold_pricing import PricedSeats, ShowtimeCopy

# Every argument cast to the function's own type: an array of NULLs has no type of its own.
_CALL = """SELECT * FROM marquee_booking_hold(
    %s::bigint, %s::bigint[], %s::timestamptz, %s::bigint, %s::bigint, %s::text, %s::bigint, %s::timestamptz,
    %s::numeric, %s::integer, %s::timestamptz[], %s::numeric[], %s::integer[], %s::integer[], %s::text[], %s::text,
    %s::text, %s::text, %s::text, %s::boolean, %s::integer, %s::integer, %s::inet, %s::boolean, %s::text[], %s::text,
    %s::numeric, %s::timestamptz, %s::text, %s::text, %s::text, %s::text, %s::numeric[], %s::bigint, %s::text,
    %s::bigint[], %s::text[], %s::text[], %s::boolean)"""


@dataclass(frozen=True)
class RowOccupancy:
    """The rows a hold touched, after its insert: every seat (id → row, column), and those
    held, sold or kept back (the hold's own seats among them)."""

    places: dict[int, tuple[int, int]]
    taken: set[int]


@dataclass(frozen=True)
class HoldAnswer:
    status: str  # ok, no_showtime, cancelled, started, stale, not_in_hall, taken, limit_email, limit_client, types
    seat_ids: list[int]  # not in the hall, or taken (ok: the lapsed bookings it expired)
    held: int  # the pending seats counted when a limit is passed
    booking_id: int
    reference: str
    booking_seat_ids: list[int]  # in seat id order
    customer: tuple  # id, created_at, email, phone, consent, consent_at, withdrawn_at, erased_at
    rows: RowOccupancy | None  # "ok" with row_occupancy asked for; else None


@dataclass(frozen=True)
class HoldRequest:
    showtime_id: int
    wanted: list[int]  # sorted, distinct
    at: dt.datetime
    sales_lock: int
    client_lock: int | None
    fingerprint: str
    copy: ShowtimeCopy
    email: str
    first_name: str
    last_name: str
    phone: str
    consent: bool
    per_email: int
    per_client: int
    client_ip: str
    types_ok: bool
    references: Sequence[str]
    token_hash: str
    expires_at: dt.datetime
    recipient_name: str
    recipient_email: str
    gift_message: str
    language: str
    priced: PricedSeats | None  # None when a ticket type was refused (types_ok is False)
    row_occupancy: bool  # answer the occupancy of the asked seats' rows (the single-seat rule)


def hold_call(request: HoldRequest) -> HoldAnswer:
    copy = request.copy
    show = copy.showtime
    facts = [copy.seats.get(pk) for pk in request.wanted]
    priced = request.priced
    lines = priced.lines if priced is not None else []
    tariff = priced.tariff if priced is not None else None
    params: list[Any] = [
        request.showtime_id,
        request.wanted,
        request.at,
        request.sales_lock,
        request.client_lock,
        request.fingerprint,
        show.hall_id,
        show.starts_at,
        show.surcharge,
        show.movie.age_rating,
        copy.versions,
        [f[3] if f else None for f in facts],
        [f[0] if f else None for f in facts],
        [f[1] if f else None for f in facts],
        [f[2] if f else None for f in facts],
        request.email,
        request.first_name,
        request.last_name,
        request.phone,
        request.consent,
        request.per_email,
        request.per_client,
        request.client_ip or None,
        request.types_ok,
        list(request.references),
        request.token_hash,
        priced.total if priced is not None else Decimal("0.00"),
        request.expires_at,
        request.recipient_name,
        request.recipient_email,
        request.gift_message,
        request.language,
        [price for _seat, _kind, price in lines],
        tariff.pk if tariff is not None else None,
        tariff.name_in_default_language if tariff is not None else "",
        [kind.pk if kind is not None else None for _seat, kind, _price in lines],
        [kind.code if kind is not None else "" for _seat, kind, _price in lines],
        [kind.name_in_default_language if kind is not None else "" for _seat, kind, _price in lines],
        request.row_occupancy,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_CALL, params)
        row = cursor.fetchone()
    status, seat_ids, held, booking_id, reference, booking_seat_ids = row[:6]
    customer = row[6:14]
    row_seats, row_numbers, row_columns, row_taken = row[14:18]
    rows = None
    if row_seats is not None:
        places = {pk: (r, c) for pk, r, c in zip(row_seats, row_numbers, row_columns, strict=True)}
        rows = RowOccupancy(places=places, taken=set(row_taken or []))
    return HoldAnswer(
        status=status,
        seat_ids=list(seat_ids or []),
        held=held or 0,
        booking_id=booking_id or 0,
        reference=reference or "",
        booking_seat_ids=list(booking_seat_ids or []),
        customer=tuple(customer),
        rows=rows,
    )
