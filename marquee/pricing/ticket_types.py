"""Ticket types: which are on sale for a film, the type of each seat of a hold, and the staff's
changes to them (audited).

Two rules hold at every moment: exactly one type is the default (the database's partial unique
constraint says "at most one"; the services below never leave none), and the default is on sale
(a CHECK). The price rule itself is `marquee.pricing.prices.seat_price`, which has no database.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from marquee.audit.services import Actor, audit_record, changes_between, snapshot
from marquee.catalog.models import AgeRating
from marquee.core.errors import InvalidState, ValidationFailed
from marquee.core.locks import lock_named
from marquee.core.rows import row_or_not_found
from marquee.pricing.models import PriceRule, TicketType
from marquee.pricing.prices import TariffLike, seat_price

if TYPE_CHECKING:
    from marquee.scheduling.models import Showtime

# What a type's code may be: the staff services hold new codes to it, and a hold asks the
# database only for codes that fit it.
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}\Z")

# --- reading ----------------------------------------------------------------------------------


def ticket_type_allowed(ticket_type: TicketType, age_rating: int) -> bool:
    """Whether `ticket_type` is sold for a film rated `age_rating` (no child tickets for 18+)."""
    return ticket_type.max_age_rating is None or age_rating <= ticket_type.max_age_rating


def ticket_types_on_sale(*, age_rating: int | None = None) -> list[TicketType]:
    """The types on sale, default first then by position; only those sold for a film rated
    `age_rating` when given. One query."""
    types = TicketType.objects.filter(is_active=True).order_by("-is_default", "position", "code")
    if age_rating is not None:
        types = types.filter(Q(max_age_rating__isnull=True) | Q(max_age_rating__gte=age_rating))
    return list(types)


@dataclass(frozen=True)
class TicketTypeOffer:
    """A type on sale for a showtime, with its price per seat type (where those seats all cost the same)."""

    ticket_type: TicketType
    prices: dict[str, Decimal]


def uniform_base_prices(seats: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Seat type → base price, for the types whose (seat type, base price) pairs all agree."""
    found: dict[str, set[Decimal]] = {}
    for seat_type, base in seats:
        found.setdefault(seat_type, set()).add(base)
    return {kind: next(iter(bases)) for kind, bases in sorted(found.items()) if len(bases) == 1}


def ticket_type_offers(
    *, types: Iterable[TicketType], bases: Mapping[str, Decimal], tariff: TariffLike | None, surcharge: Decimal
) -> list[TicketTypeOffer]:
    """The price of each type for each seat type, by the one rule (no database)."""
    return [
        TicketTypeOffer(t, {kind: seat_price(base, tariff, t, surcharge) for kind, base in bases.items()})
        for t in types
    ]


def ticket_types_for_showtime(
    showtime: "Showtime", *, tariff: TariffLike | None, bases: Mapping[str, Decimal]
) -> list[TicketTypeOffer]:
    """The types sold for the showtime's film, each priced per seat type (`bases`: seat type →
    base price). One query (two when the showtime's format is not loaded)."""
    types = ticket_types_on_sale(age_rating=showtime.movie.age_rating)
    return ticket_type_offers(types=types, bases=bases, tariff=tariff, surcharge=showtime.surcharge)


def ticket_type_refusal(ticket_type: TicketType, age_rating: int) -> str:
    return _("%(type)s tickets are not sold for films rated %(rating)s+.") % {
        "type": ticket_type.name,
        "rating": age_rating,
    }


def ticket_types_for_seats(
    *, seat_ids: Sequence[int], chosen: Mapping[int, str] | None, age_rating: int
) -> dict[int, TicketType | None]:
    """The type of each seat: the one `chosen` names (seat id → code), else the default. One query.

    The migration makes the default and the services always keep one; should the row be gone all
    the same (deleted in the database, or a test database flushed), an unnamed seat is sold
    untyped at the tariff's price rather than refused.

    ValidationFailed with `fields={"ticket_types": [reasons]}` for an unknown or inactive code,
    a seat id not among `seat_ids`, or a type not sold for a film rated `age_rating`."""
    codes = {str(code) for code in (chosen or {}).values()}
    # Only what could be a code reaches the database (PostgreSQL refuses NUL in a string).
    types = TicketType.objects.filter(
        Q(is_default=True) | Q(code__in=[c for c in codes if _CODE.match(c)], is_active=True)
    )
    return ticket_types_choose(types=types, seat_ids=seat_ids, chosen=chosen, age_rating=age_rating)


