"""The queue under concurrent requests, with real threads and their own connections (run on
SQLite and PostgreSQL): joins racing the draw lose nobody and share no place, and copies of one
pass used at once hold no more than one customer may."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connections

from marquee.core.clock import now
from marquee.core.errors import RateLimited
from marquee.waiting_room.models import Arrival
from marquee.waiting_room.services import (
    arrival_join,
    arrival_place_late,
    pass_seats_take,
    queued_sale_create,
    sale_draw,
)
from tests import factories as f

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _together(threads: int, work) -> list[str]:
    barrier = threading.Barrier(threads)
    errors: list[str] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            work(i)
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in pool)
    return errors


def _sale():
    show = f.showtime(hall_obj=f.hall(rows=2, seats=5))
    opens = (now() + dt.timedelta(seconds=2)).replace(microsecond=0)
    return queued_sale_create(showtime_id=show.pk, opens_at=opens, admit_per_minute=60, staff_user=None)


def test_joins_racing_the_draw_lose_nobody_and_share_no_place():
    sale = _sale()
    for _ in range(30):
        arrival_join(sale_id=sale.pk)
    with time_machine.travel(sale.opens_at + dt.timedelta(milliseconds=1), tick=True):

        def work(i: int) -> None:
            if i % 4 == 0:
                sale_draw(sale_id=sale.pk)
            else:
                arrival_join(sale_id=sale.pk)

        errors = _together(16, work)
    assert not errors, errors
    # A join that read "not drawn" and committed after the draw is placed when it next looks.
    for late in Arrival.objects.filter(sale=sale, rank__isnull=True):
        assert arrival_place_late(arrival_id=late.pk) is not None
    ranks = list(Arrival.objects.filter(sale=sale).values_list("rank", flat=True))
    assert len(ranks) == 30 + 12
    assert None not in ranks and len(set(ranks)) == len(ranks)
    assert sorted(ranks)[:30] == list(range(1, 31))  # those before the opening drawn first


def test_copies_of_one_pass_used_at_once_hold_no_more_than_one_customer_may(settings):
    settings.MAX_SEATS_PER_BOOKING = 4
    sale = _sale()
    arrival = arrival_join(sale_id=sale.pk)
    refused: list[int] = []

    def work(i: int) -> None:
        try:
            pass_seats_take(arrival_id=arrival.pk, seats=1)
        except RateLimited:
            refused.append(i)

    errors = _together(12, work)
    assert not errors, errors
    assert len(refused) == 8
    arrival.refresh_from_db()
    assert arrival.seats_used == 4 and arrival.holds == 4
