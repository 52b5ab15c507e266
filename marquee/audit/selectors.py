"""Reading the audit: the audit page and its CSV, and each booking's and showtime's trail.

Read-only. Filters are plain values (the page parses and checks them); every function
answers newest first, in a fixed number of queries whatever the table's size.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from marquee.audit.models import AuditEntry
from marquee.core.clock import day_bounds

# Who did it when nobody signed in did: the worker, a command, the demo's seeding.
SYSTEM = "system"
TRAIL_LIMIT = 100


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""  # a username, or SYSTEM for entries with no staff user
    action: str = ""  # "booking.cancel", or a target kind's prefix such as "booking."
    target: str = ""  # a booking reference, a showtime or hall id, part of a label
    target_booking_id: int | None = None  # the booking `target` names, if it names one
    start: dt.date | None = None  # the cinema's local days, both included
    end: dt.date | None = None
    text: str = ""  # anything in the entry: names, reasons, before and after


@dataclass(frozen=True)
class AuditPage:
    count: int
    results: list[AuditEntry]


def _entries(filters: AuditFilters) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.all()
    if filters.actor == SYSTEM:
        qs = qs.filter(actor_name="")
    elif filters.actor:
        qs = qs.filter(actor_name=filters.actor)
    if filters.action.endswith("."):
        qs = qs.filter(action__startswith=filters.action)
    elif filters.action:
        qs = qs.filter(action=filters.action)
    target = filters.target.strip()
    if target:
        match = Q(target_id__iexact=target) | Q(target_label__icontains=target)
        if target.isascii() and target.isdigit() and len(target) < 10:
            match |= Q(showtime_id=int(target))
        if filters.target_booking_id is not None:
            match |= Q(booking_id=filters.target_booking_id)
        qs = qs.filter(match)
    if filters.start is not None:
        qs = qs.filter(created_at__gte=day_bounds(filters.start)[0])
    if filters.end is not None:
        qs = qs.filter(created_at__lt=day_bounds(filters.end)[1])
    for word in filters.text.lower().split()[:8]:
        qs = qs.filter(search_text__contains=word)
    return qs.order_by("-created_at", "-pk")


def audit_find(filters: AuditFilters, *, limit: int = 50, offset: int = 0) -> AuditPage:
    """One page of the entries that match, newest first, and how many match. Two queries."""
    qs = _entries(filters)
    return AuditPage(count=qs.count(), results=list(qs[offset : offset + limit]))


def audit_all(filters: AuditFilters) -> Iterator[AuditEntry]:
    """Every entry that matches, newest first, read in chunks (for the CSV)."""
    return _entries(filters).iterator(chunk_size=2000)


def audit_actors() -> list[str]:
    """The staff users the audit names (for the filter). One query."""
    return sorted(set(AuditEntry.objects.order_by().exclude(actor_name="").values_list("actor_name", flat=True)))


def audit_actions() -> list[str]:
    """Every action the audit holds (for the filter). One query."""
    return sorted(set(AuditEntry.objects.order_by().values_list("action", flat=True)))


def booking_trail(*, booking_id: int, showtime_id: int, since: dt.datetime) -> list[AuditEntry]:
    """A booking's own entries, and its showtime's (moved, cancelled) from when it was made. One query."""
    showtime_wide = Q(showtime_id=showtime_id, booking_id__isnull=True, created_at__gte=since)
    qs = AuditEntry.objects.filter(Q(booking_id=booking_id) | showtime_wide)
    return list(qs.order_by("-created_at", "-pk")[:TRAIL_LIMIT])


def showtime_trail(*, showtime_id: int) -> list[AuditEntry]:
    """A showtime's entries and its bookings', newest first. One query."""
    return list(AuditEntry.objects.filter(showtime_id=showtime_id).order_by("-created_at", "-pk")[:TRAIL_LIMIT])
