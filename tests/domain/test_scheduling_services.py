"""Two showtimes in one hall never overlap; a showtime ends after its movie and the cleaning."""

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.db import connection, connections

from marquee.core.errors import HallBusy, InvalidState
from marquee.payments.services import showtime_cancel
from marquee.scheduling.models import Showtime
from marquee.scheduling.services import showtime_schedule, showtime_schedule_many, showtime_update
from tests import factories as f

pytestmark = pytest.mark.django_db

TOMORROW = dt.date.today() + dt.timedelta(days=2)


def at(hour: int, minute: int = 0, day: dt.date = TOMORROW) -> dt.datetime:
    return f.local_dt(day, hour, minute)


@pytest.fixture
def hall():
    return f.hall()


@pytest.fixture
def movie():
    return f.movie(duration_min=100)


def test_ends_at_is_start_plus_duration_plus_cleaning(hall, movie):
    show = showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=at(18))
    assert show.ends_at == at(18) + dt.timedelta(minutes=100 + settings.CLEANING_MINUTES)


def test_the_cleaning_buffer_is_a_setting(hall, movie, settings):
    settings.CLEANING_MINUTES = 30
    show = showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=at(18))
    assert show.ends_at == at(20, 10)


def test_an_overlap_is_refused_naming_the_conflicts(hall, movie):
    first = showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=at(18))
    with pytest.raises(HallBusy) as refused:
        showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=at(19))
    assert refused.value.extra["conflicts"] == [first.pk]
    assert refused.value.code == "hall_busy"
    assert Showtime.objects.count() == 1


def test_a_showtime_that_starts_earlier_and_runs_into_another_is_refused(hall, movie):
    later = showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=at(18))
    with pytest.raises(HallBusy) as refused:
        showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=at(16, 30))
    assert refused.value.extra["conflicts"] == [later.pk]


def test_one_spanning_two_names_both(hall, movie):
    short = f.movie(duration_min=30)
    a = showtime_schedule(movie_id=short.pk, hall_id=hall.pk, starts_at=at(12))
    b = showtime_schedule(movie_id=short.pk, hall_id=hall.pk, starts_at=at(13))
    with pytest.raises(HallBusy) as refused:
        showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=at(11, 50))
    assert refused.value.extra["conflicts"] == [a.pk, b.pk]


def test_back_to_back_is_allowed(hall, movie):
    first = showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=at(18))
    second = showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=first.ends_at)
    before = showtime_schedule(
        movie_id=movie.pk, hall_id=hall.pk, starts_at=first.starts_at - dt.timedelta(minutes=115)
    )
    assert before.ends_at == first.starts_at
    assert second.starts_at == first.ends_at


def test_another_hall_is_free(hall, movie):
    showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=at(18))
    showtime_schedule(movie_id=movie.pk, hall_id=f.hall().pk, starts_at=at(18))
    assert Showtime.objects.count() == 2


def test_a_cancelled_showtime_does_not_block_the_hall(hall, movie):
    first = showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=at(18))
    showtime_cancel(showtime_id=first.pk)
    showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=at(18, 30))


def test_a_start_without_a_time_zone_is_refused(hall, movie):
    from marquee.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=dt.datetime(2030, 1, 1, 18))


def test_schedule_many_is_all_or_nothing(hall, movie):
    blocker = showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=at(20))
    with pytest.raises(HallBusy) as refused:
        showtime_schedule_many(movie_id=movie.pk, hall_id=hall.pk, starts=[at(10), at(14), at(20, 30)])
    assert refused.value.extra["conflicts"] == [blocker.pk]
    assert Showtime.objects.count() == 1


def test_schedule_many_refuses_a_series_that_overlaps_itself(hall, movie):
    with pytest.raises(HallBusy):
        showtime_schedule_many(movie_id=movie.pk, hall_id=hall.pk, starts=[at(10), at(11)])
    assert not Showtime.objects.exists()


def test_schedule_many_creates_the_series(hall, movie):
    shows = showtime_schedule_many(movie_id=movie.pk, hall_id=hall.pk, starts=[at(16), at(10), at(13)])
    assert [s.starts_at for s in shows] == [at(10), at(13), at(16)]


def test_update_refuses_moving_a_showtime_with_active_sales(hall, movie):
    show = showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=at(18))
    f.hold(show)
    with pytest.raises(InvalidState):
        showtime_update(showtime_id=show.pk, starts_at=at(19))
    with pytest.raises(InvalidState):
        showtime_update(showtime_id=show.pk, hall_id=f.hall().pk)
    show.refresh_from_db()
    assert (show.starts_at, show.hall_id) == (at(18), hall.pk)


def test_update_moves_a_showtime_without_sales_and_recomputes_the_end(hall, movie):
    show = showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=at(18))
    longer = f.movie(duration_min=150)
    moved = showtime_update(showtime_id=show.pk, starts_at=at(19), movie_id=longer.pk)
    assert moved.ends_at == at(19) + dt.timedelta(minutes=150 + settings.CLEANING_MINUTES)


def test_update_may_overlap_its_own_old_slot_but_not_another(hall, movie):
    show = showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=at(18))
    other = showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=at(21))
    showtime_update(showtime_id=show.pk, starts_at=at(18, 30))
    with pytest.raises(HallBusy) as refused:
        showtime_update(showtime_id=show.pk, starts_at=at(20))
    assert refused.value.extra["conflicts"] == [other.pk]


def test_a_cancelled_showtime_cannot_be_changed(hall, movie):
    show = showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=at(18))
    showtime_cancel(showtime_id=show.pk)
    with pytest.raises(InvalidState):
        showtime_update(showtime_id=show.pk, starts_at=at(19))


@pytest.mark.django_db(transaction=True)
def test_concurrent_schedulers_in_one_hall_one_wins():
    """PostgreSQL: the row lock on the hall (and the exclusion constraint). SQLite: writers
    queue on the IMMEDIATE transaction; fewer threads, as they wait on a file lock."""
    hall, movie = f.hall(), f.movie(duration_min=100)
    threads_n = 8 if connection.vendor == "postgresql" else 3
    barrier = threading.Barrier(threads_n)
    outcomes: list[str] = []
    lock = threading.Lock()

    def schedule(offset: int) -> None:
        try:
            barrier.wait()
            showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=at(18, offset * 5))
            result = "won"
        except HallBusy:
            result = "busy"
        except Exception as error:  # reported in the assertion below
            result = repr(error)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=schedule, args=(i,)) for i in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["busy"] * (threads_n - 1) + ["won"]
    assert Showtime.objects.filter(hall=hall).count() == 1


def test_showtime_end_counts_real_minutes_across_a_daylight_saving_change():
    from zoneinfo import ZoneInfo

    from marquee.scheduling.overlap import showtime_end

    kyiv = ZoneInfo("Europe/Kyiv")
    # Clocks go back from 04:00 to 03:00 on 25 October 2026: a 120-minute film from 02:30
    # ends at 03:30 local time (after the change), not 04:30.
    start = dt.datetime(2026, 10, 25, 2, 30, tzinfo=kyiv)
    end = showtime_end(start, 105, 15)
    assert end - start.astimezone(dt.UTC) == dt.timedelta(minutes=120)
    assert end.astimezone(kyiv).strftime("%H:%M") == "03:30"
