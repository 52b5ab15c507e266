"""The film week (Thursday to Wednesday by default, a setting) and the week of a movie's run."""

import datetime as dt
from decimal import Decimal

import pytest

from marquee.settlement.selectors import Term, film_week, settlement, term_for_week, week_of_run
from tests import factories as f
from tests.settlement.conftest import THURSDAY, WEDNESDAY, distributor, sell, show_at, terms


def test_the_film_week_runs_thursday_to_wednesday():
    assert film_week(THURSDAY) == (THURSDAY, THURSDAY + dt.timedelta(days=6))
    assert film_week(WEDNESDAY) == (THURSDAY - dt.timedelta(days=7), WEDNESDAY)
    assert film_week(THURSDAY + dt.timedelta(days=6)) == (THURSDAY, THURSDAY + dt.timedelta(days=6))


def test_another_week_start(settings):
    settings.FILM_WEEK_START = 0  # Monday
    monday = THURSDAY - dt.timedelta(days=3)
    assert film_week(WEDNESDAY) == film_week(THURSDAY) == (monday, monday + dt.timedelta(days=6))


def test_the_week_of_the_run_counts_film_weeks_from_the_first_showtime():
    first = WEDNESDAY  # the last day of its film week: week 1 is that week, a day long for it
    assert week_of_run(first, film_week(WEDNESDAY)[0]) == 1
    assert week_of_run(first, THURSDAY) == 2
    assert week_of_run(first, THURSDAY + dt.timedelta(days=14)) == 4


def test_the_term_in_force_is_the_latest_that_has_begun():
    scale = [Term(3, Decimal("45"), None), Term(1, Decimal("55"), None), Term(2, Decimal("50"), Decimal("300"))]
    assert [term_for_week(scale, week).percentage for week in (1, 2, 3, 9)] == [55, 50, 45, 45]
    assert term_for_week([Term(2, Decimal("50"), None)], 1) is None


@pytest.mark.django_db
@pytest.mark.parametrize(("week_start", "together"), [(3, False), (0, True)])
def test_wednesday_2359_and_thursday_0000_local_fall_in_their_own_weeks(settings, week_start, together):
    """Showtimes that START in the week count: a minute before Thursday is last week's."""
    settings.FILM_WEEK_START = week_start
    movie = f.movie(title="Shadows of Forgotten Ancestors", distributor_id=distributor().pk)
    terms(movie, (1, "55.00", None), (2, "50.00", None))
    late = show_at(movie, WEDNESDAY, 23, 59)
    midnight = show_at(movie, THURSDAY, 0, 0)
    sell(late, 1)
    sell(midnight, 2)

    thursday_week = settlement(day=THURSDAY)
    [block] = thursday_week.distributors
    [figures] = block.movies
    if together:  # Monday to Sunday: one week, week 1 of the run
        assert (figures.showtimes, figures.admissions, figures.week_of_run) == (2, 3, 1)
        assert figures.percentage == Decimal("55.00")
    else:
        assert (figures.showtimes, figures.admissions, figures.week_of_run) == (1, 2, 2)
        assert figures.percentage == Decimal("50.00")  # week 2 of the run
        [before] = settlement(day=WEDNESDAY).distributors[0].movies
        assert (before.showtimes, before.admissions, before.week_of_run) == (1, 1, 1)


@pytest.mark.parametrize(("value", "ok"), [("0", True), ("6", True), ("7", False), ("-1", False)])
def test_the_week_start_setting_is_a_weekday(tmp_path, value, ok):
    from tests.config.test_settings import load_settings

    result = load_settings(tmp_path, DEBUG="true", FILM_WEEK_START=value)
    assert (result.returncode == 0) is ok, result.stderr
    if not ok:
        assert "FILM_WEEK_START" in result.stderr
