"""The waiting room's writes: staff put a showtime (or a movie's showtimes) on a queued sale,
change its rate and end it (each audited); visitors join; the clock draws the places; a pass
takes seats from its allowance.

Joins and the draw lock the sale's row, so a join made as the places are drawn is either drawn
with the others or placed after them, never lost. What a pass holds is counted with a
conditional update on its arrival's row: two holds made with copies of one pass at once cannot
both pass the limit.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext_noop

from marquee.audit.services import Actor, audit_record
from marquee.catalog.models import Movie
from marquee.core.clock import now as clock_now
from marquee.core.errors import DomainError, InvalidState, NotFound, RateLimited, ValidationFailed
from marquee.scheduling.models import Showtime, ShowtimeStatus
from marquee.waiting_room import admission
from marquee.waiting_room.models import Arrival, QueuedSale
from marquee.waiting_room.selectors import drawn_ranks_remember, forget_sale

MAX_RATE = 100_000


class QueueRequired(DomainError):
    """The showtime is on a queued sale and no valid pass came with the request."""

    code = "queue_required"
    status = 409


def _sale_locked(sale_id: int) -> QueuedSale:
    sale = QueuedSale.objects.select_for_update().filter(pk=sale_id).first()
    if sale is None:
        raise NotFound("No such queued sale.")
    return sale


def _check_rate(rate: int) -> None:
    if not 0 < rate <= MAX_RATE:
        raise ValidationFailed(
            gettext_noop("The rate must be a whole number of visitors per minute, at least 1."),
            fields={"admit_per_minute": [gettext_noop("At least 1, at most 100000.")]},
        )


def queued_sale_create(
    *,
    opens_at: dt.datetime,
    showtime_id: int | None = None,
    movie_id: int | None = None,
    admit_per_minute: int | None = None,
    staff_user: Actor,
) -> QueuedSale:
    """Put one showtime, or every upcoming showtime of a movie, behind the waiting room.

    From now until it ends, those showtimes' seat maps and checkout send visitors to the queue;
    those who come before `opens_at` are placed at random when it opens."""
    rate = admit_per_minute if admit_per_minute is not None else settings.QUEUE_ADMIT_PER_MINUTE
    _check_rate(rate)
    if (showtime_id is None) == (movie_id is None):
        raise ValidationFailed(gettext_noop("Name either a showtime or a movie."))
    with transaction.atomic():
        label = ""
        if showtime_id is not None:
            show = Showtime.objects.select_related("movie").filter(pk=showtime_id).first()
            if show is None:
                raise NotFound("No such showtime.")
            if show.status != ShowtimeStatus.SCHEDULED or show.starts_at <= clock_now():
                raise InvalidState("Sales for this showtime are closed.")
            label, movie_label = str(show), show.movie.title
        else:
            movie = Movie.objects.filter(pk=movie_id or 0).first()
            if movie is None:
                raise NotFound("No such movie.")
            label = movie_label = movie.title
        live = QueuedSale.objects.filter(ended_at__isnull=True)
        if showtime_id is not None and live.filter(showtime_id=showtime_id).exists():
            raise InvalidState(gettext_noop("This showtime is already on a queued sale: end that one first."))
        if movie_id is not None and live.filter(movie_id=movie_id).exists():
            raise InvalidState(gettext_noop("This movie is already on a queued sale: end that one first."))
        sale = QueuedSale.objects.create(
            showtime_id=showtime_id,
            movie_id=movie_id,
            opens_at=opens_at,
            admit_per_minute=rate,
            rate_since=opens_at,
        )
        audit_record(
            actor=staff_user,
            action="queuedsale.create",
            target_type="queuedsale",
            target_id=sale.pk,
            target_label=label,
            showtime_id=showtime_id,
            changes={
                "movie": movie_label,
                "opens_at": opens_at.isoformat(),
                "admit_per_minute": rate,
            },
        )
    forget_sale(sale.pk)  # after the commit (the block above is the outermost transaction)
    return sale


def queued_sale_set_rate(*, sale_id: int, admit_per_minute: int, staff_user: Actor) -> QueuedSale:
    """Let visitors through at a new rate from now on; those already let through stay so."""
    _check_rate(admit_per_minute)
    with transaction.atomic():
        sale = _sale_locked(sale_id)
        if sale.ended_at is not None:
            raise InvalidState(gettext_noop("This queued sale has ended."))
        before = sale.admit_per_minute
        if before == admit_per_minute:
            return sale
        at = clock_now()
        if at > sale.opens_at:
            sale.admitted_base = admission.allowance_exact(
                opens_at=sale.opens_at,
                admitted_base=sale.admitted_base,
                rate_since=sale.rate_since,
                rate=before,
                at=at,
            )
            sale.rate_since = at
        sale.admit_per_minute = admit_per_minute
        sale.save(update_fields=["admitted_base", "rate_since", "admit_per_minute", "updated_at"])
        audit_record(
            actor=staff_user,
            action="queuedsale.rate",
            target_type="queuedsale",
            target_id=sale.pk,
            target_label=str(sale),
            showtime_id=sale.showtime_id,
            changes={"admit_per_minute": [before, admit_per_minute]},
        )
    forget_sale(sale.pk)  # after the commit (the block above is the outermost transaction)
    return sale


def queued_sale_end(*, sale_id: int, staff_user: Actor) -> QueuedSale:
    """Open the showtimes to everyone again: the queue's gate goes, passes stop mattering."""
    with transaction.atomic():
        sale = _sale_locked(sale_id)
        if sale.ended_at is not None:
            return sale
        sale.ended_at = clock_now()
        sale.save(update_fields=["ended_at", "updated_at"])
        audit_record(
            actor=staff_user,
            action="queuedsale.end",
            target_type="queuedsale",
            target_id=sale.pk,
            target_label=str(sale),
            showtime_id=sale.showtime_id,
            changes={"ended_at": [None, sale.ended_at.isoformat()]},
        )
    forget_sale(sale.pk)  # after the commit (the block above is the outermost transaction)
    return sale


