"""Reading tariffs and ticket types."""

from marquee.pricing.models import Tariff, TicketType


def tariffs_by_start() -> list[Tariff]:
    """Every tariff by the time it starts, then English name: one query."""
    return list(Tariff.objects.order_by("start_time", "name_en"))


def ticket_types_ordered() -> list[TicketType]:
    """Every ticket type by position, then code: one query."""
    return list(TicketType.objects.order_by("position", "code"))
