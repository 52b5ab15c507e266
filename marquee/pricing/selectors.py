"""Reading tariffs and prices."""

import datetime as dt

from marquee.core.clock import local
from marquee.pricing.models import Tariff, TicketType
from marquee.pricing.prices import tariff_for


def tariff_at(starts_at: dt.datetime) -> Tariff | None:
    """The tariff for a showtime starting at `starts_at` (an aware datetime)."""
    return tariff_for(Tariff.objects.all(), local(starts_at))


# --- reads of the API (issue 14) --------------------------------------------------------------


def ticket_types_all() -> list[TicketType]:
    """Every ticket type, on sale or not, in the order customers see them."""
    return list(TicketType.objects.order_by("position", "code"))


def ticket_type_get(ticket_type_id: int) -> TicketType | None:
    return TicketType.objects.filter(pk=ticket_type_id).first()
