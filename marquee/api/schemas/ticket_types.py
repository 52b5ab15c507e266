"""The staff API's ticket type shapes (marquee.api.staff_ticket_types)."""

from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field, field_validator

from marquee.api.schemas.common import (
    CleanIn,
    Multiplier,
    Position,
    Price,
    money,
    multiplier_text,
    no_control_characters,
)
from marquee.pricing.models import TicketType

AgeLimit = Literal[0, 6, 12, 16, 18]
_TEXTS = ("code", "name_en", "name_uk", "door_note_en", "door_note_uk")


class TicketTypeIn(CleanIn):
    """A ticket type. `rule` "multiplier" takes `multiplier` (0 < m ≤ 1), "amount_off" takes
    `amount_off`; neither goes below `min_price`. `max_age_rating`: sold only for films rated at
    most this (null: every film). `is_default: true` makes it the default in place of the old one."""

    code: str = Field(max_length=32, examples=["child"])
    name_en: str = Field("", max_length=60)
    name_uk: str = Field("", max_length=60)
    door_note_en: str = Field("", max_length=200)
    door_note_uk: str = Field("", max_length=200)
    rule: Literal["multiplier", "amount_off"] = "multiplier"
    multiplier: Multiplier = Decimal("1.000")
    amount_off: Price = Decimal("0.00")
    min_price: Price = Decimal("0.00")
    max_age_rating: AgeLimit | None = None
    is_default: bool = False
    is_active: bool = True
    position: Position = 0

    _texts = field_validator(*_TEXTS)(no_control_characters)


class TicketTypePatch(CleanIn):
    """Only the fields given change; `max_age_rating: null` opens the type to every film."""

    code: str | None = Field(None, max_length=32)
    name_en: str | None = Field(None, max_length=60)
    name_uk: str | None = Field(None, max_length=60)
    door_note_en: str | None = Field(None, max_length=200)
    door_note_uk: str | None = Field(None, max_length=200)
    rule: Literal["multiplier", "amount_off"] | None = None
    multiplier: Multiplier | None = None
    amount_off: Price | None = None
    min_price: Price | None = None
    max_age_rating: AgeLimit | None = None
    is_default: bool | None = None
    is_active: bool | None = None
    position: Position | None = None

    _texts = field_validator(*_TEXTS)(no_control_characters)


class StaffTicketTypeOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    name_uk: str
    door_note: str
    door_note_en: str
    door_note_uk: str
    rule: str
    multiplier: str
    amount_off: str
    min_price: str
    max_age_rating: int | None
    is_default: bool
    is_active: bool
    position: int


def ticket_type_out(t: TicketType) -> dict[str, Any]:
    return {
        "id": t.pk,
        "code": t.code,
        "name": t.name,
        "name_en": t.name_en,
        "name_uk": t.name_uk,
        "door_note": t.door_note,
        "door_note_en": t.door_note_en,
        "door_note_uk": t.door_note_uk,
        "rule": t.rule,
        "multiplier": multiplier_text(t.multiplier),
        "amount_off": money(t.amount_off),
        "min_price": money(t.min_price),
        "max_age_rating": t.max_age_rating,
        "is_default": t.is_default,
        "is_active": t.is_active,
        "position": t.position,
    }
