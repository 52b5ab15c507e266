"""Tallies of showtimes that have begun give the same figures as counting their seats."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from marquee.payments.services import showtime_cancel
from marquee.reports import selectors as r
from marquee.reports.models import ShowtimeTally, ShowtimeTallyCell
from marquee.reports.services import showtimes_tally
from tests import factories as f

pytestmark = pytest.mark.django_db


def everything(c):
    occupancy = [(x.showtime_id, x.capacity, x.sold, x.held) for x in r.occupancy(start=c.day, end=c.day)]
    sales = {g: [(x.key, x.tickets, x.revenue, x.id, x.comps) for x in r.sales(start=c.day, end=c.day, group_by=g).rows]
             for g in r.GROUP_BYS}  # fmt: skip
    return occupancy, sales


def test_tallied_figures_equal_counted_figures(cinema):
    next_morning = f.local_dt(cinema.day + dt.timedelta(days=1), 9)
    with time_machine.travel(next_morning, tick=False):
        before = everything(cinema)
        assert showtimes_tally() == 3
        assert ShowtimeTally.objects.count() == 3
        assert ShowtimeTallyCell.objects.count() == 4  # S1 standard; S2 standard, vip; S3 standard
        after = everything(cinema)
    assert after == before


def test_only_showtimes_begun_well_before_are_tallied_and_only_once(cinema):
    with time_machine.travel(f.local_dt(cinema.day, 14, 10), tick=False):
        assert showtimes_tally() == 0  # S1 began 10 minutes ago: not final yet
    with time_machine.travel(f.local_dt(cinema.day, 15), tick=False):
        # The box office sells until 30 minutes after the start: S1 is final half an hour later.
        assert showtimes_tally() == 0
    with time_machine.travel(f.local_dt(cinema.day, 15, 1), tick=False):
        assert showtimes_tally() == 1
        assert showtimes_tally() == 0
        occupancy = {x.showtime_id: x.sold for x in r.occupancy(start=cinema.day, end=cinema.day)}
    assert occupancy == {cinema.s1.pk: 2, cinema.s2.pk: 3, cinema.s3.pk: 4}


def test_a_showtime_cancelled_after_its_tally_leaves_the_reports(cinema):
    with time_machine.travel(f.local_dt(cinema.day + dt.timedelta(days=1), 9), tick=False):
        showtimes_tally()
        showtime_cancel(showtime_id=cinema.s3.pk)
        assert cinema.s3.pk not in {x.showtime_id for x in r.occupancy(start=cinema.day, end=cinema.day)}
        assert r.sales(start=cinema.day, end=cinema.day, group_by="hall").tickets == 5


def test_tally_keeps_the_capacity_of_the_day(cinema):
    from decimal import Decimal

    from marquee.venues.services import RowSpec, hall_set_layout

    with time_machine.travel(f.local_dt(cinema.day + dt.timedelta(days=1), 9), tick=False):
        call_command("reports_tally", stdout=__import__("io").StringIO())
        hall_set_layout(
            hall_id=cinema.hall_b.pk, rows=[RowSpec(row=1, seats=8, type="standard", base_price=Decimal("80.00"))]
        )
        rows = {x.showtime_id: (x.capacity, x.occupancy) for x in r.occupancy(start=cinema.day, end=cinema.day)}
    assert rows[cinema.s3.pk] == (4, 1.0)


def test_reports_keep_their_query_counts_with_tallies(cinema, django_assert_num_queries):
    with time_machine.travel(f.local_dt(cinema.day + dt.timedelta(days=1), 9), tick=False):
        showtimes_tally()
        with django_assert_num_queries(3):
            r.occupancy(start=cinema.day, end=cinema.day)
        with django_assert_num_queries(3):
            r.sales(start=cinema.day, end=cinema.day, group_by="tariff")
