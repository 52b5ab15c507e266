import datetime as dt

import pytest
import time_machine

from marquee.core.errors import ValidationFailed
from marquee.payments.services import showtime_cancel
from marquee.reports import selectors as r
from tests import factories as f

pytestmark = pytest.mark.django_db


def by_showtime(rows):
    return {row.showtime_id: (row.capacity, row.sold, row.held, row.occupancy) for row in rows}


def test_occupancy_per_showtime_counts_sold_and_live_holds(cinema):
    rows = r.occupancy(start=cinema.day, end=cinema.day)
    assert [row.showtime_id for row in rows] == [cinema.s1.pk, cinema.s2.pk, cinema.s3.pk]  # by start, then hall
    assert by_showtime(rows) == {
        cinema.s1.pk: (10, 2, 1, 0.2),
        cinema.s2.pk: (10, 3, 0, 0.3),
        cinema.s3.pk: (4, 4, 0, 1.0),
    }
    assert rows[0].free == 7
    assert rows[2].sold_out and rows[2].nearly_full and not rows[1].nearly_full


def test_a_lapsed_hold_is_not_held(cinema):
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=11), tick=False):
        rows = r.occupancy(start=cinema.day, end=cinema.day)
    assert by_showtime(rows)[cinema.s1.pk] == (10, 2, 0, 0.2)


def test_hall_filter_and_period_bounds(cinema):
    assert [row.showtime_id for row in r.occupancy(start=cinema.day, end=cinema.day, hall_id=cinema.hall_b.pk)] == [
        cinema.s3.pk
    ]
    assert r.occupancy(start=cinema.day + dt.timedelta(days=1), end=cinema.day + dt.timedelta(days=9)) == []
    assert len(r.occupancy(start=cinema.day - dt.timedelta(days=9), end=cinema.day)) == 3


def test_cancelled_showtimes_are_left_out(cinema):
    showtime_cancel(showtime_id=cinema.s3.pk)
    assert cinema.s3.pk not in by_showtime(r.occupancy(start=cinema.day, end=cinema.day))


def test_a_showtime_near_midnight_counts_on_its_local_day(cinema):
    late = f.showtime(hall_obj=cinema.hall_b, starts_at=f.local_dt(cinema.day, 23, 30))
    next_day = cinema.day + dt.timedelta(days=1)
    assert late.pk in by_showtime(r.occupancy(start=cinema.day, end=cinema.day))
    assert late.pk not in by_showtime(r.occupancy(start=next_day, end=next_day))


def test_period_must_be_in_order_and_not_endless():
    with pytest.raises(ValidationFailed):
        r.occupancy(start=dt.date(2026, 2, 1), end=dt.date(2026, 1, 1))
    with pytest.raises(ValidationFailed):
        r.occupancy(start=dt.date(2020, 1, 1), end=dt.date(2026, 1, 1))


def test_heat_map_averages_per_hall_and_day(cinema):
    heat = r.occupancy_heat_map(start=cinema.day - dt.timedelta(days=1), end=cinema.day)
    assert heat.days == [cinema.day - dt.timedelta(days=1), cinema.day]
    assert [h.name for h in heat.halls] == ["Hall A", "Hall B"]
    assert heat.value(cinema.hall_a.pk, cinema.day) == 0.25  # (0.2 + 0.3) / 2
    assert heat.value(cinema.hall_b.pk, cinema.day) == 1.0
    assert heat.value(cinema.hall_a.pk, cinema.day - dt.timedelta(days=1)) is None
    assert heat.rows[0][1] == [None, 0.25]


def test_expansion_signal_per_iso_week(cinema):
    assert r.expansion_signal(start=cinema.day, end=cinema.day).weeks == []  # nothing has played yet
    with time_machine.travel(f.local_dt(cinema.day + dt.timedelta(days=7), 12), tick=False):
        signal = r.expansion_signal(start=cinema.day, end=cinema.day)
    (week,) = signal.weeks
    assert (week.showtimes, week.nearly_full, week.sold_out) == (3, 1, 1)
    assert week.nearly_full_share == week.sold_out_share == 0.3333
    assert week.level == "expand"
    assert week.monday == cinema.day - dt.timedelta(days=cinema.day.weekday())
    assert signal.sentence.startswith("Last week 33% of showtimes were at least 80% full and 33% sold out")
    assert "consider adding a screen" in signal.sentence


def test_expansion_signal_sentence_levels():
    monday = dt.date(2026, 11, 16)
    quiet = r.WeekSignal(year=2026, week=47, monday=monday, showtimes=100, nearly_full=5, sold_out=0)
    busy = r.WeekSignal(year=2026, week=47, monday=monday, showtimes=100, nearly_full=25, sold_out=2)
    full = r.WeekSignal(year=2026, week=47, monday=monday, showtimes=100, nearly_full=42, sold_out=12)
    assert quiet.level == "fine" and "spare capacity" in quiet.sentence()
    assert busy.level == "watch"
    assert full.sentence(label="Last week") == (
        "Last week 42% of showtimes were at least 80% full and 12% sold out: "
        "demand exceeds capacity; consider adding a screen or more evening showtimes."
    )


def test_expansion_signal_without_showtimes(db):
    assert r.expansion_signal(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31)).weeks == []


def test_occupancy_reports_take_three_queries_however_many_showtimes(cinema, django_assert_num_queries):
    with django_assert_num_queries(3):
        few = r.occupancy(start=cinema.day, end=cinema.day)
    for hour in (9, 11, 16, 21):
        show = f.showtime(movie_obj=cinema.m2, hall_obj=cinema.hall_b, starts_at=f.local_dt(cinema.day, hour))
        f.hold(show, email=f"x{hour}@example.com")
    with django_assert_num_queries(3):
        many = r.occupancy(start=cinema.day, end=cinema.day)
    assert len(many) == len(few) + 4
    with django_assert_num_queries(3):
        r.occupancy_heat_map(start=cinema.day, end=cinema.day)
    with django_assert_num_queries(3):
        r.expansion_signal(start=cinema.day, end=cinema.day)
    with django_assert_num_queries(0):
        r.expansion_signal(start=cinema.day, end=cinema.day, rows=many)
