"""The audit in words: each action's and field's name in the reader's language, and each
change as "field: before → after" with dates and money written as the staff's locale does.

Adding an action: its label here (one line) and its service in
tests/audit/test_every_staff_service_is_audited.py. An action without a label still shows,
by its code.

Records keep codes and plain facts, never translated words: a status is "paid", a seat
{"row": 7, "seat": 11}, a showtime {"movie": …, "hall": 1, "starts_at": "…+00:00"}, a layout row
{"row": 1, "seats": 8, "type": "vip", "price": "150.00"}. They are put in the reader's language
here. The codes' names come from the domain apps' choices, which register them
(`register_values`, in each app's `ready`), as the audit stands below those apps. Records
written before seats and showtimes were facts ("row 7, seat 11", "…, 2026-12-07 17:30 UTC,
hall 1", "1: 8 standard 120.00") are read back into facts, so old entries read the same.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from marquee.core.clock import cinema_tz, local
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
    "tickettype.create": _("Ticket type created"),
    "tickettype.update": _("Ticket type changed"),
    "tickettype.deactivate": _("Ticket type taken off sale"),
    "tickettype.delete": _("Ticket type deleted"),
    "format.create": _("Format added"),
    "format.update": _("Format changed"),
    "format.delete": _("Format deleted"),
    "languageversion.create": _("Language version added"),
    "languageversion.update": _("Language version changed"),
    "languageversion.delete": _("Language version deleted"),
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
    "distributor.create": _("Distributor added"),
    "distributor.update": _("Distributor changed"),
    "distributor.delete": _("Distributor deleted"),
    "rentalterm.set": _("Rental terms set"),
    "settlement.emailed": _("Settlement emailed to the distributor"),
    "promocode.create": _("Promo code created"),
    "promocode.update": _("Promo code changed"),
    "promocode.deactivate": _("Promo code deactivated"),
    "promobatch.created": _("Promo codes generated"),
    "voucher.issue": _("Gift voucher issued"),
    "voucher.extend": _("Gift voucher's expiry extended"),
    "queuedsale.create": _("Queued sale set up"),
    "queuedsale.rate": _("Queue's rate changed"),
    "queuedsale.end": _("Queued sale ended"),
}

FIELD_LABELS: dict[str, Promise] = {
    "status": _("status"),
    "method": _("method"),
    "amount": _("amount"),
    "refund": _("refund"),
    "refunded": _("refunded"),
    "reason": _("reason"),
    "reasons": _("reasons"),
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
    "difference": _("difference"),
    "channel": _("channel"),
    "ticket_id": _("ticket"),
    "seat": _("seat"),
    "ticket_showtime_id": _("ticket's showtime"),
    "door_showtime_id": _("door's showtime"),
    "checked_in_override": _("admitted anyway"),
    "opens_at": _("sales open"),
    "admit_per_minute": _("let through per minute"),
    "ended_at": _("ended at"),
    "name_en": _("name in English"),
    "name_uk": _("name in Ukrainian"),
    "title_en": _("title in English"),
    "title_uk": _("title in Ukrainian"),
    "description_en": _("description in English"),
    "description_uk": _("description in Ukrainian"),
    "duration_min": _("runtime (minutes)"),
    "age_rating": _("age limit"),
    "release_year": _("year"),
    "is_listed": _("listed"),
    "poster": _("poster"),
    "genres": _("genres"),
    "distributor": _("distributor"),
    "email": _("email address"),
    "contact": _("contact person"),
    "vat_rate": _("VAT rate"),
    "language": _("language"),
    "is_active": _("active"),
    "terms": _("rental terms"),
    "week": _("film week"),
    "code": _("code"),
    "value": _("discount"),
    "note": _("note"),
    "valid_from": _("valid from"),
    "valid_until": _("valid until"),
    "movie_ids": _("movies"),
    "format_ids": _("formats"),
    "showtime_ids": _("showtimes"),
    "max_uses": _("uses in total"),
    "max_uses_per_customer": _("uses per customer"),
    "prefix": _("prefix"),
    "quantity": _("number of codes"),
    "door_note_en": _("note for the door in English"),
    "door_note_uk": _("note for the door in Ukrainian"),
    "rule": _("price rule"),
    "multiplier": _("multiplier"),
    "amount_off": _("amount off"),
    "min_price": _("lowest price"),
    "max_age_rating": _("only for films rated at most"),
    "is_default": _("default"),
    "position": _("position"),
    "surcharge": _("surcharge"),
    "format": _("format"),
    "language_version": _("language version"),
    "expires_at": _("expires"),
    "voucher": _("gift voucher"),
    "single_seat_gap": _("single empty seat left"),  # a counter sale's "Sell anyway"
}

# The kinds of thing an entry is about (the first part of an action code).
TARGET_LABELS: dict[str, Promise] = {
    "queuedsale": _("queued sale"),
    "booking": _("booking"),
    "showtime": _("showtime"),
    "hall": _("hall"),
    "seat": _("seat"),
    "tariff": _("tariff"),
    "tickettype": _("ticket type"),
    "format": _("format"),
    "languageversion": _("language version"),
    "movie": _("movie"),
    "genre": _("genre"),
    "mail": _("email"),
    "customer": _("customer"),
    "distributor": _("distributor"),
    "rentalterm": _("rental terms"),
    "settlement": _("settlement"),
    "promocode": _("promo code"),
    "promobatch": _("batch of promo codes"),
    "voucher": _("gift voucher"),
}

# field → {code: name}, filled by the domain apps (`register_values`); the audit's own here.
VALUE_LABELS: dict[str, dict[str, Any]] = {
    # A staff cancel's refund choice (marquee.payments.services.booking_cancel), or an amount.
    "refund": {"full": pgettext_lazy("refund choice", "full"), "none": pgettext_lazy("refund choice", "none")},
    "single_seat_gap": {"sold anyway": _("sold anyway")},
}

MONEY_FIELDS = frozenset(
    {"amount", "refund", "refunded", "base_price", "total", "price", "difference", "amount_off", "min_price"}
)
MONEY_FIELDS = frozenset({"amount", "refund", "refunded", "base_price", "total", "price", "difference", "surcharge"})


def register_values(fields: Iterable[str], choices: Iterable[tuple[Any, Any]]) -> None:
    """Name the codes recorded under `fields` (a model's `TextChoices.choices`): the first
    name registered for a code is kept."""
    for field in fields:
        names = VALUE_LABELS.setdefault(field, {})
        for code, name in choices:
            names.setdefault(str(code), name)


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def target_kind_label(kind: str) -> str:
    label = TARGET_LABELS.get(kind)
    return str(label) if label is not None else kind


# --- facts recorded as structures, and their older text form ---------------------------------

OLD_SEAT = re.compile(r"^[Rr]ow (\d+), seat (\d+)$")
OLD_SEAT_TARGET = re.compile(r"^(?P<hall>.+), Row (?P<row>\d+), seat (?P<seat>\d+)$")
OLD_SHOWTIME = re.compile(r"^(?P<movie>.+), (?P<at>\d{4}-\d\d-\d\d \d\d:\d\d)(?P<utc> UTC)?, hall (?P<hall>\d+)$")
# A showtime's label (`str(showtime)`): its start in the cinema's time zone.
SHOWTIME_LABEL = re.compile(r"^(?P<movie>.+) · (?P<hall>.+) · (?P<at>\d{4}-\d\d-\d\d \d\d:\d\d)$")
OLD_LAYOUT_ROW = re.compile(r"^(\d+): (\d+) (\w+) (\d+(?:\.\d+)?)$")


def seat_fact(row: int, seat: int) -> dict[str, int]:
    return {"row": row, "seat": seat}


def _as_seat(value: Any) -> dict[str, int] | None:
    if isinstance(value, dict) and set(value) == {"row", "seat"}:
        return value
    if isinstance(value, str) and (m := OLD_SEAT.match(value)):
        return seat_fact(int(m[1]), int(m[2]))
    return None


def _is_seat_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(_as_seat(v) is not None for v in value)


def _is_layout(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(r, dict) and "seats" in r for r in value)


# Fields whose value is a list of facts, never a before and after.
LIST_FIELDS = frozenset({"reasons"})


def _is_change(field: str, value: Any) -> bool:
    """A list of two is [before, after], unless it is one fact: two seats, a two-row layout,
    two reasons."""
    return (
        isinstance(value, list)
        and len(value) == 2
        and field not in LIST_FIELDS
        and not _is_seat_list(value)
        and not _is_layout(value)
    )


def seat_text(row: int, seat: int) -> str:
    return gettext("row %(row)s, seat %(seat)s") % {"row": row, "seat": seat}


def _moment_text(moment: dt.datetime) -> str:
    return formats.date_format(local(moment), "DATETIME_FORMAT")


def _showtime_text(value: Mapping[str, Any]) -> str:
    at = value.get("starts_at")
    when = _moment_text(dt.datetime.fromisoformat(at)) if isinstance(at, str) else "—"
    return gettext("%(movie)s, %(when)s, hall %(hall)s") % {
        "movie": value.get("movie", ""),
        "when": when,
        "hall": value.get("hall", ""),
    }


def _old_showtime_text(m: re.Match[str]) -> str:
    moment = dt.datetime.fromisoformat(m["at"]).replace(tzinfo=dt.UTC if m["utc"] else cinema_tz())
    return _showtime_text({"movie": m["movie"], "hall": m["hall"], "starts_at": moment.isoformat()})


def _layout_row_text(row: Any, seats: Any, kind: Any, price: Any) -> str:
    return gettext("row %(row)s: %(seats)s × %(type)s, %(price)s") % {
        "row": row,
        "seats": seats,
        "type": value_text("seat_type", kind),
        "price": value_text("base_price", price),
    }


def _layout_text(value: Any) -> str | None:
    if _is_layout(value):
        return "; ".join(_layout_row_text(r["row"], r.get("seats"), r.get("type"), r.get("price")) for r in value)
    if isinstance(value, str):
        rows = [OLD_LAYOUT_ROW.match(part.strip()) for part in value.split(";")]
        if rows and all(rows):
            return "; ".join(_layout_row_text(*m.groups()) for m in rows if m)
    return None


def _in_a_line(name: str) -> str:
    """A choice's name within "field: value": "Paid" as "paid", "VIP" as it is."""
    return name if name[1:2].isupper() else name[:1].lower() + name[1:]


def target_text(label: str) -> str:
    """An entry's stored label with its showtime's start ("Film · Hall 1 · 2026-12-07 19:30",
    or an older record's "Film, 2026-12-07 17:30 UTC, hall 1") or its seat in the reader's
    language; any other label as it is."""
    if m := OLD_SHOWTIME.match(label):
        return _old_showtime_text(m)
    if m := SHOWTIME_LABEL.match(label):
        starts = dt.datetime.fromisoformat(m["at"]).replace(tzinfo=cinema_tz())
        return f"{m['movie']} · {m['hall']} · {_moment_text(starts)}"
    if m := OLD_SEAT_TARGET.match(label):
        return f"{m['hall']}, {seat_text(int(m['row']), int(m['seat']))}"
    return label


def field_label(field: str) -> str:
    label = FIELD_LABELS.get(field)
    return str(label) if label is not None else field.replace("_", " ")


def value_text(field: str, value: Any) -> str:
    """One recorded value as the reader writes it; "—" for nothing."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if field == "layout" and (layout := _layout_text(value)) is not None:
        return layout
    if (seat := _as_seat(value)) is not None:
        return seat_text(seat["row"], seat["seat"])
    if isinstance(value, dict) and "starts_at" in value:
        return _showtime_text(value)
    if isinstance(value, list):
        return (
            "; ".join(value_text(field, v) for v in value)
            if _is_seat_list(value)
            else ", ".join(value_text(field, v) for v in value)
        )
    text = str(value)
    if (name := VALUE_LABELS.get(field, {}).get(text)) is not None:
        return _in_a_line(str(name))
    if field == "showtime" and (m := OLD_SHOWTIME.match(text)):
        return _old_showtime_text(m)
    if (seats := [OLD_SEAT.match(part) for part in text.split("; ")]) and all(seats):
        return "; ".join(seat_text(int(m[1]), int(m[2])) for m in seats if m)
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
        if _is_change(field, value):
            lines.append(ChangeLine(label, value_text(field, value[0]), value_text(field, value[1]), True))
        else:
            lines.append(ChangeLine(label, "", value_text(field, value), False))
    return lines