def arrival_join(*, sale_id: int) -> Arrival:
    """A new visitor in the queue: before the draw with a random key only (placed at the
    opening), after it at the end (never inside what was already let through).

    Before the draw a join is one INSERT, no lock: a crowd arriving before the opening must not
    queue on the sale's row. One that commits just after the draw (it read "not drawn") is left
    without a place and gets one at the end when it next looks (`arrival_place_late`)."""
    found = QueuedSale.objects.filter(pk=sale_id).values_list("drawn_at", "ended_at").first()
    if found is None:
        raise NotFound("No such queued sale.")
    if found[1] is not None:
        raise InvalidState(gettext_noop("This queued sale has ended."))
    at = clock_now()
    if found[0] is None:
        return Arrival.objects.create(
            sale_id=sale_id, visitor=secrets.token_urlsafe(18), draw=secrets.randbits(62), rank=None, joined_at=at
        )
    with transaction.atomic():
        sale = _sale_locked(sale_id)
        arrival = Arrival.objects.create(
            sale=sale,
            visitor=secrets.token_urlsafe(18),
            draw=secrets.randbits(62),
            rank=_next_place(sale, clock_now()),
            joined_at=clock_now(),
        )
    return arrival


def _next_place(sale: QueuedSale, at: dt.datetime) -> int:
    """The place at the end for one placed now (the sale's row is locked)."""
    reached = admission.allowance(
        opens_at=sale.opens_at,
        admitted_base=sale.admitted_base,
        rate_since=sale.rate_since,
        rate=sale.admit_per_minute,
        at=at,
    )
    rank = admission.rank_for_newcomer(next_rank=sale.next_rank, allowance_now=reached)
    QueuedSale.objects.filter(pk=sale.pk).update(next_rank=rank + 1)
    sale.next_rank = rank + 1
    return rank