def ticket_types_choose(
    *, types: Iterable[TicketType], seat_ids: Sequence[int], chosen: Mapping[int, str] | None, age_rating: int
) -> dict[int, TicketType | None]:
    """`ticket_types_for_seats` from `types` already read (every type, or at least the default and
    the active ones `chosen` names): no database. A hold prices from a copy of every type."""
    chosen = dict(chosen or {})
    problems: list[str] = []
    strangers = sorted(set(chosen) - set(seat_ids), key=str)
    if strangers:
        problems.append(
            _("Not seats of this booking: %(ids)s.") % {"ids": ", ".join(str(s) for s in strangers)},
        )
    codes = {str(code) for code in chosen.values()}
    by_code = {t.code: t for t in types if t.is_default or (t.is_active and t.code in codes)}
    default = next((t for t in by_code.values() if t.is_default), None)
    unknown = sorted(codes - set(by_code))
    if unknown:
        shown = ", ".join(repr(c)[1:-1][:40] for c in unknown[:5])  # as typed, control characters escaped
        problems.append(_("No ticket type on sale is called %(codes)s.") % {"codes": shown})
    refused = sorted(
        {by_code[c].code for c in codes if c in by_code and not ticket_type_allowed(by_code[c], age_rating)}
    )
    problems.extend(ticket_type_refusal(by_code[c], age_rating) for c in refused)
    if problems:
        raise ValidationFailed(_("A ticket type cannot be sold."), fields={"ticket_types": problems})
    return {pk: by_code[chosen[pk]] if pk in chosen else default for pk in seat_ids}


# --- staff changes ----------------------------------------------------------------------------

AUDITED_FIELDS = (
    "code",
    "name_en",
    "name_uk",
    "door_note_en",
    "door_note_uk",
    "rule",
    "multiplier",
    "amount_off",
    "min_price",
    "max_age_rating",
    "is_default",
    "is_active",
    "position",
)
EDITABLE = frozenset(AUDITED_FIELDS)
_MONEY_LIMIT = Decimal("999999.99")


@dataclass(frozen=True)
class _Problems:
    fields: dict[str, list[str]]

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)


def _validate(ticket_type: TicketType) -> None:
    problems = _Problems({})
    if not _CODE.match(ticket_type.code or ""):
        problems.add("code", "A code is 1 to 32 lowercase letters, digits, - or _, e.g. child.")
    if not (ticket_type.name_en.strip() or ticket_type.name_uk.strip()):
        problems.add("name", "A ticket type needs a name.")
    for field, limit in (("name_en", 60), ("name_uk", 60), ("door_note_en", 200), ("door_note_uk", 200)):
        if len(getattr(ticket_type, field)) > limit:
            problems.add(field, f"At most {limit} characters.")
    if ticket_type.rule not in PriceRule.values:
        problems.add("rule", "The rule is multiplier or amount_off.")
    if not Decimal(0) < ticket_type.multiplier <= Decimal(1):
        problems.add("multiplier", "The multiplier is above 0 and at most 1 (a type reduces a price).")
    if ticket_type.multiplier.as_tuple().exponent < -3:  # type: ignore[operator]
        problems.add("multiplier", "At most three decimal places.")
    for field in ("amount_off", "min_price"):
        value = getattr(ticket_type, field)
        if not Decimal(0) <= value <= _MONEY_LIMIT or value.as_tuple().exponent < -2:
            problems.add(field, "An amount from 0.00 up, with at most two decimal places.")
    if ticket_type.max_age_rating is not None and ticket_type.max_age_rating not in AgeRating.values:
        problems.add("max_age_rating", "One of the age ratings: 0, 6, 12, 16 or 18 (or none: every film).")
    if ticket_type.is_default and not ticket_type.is_active:
        problems.add("is_active", "The default type is always on sale: make another type the default first.")
    if ticket_type.is_default and ticket_type.max_age_rating is not None:
        problems.add("max_age_rating", "The default type is sold for every film.")
    if not 0 <= ticket_type.position <= 32767:
        problems.add("position", "A position from 0 to 32767.")
    if problems.fields:
        raise ValidationFailed("The ticket type is not valid.", fields=problems.fields)


