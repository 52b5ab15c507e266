"""The staff API's ticket types (issue 13): GET, POST /admin/ticket-types; GET, PATCH, DELETE
/admin/ticket-types/{id}.

Who may: whoever keeps tariffs (prices are theirs); the box office and the planners read.
DELETE removes a type no seat was ever sold as (204); a type some seat was sold as is taken off
sale instead and answered (200, `is_active: false`), so its tickets and the reports keep it. The
default type cannot be deleted (409 invalid_state): make another type the default first.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from marquee.api.auth import StaffAuth, staff_actor
from marquee.api.schemas.common import Id, staff_errors
from marquee.api.schemas.ticket_types import StaffTicketTypeOut, TicketTypeIn, TicketTypePatch, ticket_type_out
from marquee.core.errors import NotFound
from marquee.pricing import selectors
from marquee.pricing import ticket_types as services
from marquee.pricing.models import TicketType

router = Router(tags=["staff: ticket types"])

READ = StaffAuth("manage_tariffs", "manage_schedule", "box_office")
WRITE = StaffAuth("manage_tariffs")


def _one(ticket_type_id: int) -> TicketType:
    found = selectors.ticket_type_get(ticket_type_id)
    if found is None:
        raise NotFound("No such ticket type.")
    return found


@router.get("/ticket-types", response={200: list[StaffTicketTypeOut], **staff_errors()}, auth=READ)
def ticket_types_list(request: HttpRequest) -> Any:
    """Every type, on sale or not, in the order customers see them."""
    return [ticket_type_out(t) for t in selectors.ticket_types_ordered()]


@router.post("/ticket-types", response={201: StaffTicketTypeOut, **staff_errors()}, auth=WRITE)
def ticket_types_create(request: HttpRequest, payload: TicketTypeIn) -> Any:
    created = services.ticket_type_create(**payload.dict(), staff_user=staff_actor(request))
    return Status(201, ticket_type_out(created))


@router.get("/ticket-types/{ticket_type_id}", response={200: StaffTicketTypeOut, **staff_errors(404)}, auth=READ)
def ticket_types_get(request: HttpRequest, ticket_type_id: Id) -> Any:
    return ticket_type_out(_one(ticket_type_id))


@router.patch("/ticket-types/{ticket_type_id}", response={200: StaffTicketTypeOut, **staff_errors(404)}, auth=WRITE)
def ticket_types_update(request: HttpRequest, ticket_type_id: Id, payload: TicketTypePatch) -> Any:
    changes = payload.dict(exclude_unset=True)
    # null means "not given" for every field but the age limit, where it means "every film".
    changes = {k: v for k, v in changes.items() if v is not None or k == "max_age_rating"}
    updated = services.ticket_type_update(ticket_type_id=ticket_type_id, **changes, staff_user=staff_actor(request))
    return ticket_type_out(updated)


@router.delete(
    "/ticket-types/{ticket_type_id}",
    response={200: StaffTicketTypeOut, 204: None, **staff_errors(404, 409)},
    auth=WRITE,
)
def ticket_types_delete(request: HttpRequest, ticket_type_id: Id) -> Any:
    """204: deleted. 200 with the type off sale: some seat was sold as it, so it is kept."""
    kept = services.ticket_type_delete(ticket_type_id=ticket_type_id, staff_user=staff_actor(request))
    if kept is None:
        return HttpResponse(status=204)
    return Status(200, ticket_type_out(kept))
