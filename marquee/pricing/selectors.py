"""Reading tariffs and ticket types."""

from marquee.pricing.models import Tariff, TicketType


def tariffs_by_start() -> list[Tariff]:
    """Every tariff by the time it starts, then English name: one query."""
    return list(Tariff.objects.order_by("start_time", "name_en"))


def ticket_types_ordered() -> list[TicketType]:
    """Every ticket type, on sale or not, by position, then code (the order customers see
    them): one query."""
    return list(TicketType.objects.order_by("position", "code"))


def ticket_type_get(ticket_type_id: int) -> TicketType | None:
    return TicketType.objects.filter(pk=ticket_type_id).first()