def _audit(ticket_type: TicketType, action: str, changes: Mapping[str, object], staff_user: Actor) -> None:
    audit_record(
        actor=staff_user,
        action=action,
        target_type="tickettype",
        target_id=ticket_type.pk,
        target_label=ticket_type.name_in_default_language,
        changes=changes,
    )


def _save(ticket_type: TicketType, *, was_default: bool) -> None:
    """Save, keeping exactly one default: a new default takes the mark from the old one."""
    if TicketType.objects.filter(code=ticket_type.code).exclude(pk=ticket_type.pk).exists():
        raise ValidationFailed("The ticket type is not valid.", fields={"code": ["Another ticket type has this code."]})
    if was_default and not ticket_type.is_default:
        raise ValidationFailed(
            "The ticket type is not valid.",
            fields={"is_default": ["There is always one default: make another type the default instead."]},
        )
    if ticket_type.is_default and not was_default:
        TicketType.objects.filter(is_default=True).exclude(pk=ticket_type.pk).update(is_default=False)
    ticket_type.save()


def _fields(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - EDITABLE
    if unknown:
        raise ValidationFailed(
            "The ticket type is not valid.", fields={f: ["Not a field of a ticket type."] for f in sorted(unknown)}
        )
    cleaned = dict(values)
    for text in ("code", "name_en", "name_uk", "door_note_en", "door_note_uk"):
        if text in cleaned:
            cleaned[text] = (cleaned[text] or "").strip()
    return cleaned


def ticket_type_create(*, staff_user: Actor = None, **values: Any) -> TicketType:
    """A new type from its fields (those of AUDITED_FIELDS); made the default, it takes the mark
    from the old default."""
    fields = _fields(values)
    with transaction.atomic():
        lock_named("ticket_types")
        ticket_type = TicketType(**fields)
        _validate(ticket_type)
        _save(ticket_type, was_default=False)
        _audit(ticket_type, "tickettype.create", snapshot(ticket_type, AUDITED_FIELDS), staff_user)
        return ticket_type


def ticket_type_update(*, ticket_type_id: int, staff_user: Actor = None, **changes: Any) -> TicketType:
    """Change a type. Seats already booked keep the type's name and the price they were sold at."""
    fields = _fields(changes)
    with transaction.atomic():
        lock_named("ticket_types")
        ticket_type = row_or_not_found(TicketType, "No such ticket type.", pk=ticket_type_id)
        before = snapshot(ticket_type, AUDITED_FIELDS)
        was_default = ticket_type.is_default
        for name, value in fields.items():
            setattr(ticket_type, name, value)
        _validate(ticket_type)
        _save(ticket_type, was_default=was_default)
        changed = changes_between(before, snapshot(ticket_type, AUDITED_FIELDS))
        if changed:
            _audit(ticket_type, "tickettype.update", changed, staff_user)
        return ticket_type


def ticket_type_delete(*, ticket_type_id: int, staff_user: Actor = None) -> TicketType | None:
    """Delete a type no seat was ever booked as (None); a type some seat was booked as is taken
    off sale instead (answered), so the seats and the reports keep their link to it. The default
    cannot go (InvalidState): make another type the default first."""
    with transaction.atomic():
        lock_named("ticket_types")
        ticket_type = row_or_not_found(TicketType, "No such ticket type.", pk=ticket_type_id)
        if ticket_type.is_default:
            raise InvalidState("The default ticket type cannot be deleted: make another type the default first.")
        if ticket_type.booking_seats.exists():
            if ticket_type.is_active:
                ticket_type.is_active = False
                ticket_type.save(update_fields=["is_active", "updated_at"])
                _audit(ticket_type, "tickettype.deactivate", {"is_active": [True, False]}, staff_user)
            return ticket_type
        gone = {name: [value, None] for name, value in snapshot(ticket_type, AUDITED_FIELDS).items()}
        _audit(ticket_type, "tickettype.delete", gone, staff_user)
        ticket_type.delete()
        return None
