"""Domain errors: each carries a stable `code` that the API, the site and the admin show.

Services raise these; interfaces translate them (API: status + error body; site and
admin: a message). The codes are part of the public API contract.
"""

from typing import Any

from django.utils.translation import gettext


def in_language(text: str) -> str:
    """A service's sentence (English: the API's words) in the active language, where the
    catalogue has it; pages and the admin show errors through this."""
    return gettext(text) if text else text


class DomainError(Exception):
    code = "invalid"
    status = 400

    def __init__(self, detail: str, *, fields: dict[str, list[str]] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.fields = fields
        self.extra = extra


class ValidationFailed(DomainError):
    code = "validation_error"
    status = 422


class NotFound(DomainError):
    code = "not_found"
    status = 404


class SeatsUnavailable(DomainError):
    code = "seats_unavailable"
    status = 409


class SalesClosed(DomainError):
    code = "sales_closed"
    status = 409


class InvalidState(DomainError):
    code = "invalid_state"
    status = 409


class CancelWindowClosed(DomainError):
    code = "cancel_window_closed"
    status = 409


class HallBusy(DomainError):
    code = "hall_busy"
    status = 409


class TariffOverlap(DomainError):
    code = "tariff_overlap"
    status = 422


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403


class AlreadyCheckedIn(DomainError):
    code = "already_checked_in"
    status = 409


class WrongShowtime(DomainError):
    """A valid ticket, but for another showtime than the one the door admits to now."""

    code = "wrong_showtime"
    status = 409


class InvalidTicket(DomainError):
    code = "invalid_ticket"
    status = 422


class RateLimited(DomainError):
    """A limit on what one customer or one client may do at once; `limit` names which."""

    code = "rate_limited"
    status = 429


class SingleSeatGap(DomainError):
    """A hold that would leave one empty seat stranded; `seat_ids` the seats asked for,
    `suggestion` as many seats near them that strand nobody."""

    code = "single_seat_gap"
    status = 409


class WheelchairOnly(DomainError):
    """Wheelchair spaces and companion seats asked for by a customer who did not say they need
    one, before they are released to everyone; `seat_ids` names them."""

    code = "wheelchair_only"
    status = 409
