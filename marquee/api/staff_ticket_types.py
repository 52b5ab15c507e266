"""The staff API's ticket types (issue 13): GET, POST /admin/ticket-types; GET, PATCH, DELETE
/admin/ticket-types/{id}.

Who may: whoever keeps tariffs (prices are theirs); the box office and the planners read.
DELETE removes a type no seat was ever sold as (204); a type some seat was sold as is taken off
sale instead and answered (200, `is_active: false`), so its tickets and the reports keep it. The
default type cannot be deleted (409 invalid_state): make another type the default first.
"""

from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field, field_validator

from marquee.api.auth import StaffAuth
from marquee.api.schemas import ErrorOut
from marquee.api.schemas_staff import Id, Input, Multiplier, Price, _no_control_characters, multiplier_text
from marquee.core.errors import NotFound
from marquee.core.money import format_money
from marquee.pricing import ticket_types as services
from marquee.pricing.models import TicketType

router = Router(tags=["staff: ticket types"])

READ = StaffAuth("manage_tariffs", "manage_schedule", "box_office")
WRITE = StaffAuth("manage_tariffs")

AgeLimit = Literal[0, 6, 12, 16, 18]
Position = Annotated[int, Field(ge=0, le=32767)]
_TEXTS = ("code", "name_en", "name_uk", "door_note_en", "door_note_uk")


def _errors(*codes: int) -> dict[int, Any]:
    return {code: ErrorOut for code in (401, 403, 422, *codes)}


class TicketTypeIn(Input):
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

    _texts = field_validator(*_TEXTS)(_no_control_characters)


class TicketTypePatch(Input):
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

    _texts = field_validator(*_TEXTS)(_no_control_characters)


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
        "amount_off": format_money(t.amount_off),
        "min_price": format_money(t.min_price),
        "max_age_rating": t.max_age_rating,
        "is_default": t.is_default,
        "is_active": t.is_active,
        "position": t.position,
    }


def _actor(request: HttpRequest) -> Any:
    return getattr(request, "auth", None)


def _one(ticket_type_id: int) -> TicketType:
    found = TicketType.objects.filter(pk=ticket_type_id).first()
    if found is None:
        raise NotFound("No such ticket type.")
    return found


@router.get("/ticket-types", response={200: list[StaffTicketTypeOut], **_errors()}, auth=READ)
def ticket_types_list(request: HttpRequest) -> Any:
    """Every type, on sale or not, in the order customers see them."""
    return [ticket_type_out(t) for t in TicketType.objects.order_by("position", "code")]


@router.post("/ticket-types", response={201: StaffTicketTypeOut, **_errors()}, auth=WRITE)
def ticket_types_create(request: HttpRequest, payload: TicketTypeIn) -> Any:
    created = services.ticket_type_create(**payload.dict(), staff_user=_actor(request))
    return Status(201, ticket_type_out(created))


@router.get("/ticket-types/{ticket_type_id}", response={200: StaffTicketTypeOut, **_errors(404)}, auth=READ)
def ticket_types_get(request: HttpRequest, ticket_type_id: Id) -> Any:
    return ticket_type_out(_one(ticket_type_id))


@router.patch("/ticket-types/{ticket_type_id}", response={200: StaffTicketTypeOut, **_errors(404)}, auth=WRITE)
def ticket_types_update(request: HttpRequest, ticket_type_id: Id, payload: TicketTypePatch) -> Any:
    changes = payload.dict(exclude_unset=True)
    # null means "not given" for every field but the age limit, where it means "every film".
    changes = {k: v for k, v in changes.items() if v is not None or k == "max_age_rating"}
    updated = services.ticket_type_update(ticket_type_id=ticket_type_id, **changes, staff_user=_actor(request))
    return ticket_type_out(updated)


@router.delete(
    "/ticket-types/{ticket_type_id}", response={200: StaffTicketTypeOut, 204: None, **_errors(404, 409)}, auth=WRITE
)
def ticket_types_delete(request: HttpRequest, ticket_type_id: Id) -> Any:
    """204: deleted. 200 with the type off sale: some seat was sold as it, so it is kept."""
    kept = services.ticket_type_delete(ticket_type_id=ticket_type_id, staff_user=_actor(request))
    if kept is None:
        return HttpResponse(status=204)
    return Status(200, ticket_type_out(kept))
