"""Holds and blocks racing for the same seats, on real connections: a seat ends up kept back
or held, never both, and every refusal names seats that really are taken."""

import datetime as dt
import random
import threading

import pytest
from django.db import connection

from marquee.booking.house_seats import seats_block
from marquee.booking.models import ACTIVE_STATUSES, BookingSeat, SeatBlock
from marquee.booking.services import CustomerDetails, booking_hold
from marquee.core.errors import SeatsUnavailable
from tests import factories as f
from tests.booking.test_concurrency import race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

THREADS = 12 if connection.vendor == "postgresql" else 6


def test_holds_and_blocks_racing_never_share_a_seat(capsys):
    show = f.showtime(
        hall_obj=f.hall(rows=2, seats=6),
        starts_at=(dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(microsecond=0),
    )
    staff = None
    pool = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    lock = threading.Lock()
    named: list[tuple[str, list[int], list[int]]] = []  # who, asked, named
    errors: list[str] = []

    def worker(i: int, rng: random.Random) -> None:
        for _attempt in range(3):
            asked = rng.sample(pool, rng.randint(1, 3))
            try:
                if i % 3 == 0:
                    seats_block(showtime_id=show.pk, seat_ids=asked, reason="house", staff_user=staff)
                else:
                    booking_hold(
                        showtime_id=show.pk,
                        seat_ids=asked,
                        customer=CustomerDetails("Fan", str(i), f"fan{i}@example.com"),
                    )
            except SeatsUnavailable as refused:
                with lock:
                    named.append(("block" if i % 3 == 0 else "hold", asked, refused.extra["seat_ids"]))
            except Exception as error:  # anything else is a failure of the rule
                with lock:
                    errors.append(f"{type(error).__name__}: {error}")

    race(worker, THREADS)
    assert not errors, errors
    held = list(BookingSeat.objects.filter(showtime=show, status__in=ACTIVE_STATUSES).values_list("seat_id", flat=True))
    kept = list(SeatBlock.objects.filter(showtime=show).values_list("seat_id", flat=True))
    assert len(held) == len(set(held)) and len(kept) == len(set(kept))
    assert not set(held) & set(kept), "a seat is both kept back and held"
    taken = set(held) | set(kept)
    for _who, asked, names in named:
        assert names and set(names) <= set(asked) and set(names) <= taken
    with capsys.disabled():
        print(
            f"\nRACE {{'test': 'holds vs blocks', 'database': '{connection.vendor}', 'threads': {THREADS}, "
            f"'held': {len(held)}, 'kept': {len(kept)}, 'refused': {len(named)}}}"
        )
