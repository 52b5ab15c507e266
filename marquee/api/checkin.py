"""POST /api/v1/admin/checkin: the door scans a ticket's QR code (api.md, "Staff")."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from marquee.api.auth import StaffAuth
from marquee.api.schemas.checkin import CheckInErrorOut, CheckInIn, CheckInOut, check_in_out
from marquee.api.schemas.common import ErrorOut
from marquee.booking.checkin import ticket_check_in

router = Router(tags=["staff: check-in"])


@router.post(
    "/checkin",
    auth=StaffAuth("check_in"),
    response={200: CheckInOut, 401: ErrorOut, 403: ErrorOut, 409: CheckInErrorOut, 422: CheckInErrorOut},
    summary="Admit a ticket at the door",
)
def checkin(request: HttpRequest, payload: CheckInIn) -> dict[str, Any]:
    ticket = ticket_check_in(
        code=payload.code,
        showtime_id=payload.showtime_id,
        override=payload.override,
        staff_user=getattr(request, "auth", None),
    )
    return check_in_out(ticket)
