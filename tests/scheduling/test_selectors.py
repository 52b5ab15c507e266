"""The showtime reads every app starts from: what each one selects, and in one query."""

import datetime as dt

import pytest

from marquee.core.clock import local, now
from marquee.core.errors import NotFound
from marquee.payments.services import showtime_cancel
from marquee.scheduling import selectors
from marquee.scheduling.models import Showtime
from tests import factories as f

pytestmark = pytest.mark.django_db


def _cancel(show: Showtime) -> None:
    showtime_cancel(showtime_id=show.pk)


def test_upcoming_is_scheduled_listed_and_not_started():
    hall = f.hall()
    soon = f.showtime(hall_obj=hall, starts_at=now() + dt.timedelta(hours=3))
    cancelled = f.showtime(hall_obj=hall, starts_at=now() + dt.timedelta(hours=6))
    _cancel(cancelled)
    unlisted = f.showtime(movie_obj=f.movie(is_listed=False), hall_obj=hall, starts_at=now() + dt.timedelta(hours=9))
    assert list(selectors.showtimes_upcoming()) == [soon]
    assert list(selectors.showtimes_upcoming(at=soon.starts_at)) == []
    assert unlisted.pk not in {s.pk for s in selectors.showtimes_upcoming(at=now() - dt.timedelta(days=1))}


def test_a_showtime_is_read_with_what_pages_show_in_one_query(django_assert_num_queries):
    show = f.showtime()
    with django_assert_num_queries(1):
        found = selectors.showtime_find(show.pk)
        assert found is not None
        assert found.movie.title and found.hall.number
        assert (found.format, found.language_version) == (show.format, show.language_version)
    assert selectors.showtime_get(showtime_id=show.pk) == show
    assert selectors.showtime_find(show.pk + 1000) is None
    with pytest.raises(NotFound):
        selectors.showtime_get(showtime_id=show.pk + 1000)


def test_a_halls_window_has_what_overlaps_it_cancelled_too_by_start():
    hall, other = f.hall(), f.hall()
    day = local(now()).date() + dt.timedelta(days=2)
    late = f.showtime(hall_obj=hall, starts_at=f.local_dt(day, 20))
    early = f.showtime(hall_obj=hall, starts_at=f.local_dt(day, 10))
    _cancel(early)
    f.showtime(hall_obj=other, starts_at=f.local_dt(day, 12))
    f.showtime(hall_obj=hall, starts_at=f.local_dt(day + dt.timedelta(days=2), 12))
    window = selectors.showtimes_of_hall_between(
        hall_id=hall.pk, start=f.local_dt(day, 0), end=f.local_dt(day + dt.timedelta(days=1), 0)
    )
    assert list(window) == [early, late]
    assert selectors.showtimes_by_ids([late.pk, early.pk]) == [early, late]


def test_a_days_listed_showtimes_and_the_scheduled_ones_of_a_period():
    hall = f.hall()
    day = local(now()).date() + dt.timedelta(days=3)
    shown = f.showtime(hall_obj=hall, starts_at=f.local_dt(day, 18))
    unlisted = f.showtime(movie_obj=f.movie(is_listed=False), hall_obj=hall, starts_at=f.local_dt(day, 12))
    cancelled = f.showtime(hall_obj=hall, starts_at=f.local_dt(day, 22))
    _cancel(cancelled)
    f.showtime(hall_obj=hall, starts_at=f.local_dt(day + dt.timedelta(days=1), 18))
    assert list(selectors.showtimes_listed_on_day(day)) == [shown]
    period = selectors.showtimes_scheduled_between(f.local_dt(day, 0), f.local_dt(day + dt.timedelta(days=1), 0))
    assert set(period) == {shown, unlisted}
