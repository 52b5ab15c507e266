"""The audit in words: each action's and field's name in the reader's language, and each
change as "field: before → after" with dates and money written as the staff's locale does.

Adding an action: its label here (one line) and its service in
tests/audit/test_every_staff_service_is_audited.py. An action without a label still shows,
by its code.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from marquee.core.clock import local
from marquee.core.money import money_text

ACTION_LABELS: dict[str, Promise] = {
    "showtime.schedule": _("Showtime scheduled"),
    "showtime.update": _("Showtime changed"),
    "showtime.move": _("Showtime moved"),
    "showtime.cancel": _("Showtime cancelled"),
    "showtime.delete": _("Showtime deleted"),
    "showtime.block_seats": _("Seats kept back"),
    "showtime.release_seats": _("Kept seats released"),
    "hall.create": _("Hall created"),
    "hall.update": _("Hall renamed"),
    "hall.layout": _("Hall layout changed"),
    "hall.delete": _("Hall deleted"),
    "seat.update": _("Seat changed"),
    "seat.add": _("Seat added"),
    "seat.remove": _("Seat removed"),
    "tariff.create": _("Tariff created"),
    "tariff.update": _("Tariff changed"),
    "tariff.delete": _("Tariff deleted"),
    "movie.create": _("Movie added"),
    "movie.update": _("Movie changed"),
    "movie.delete": _("Movie deleted"),
    "genre.create": _("Genre added"),
    "genre.update": _("Genre changed"),
    "genre.delete": _("Genre deleted"),
    "booking.sell": _("Sold at the counter"),
    "booking.comp": _("Complimentary tickets"),
    "booking.mark_paid": _("Paid at the box office"),
    "booking.cancel": _("Booking cancelled by staff"),
    "booking.refund": _("Refund"),
    "booking.resend": _("Tickets resent"),
    "booking.move": _("Booking moved"),
    "booking.checkin_override": _("Admitted despite a warning"),
    "mail.resend": _("Email resent"),
    "customer.erase": _("Customer erased"),
}

FIELD_LABELS: dict[str, Promise] = {
    "status": _("status"),
    "method": _("method"),
    "amount": _("amount"),
    "refund": _("refund"),
    "refunded": _("refunded"),
    "reason": _("reason"),
    "provider": _("provider"),
    "movie": _("movie"),
    "hall": _("hall"),
    "starts_at": _("starts"),
    "ends_at": _("ends"),
    "series": _("showtimes in the series"),
    "bookings_cancelled": _("bookings cancelled"),
    "number": _("number"),
    "name": _("name"),
    "capacity": _("capacity"),
    "layout": _("layout"),
    "seats_added": _("seats added"),
    "seats_removed": _("seats removed"),
    "seats_changed": _("seats changed"),
    "seat_type": _("seat type"),
    "base_price": _("base price"),
    "start_time": _("from"),
    "end_time": _("until"),
    "price_multiplier": _("multiplier"),
    "days_mask": _("days"),
    "mail": _("email"),
    "kind": _("kind"),
    "copy": _("copy"),
    "bookings": _("bookings"),
    "seats": _("seats"),
    "showtime": _("showtime"),
    "total": _("total"),
}

MONEY_FIELDS = frozenset({"amount", "refunded", "base_price", "total", "price", "difference"})


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def field_label(field: str) -> str:
    label = FIELD_LABELS.get(field)
    return str(label) if label is not None else field.replace("_", " ")


def value_text(field: str, value: Any) -> str:
    """One recorded value as the reader writes it; "—" for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(value_text(field, v) for v in value)
    text = str(value)
    if field in MONEY_FIELDS:
        try:
            return money_text(Decimal(text))
        except InvalidOperation:
            return text
    if len(text) >= 19 and text[4:5] == "-" and text[10:11] == "T":
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return text
        if moment.tzinfo is not None:
            return formats.date_format(local(moment), "DATETIME_FORMAT")
    return text


@dataclass(frozen=True)
class ChangeLine:
    field: str
    before: str  # for a fact (not an edit), empty
    after: str  # the fact's value, or the value after the change
    is_change: bool

    def __str__(self) -> str:
        if self.is_change:
            return f"{self.field}: {self.before} → {self.after}"
        return f"{self.field}: {self.after}"


def change_lines(changes: dict[str, Any]) -> list[ChangeLine]:
    """{"field": [before, after]} as "field: before → after"; any other value as "field: value"."""
    lines = []
    for field, value in changes.items():
        label = field_label(field)
        if isinstance(value, list) and len(value) == 2:
            lines.append(ChangeLine(label, value_text(field, value[0]), value_text(field, value[1]), True))
        else:
            lines.append(ChangeLine(label, "", value_text(field, value), False))
    return lines
