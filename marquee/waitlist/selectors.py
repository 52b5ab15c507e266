"""Reads of the waiting lists: where an entry stands, which seats are free to offer, the lines."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from marquee.booking.seat_rules import Place, seats_for
from marquee.booking.seating import hall_places, may_sit, showtime_taken, wheelchair_released
from marquee.booking.selectors import seats_free, with_seats_taken
from marquee.core.clock import now as clock_now
from marquee.scheduling.models import Showtime, ShowtimeStatus
from marquee.scheduling.seat_map_cache import seat_map_body
from marquee.waitlist.models import EntryStatus, WaitlistEntry


def showtime_free_seat_count(showtime_id: int, at: dt.datetime | None = None) -> int | None:
    """How many seats of the showtime are free now (None: no such showtime). One query."""
    showtime = with_seats_taken(Showtime.objects.select_related("hall").filter(pk=showtime_id), at).first()
    return None if showtime is None else seats_free(showtime)


def showtime_free_seat_count_kept(showtime_id: int) -> int:
    """The same count, kept beside the showtime's seat map (scheduling/seat_map_cache.py): read
    again only when its seats change, so the showtime page asks no query for it. Advisory, as
    the map is: joining counts again."""

    def draw() -> bytes:
        return str(showtime_free_seat_count(showtime_id) or 0).encode()

    return int(seat_map_body(showtime_id, draw, variant="free-count"))


def entry_position(entry: WaitlistEntry) -> int | None:
    """The entry's place among those still waiting (1: next to be offered); None unless waiting."""
    if entry.status != EntryStatus.WAITING:
        return None
    ahead = WaitlistEntry.objects.filter(showtime_id=entry.showtime_id, status=EntryStatus.WAITING).filter(
        Q(joined_at__lt=entry.joined_at) | Q(joined_at=entry.joined_at, pk__lt=entry.pk)
    )
    return ahead.count() + 1


def waiting_line(showtime_id: int) -> QuerySet[WaitlistEntry]:
    """The entries still waiting, first in line first."""
    return WaitlistEntry.objects.filter(showtime_id=showtime_id, status=EntryStatus.WAITING).order_by("joined_at", "pk")


@dataclass(frozen=True)
class Offerable:
    """What an offer may hold: the hall's places, the seats taken, and who may sit where
    (wheelchair spaces and their companion seats stay for those who ask for them, until they
    are released to everyone). Advisory: the hold decides."""

    places: list[Place]
    taken: set[int]
    allowed: Callable[[Place], bool]

    @property
    def free(self) -> list[int]:
        return sorted(p.seat_id for p in self.places if p.seat_id not in self.taken and self.allowed(p))

    def choose(self, count: int) -> list[int]:
        """The seats to offer one who asked for `count`: together where a block is free."""
        return seats_for(self.places, self.taken, count, allowed=self.allowed)


def offerable_seats(showtime: Showtime, at: dt.datetime) -> Offerable:
    return Offerable(
        places=hall_places(showtime.hall_id),
        taken=showtime_taken(showtime.pk, at),
        allowed=may_sit(wheelchair=False, released=wheelchair_released(showtime.starts_at, at)),
    )


def showtimes_with_waiting(at: dt.datetime | None = None) -> list[int]:
    """Showtimes on sale with someone waiting or an offer open: what the sweep looks at."""
    at = at or clock_now()
    return sorted(
        set(
            WaitlistEntry.objects.filter(
                status__in=(EntryStatus.WAITING, EntryStatus.OFFERED),
                showtime__status=ShowtimeStatus.SCHEDULED,
                showtime__starts_at__gt=at,
            )
            .values_list("showtime_id", flat=True)
            .order_by()
        )
    )


def showtime_has_waiting(showtime_ids: list[int]) -> list[int]:
    """Those of `showtime_ids` with someone waiting. One query."""
    return sorted(
        set(
            WaitlistEntry.objects.filter(showtime_id__in=showtime_ids, status=EntryStatus.WAITING)
            .values_list("showtime_id", flat=True)
            .order_by()
        )
    )


def entry_for_leave(entry_id: int) -> WaitlistEntry | None:
    """The entry a leave link names, with its showtime (for the page that confirms)."""
    return WaitlistEntry.objects.select_related("showtime__movie", "showtime__hall").filter(pk=entry_id).first()


def showtime_line(showtime_id: int) -> list[WaitlistEntry]:
    """Every entry of a showtime's list (staff's page), in join order, with the offer's booking."""
    return list(
        WaitlistEntry.objects.filter(showtime_id=showtime_id).select_related("booking").order_by("joined_at", "pk")
    )


@dataclass(frozen=True)
class LineSummary:
    showtime: Showtime
    waiting: int
    offered: int
    booked: int
    lapsed: int


def lines_upcoming(at: dt.datetime | None = None, limit: int = 200) -> list[LineSummary]:
    """Upcoming showtimes with a waiting list, soonest first, with counts by status. One query."""
    at = at or clock_now()
    counts = {s: Count("waitlist_entries", filter=Q(waitlist_entries__status=s)) for s in EntryStatus.values}
    shows = (
        Showtime.objects.filter(starts_at__gt=at)
        .filter(Exists(WaitlistEntry.objects.filter(showtime=OuterRef("pk"))))
        .select_related("movie", "hall")
        .annotate(**{f"n_{s}": c for s, c in counts.items()})
        .order_by("starts_at", "pk")[:limit]
    )
    return [
        LineSummary(
            showtime=s,
            waiting=getattr(s, "n_waiting", 0),
            offered=getattr(s, "n_offered", 0),
            booked=getattr(s, "n_booked", 0),
            lapsed=getattr(s, "n_lapsed", 0),
        )
        for s in shows
    ]
