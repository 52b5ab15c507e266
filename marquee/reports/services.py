"""Tallying showtimes that have begun (see marquee.reports.models)."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from marquee.booking.models import COMP, BookingSeat, BookingStatus, SeatBlock
from marquee.core.clock import now as clock_now
from marquee.core.money import to_money
from marquee.reports.models import ShowtimeTally, ShowtimeTallyCell
from marquee.scheduling.models import Showtime, ShowtimeStatus


def tally_cutoff(at: dt.datetime) -> dt.datetime:
    """Showtimes that began before this are final: a margin beyond the longest hold and the
    box office's sales to late-comers (marquee.booking.counter)."""
    latest = max(settings.HOLD_MINUTES, settings.BOX_OFFICE_SALES_MINUTES_AFTER_START)
    return at - dt.timedelta(minutes=latest + 30)


def showtimes_tally(*, at: dt.datetime | None = None, batch_size: int = 500) -> int:
    """Write the tallies of every scheduled showtime that began before the cut-off and has
    none yet; returns how many. Safe to run concurrently and again (each batch is one
    transaction; a tally already written by another run is skipped)."""
    cutoff = tally_cutoff(at or clock_now())
    done = 0
    while True:
        # Capacity is the seats on sale: the hall's less those staff kept back.
        kept = SeatBlock.objects.filter(showtime=OuterRef("pk")).order_by().values("showtime").annotate(n=Count("pk"))
        batch = list(
            Showtime.objects.filter(status=ShowtimeStatus.SCHEDULED, starts_at__lt=cutoff, tally__isnull=True)
            .annotate(kept=Coalesce(Subquery(kept.values("n"), output_field=IntegerField()), Value(0)))
            .order_by("pk")
            .values_list("pk", "hall__capacity", "kept")[:batch_size]
        )
        if not batch:
            return done
        done += _tally_batch({pk: max(capacity - kept_back, 0) for pk, capacity, kept_back in batch})


def _tally_batch(capacities: dict[int, int]) -> int:
    cells = (
        BookingSeat.objects.filter(showtime_id__in=list(capacities), status=BookingStatus.PAID)
        .order_by()
        .annotate(comp=Case(When(booking__payment_method=COMP, then=Value(True)), default=Value(False)))
        .values("showtime_id", "seat__seat_type", "tariff_name", "ticket_type_name", "booking__channel", "comp")
        .annotate(tickets=Count("pk"), revenue=Sum("final_price"))
    )
    by_showtime: dict[int, list[ShowtimeTallyCell]] = {pk: [] for pk in capacities}
    for c in cells:
        by_showtime[c["showtime_id"]].append(
            ShowtimeTallyCell(
                showtime_id=c["showtime_id"],
                seat_type=c["seat__seat_type"],
                tariff_name=c["tariff_name"],
                ticket_type_name=c["ticket_type_name"],
                channel=c["booking__channel"],
                comp=c["comp"],
                tickets=c["tickets"],
                revenue=to_money(c["revenue"]),
            )
        )
    at = clock_now()
    tallies = [
        ShowtimeTally(
            showtime_id=pk,
            capacity=capacities[pk],
            sold=sum(c.tickets for c in found),
            revenue=sum((c.revenue for c in found), Decimal("0.00")),
            tallied_at=at,
        )
        for pk, found in by_showtime.items()
    ]
    try:
        with transaction.atomic():
            ShowtimeTally.objects.bulk_create(tallies)
            ShowtimeTallyCell.objects.bulk_create([c for found in by_showtime.values() for c in found])
    except IntegrityError:
        return 0  # another run tallied some of these a moment ago; the next pass skips them
    return len(tallies)