def arrival_place_late(*, arrival_id: int) -> int | None:
    """Place at the end an arrival the draw missed (it joined as the places were drawn)."""
    with transaction.atomic():
        sale_id = Arrival.objects.filter(pk=arrival_id).values_list("sale_id", flat=True).first()
        if sale_id is None:
            return None
        sale = _sale_locked(sale_id)
        if sale.drawn_at is None:
            return None
        placed = Arrival.objects.filter(pk=arrival_id).values_list("rank", flat=True).first()
        if placed is not None:
            return placed
        rank = _next_place(sale, clock_now())
        Arrival.objects.filter(pk=arrival_id, rank__isnull=True).update(rank=rank)
    return rank


_DRAW_SQL = """
UPDATE waiting_room_arrival SET rank = ranked.n + %s - 1
FROM (
    SELECT id, ROW_NUMBER() OVER (
        ORDER BY CASE WHEN joined_at < %s THEN 0 ELSE 1 END,
                 CASE WHEN joined_at < %s THEN draw ELSE 0 END, joined_at, id
    ) AS n
    FROM waiting_room_arrival WHERE sale_id = %s AND rank IS NULL
) AS ranked
WHERE waiting_room_arrival.id = ranked.id
RETURNING waiting_room_arrival.id, waiting_room_arrival.rank
"""


def sale_draw(*, sale_id: int) -> int:
    """At the opening, give everyone who came before it a place, in the order of their random
    keys (drawn when they joined, so neither arriving early nor refreshing moves anyone); those
    who came between the opening and the draw follow them in arrival order.
    Once only; answers how many were placed (0 when drawn already or not yet open)."""
    with transaction.atomic():
        sale = _sale_locked(sale_id)
        at = clock_now()
        if sale.drawn_at is not None or at < sale.opens_at:
            return 0
        with connection.cursor() as cursor:
            cursor.execute(_DRAW_SQL, [sale.next_rank, sale.opens_at, sale.opens_at, sale.pk])
            ranks = cursor.fetchall()
        sale.next_rank += len(ranks)
        sale.drawn_at = at
        sale.save(update_fields=["next_rank", "drawn_at", "updated_at"])
    # After the commit (the block above is the outermost transaction).
    drawn_ranks_remember(sale.pk, ranks)
    forget_sale(sale.pk)
    return len(ranks)


def arrival_admit(*, arrival_id: int) -> dt.datetime:
    """Note when an arrival was first let through (its pass runs from then); answers that moment."""
    at = clock_now()
    Arrival.objects.filter(pk=arrival_id, admitted_at__isnull=True).update(admitted_at=at)
    admitted = Arrival.objects.filter(pk=arrival_id).values_list("admitted_at", flat=True).first()
    if admitted is None:
        raise NotFound("No such arrival.")
    return admitted


def pass_seats_take(*, arrival_id: int, seats: int) -> None:
    """Count `seats` against the pass's arrival before a hold: at most MAX_SEATS_PER_BOOKING in
    all, however many copies of the pass are used. Past it: `rate_limited` ("seats_per_pass")."""
    maximum = settings.MAX_SEATS_PER_BOOKING
    taken = Arrival.objects.filter(pk=arrival_id, seats_used__lte=maximum - seats).update(
        seats_used=F("seats_used") + seats, holds=F("holds") + 1
    )
    if not taken:
        held = Arrival.objects.filter(pk=arrival_id).values_list("seats_used", flat=True).first() or 0
        raise RateLimited(
            gettext_noop("This queue pass has been used for as many seats as one customer may hold."),
            limit="seats_per_pass",
            held=held,
            maximum=maximum,
        )


def pass_seats_give_back(*, arrival_id: int, seats: int) -> None:
    """A hold that failed gives its seats back to the pass."""
    Arrival.objects.filter(pk=arrival_id, seats_used__gte=seats, holds__gte=1).update(
        seats_used=F("seats_used") - seats, holds=F("holds") - 1
    )
