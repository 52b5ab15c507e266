"""The waiting list in the API: joining a sold-out showtime's line (public, /api/v1)."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from marquee.api.middleware import api_language
from marquee.api.schemas.common import MAX_ID, ErrorOut, StrictIn
from marquee.api.throttles import HOLD_RATE
from marquee.booking.selectors import showtime_public
from marquee.core.errors import NotFound
from marquee.waitlist.services import waitlist_join

router = Router(tags=["public: waiting list"])


class WaitlistIn(StrictIn):
    first_name: str = Field(max_length=1000)
    last_name: str = Field(max_length=1000)
    email: str = Field(max_length=1000, examples=["olena@example.com"])
    seats: int = Field(ge=1, le=1000, description="1 to MAX_SEATS_PER_BOOKING seats, held together when offered.")


class WaitlistOut(Schema):
    position: int | None = Field(description="The place among those waiting (1: next); null once seats are offered.")
    status: str = Field(examples=["waiting"], description="waiting | offered | booked | lapsed | left")
    already: bool = Field(False, description="True: this email was already in line (200); its entry is answered.")


@router.post(
    "/showtimes/{id}/waitlist",
    response={200: WaitlistOut, 201: WaitlistOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Join a sold-out showtime's waiting list",
    throttle=[HOLD_RATE],
)
def waitlist_join_view(request: HttpRequest, id: int, payload: WaitlistIn) -> Status[dict[str, Any]]:
    """Join the line for a showtime with no free seat. When seats come free, the first in line
    whose count fits has them held for WAITLIST_OFFER_MINUTES and is emailed a link to pay.
    `409 invalid_state` while seats are free (hold them instead), `409 sales_closed` once sales
    are over. One entry per email: asking again answers 200 with its place."""
    if not 0 < id <= MAX_ID or showtime_public(id, with_counts=False) is None:
        raise NotFound("No such showtime.")
    joined = waitlist_join(
        showtime_id=id,
        first_name=payload.first_name,
        last_name=payload.last_name,
        email=payload.email,
        seats=payload.seats,
        language=api_language(request),
    )
    body = {"position": joined.position, "status": joined.entry.status, "already": not joined.created}
    return Status(201 if joined.created else 200, body)
