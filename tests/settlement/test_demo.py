"""The demo cinema's distributors: every movie has one with terms, and last film week has a
settlement to show, the same for a seed."""

import datetime as dt

import pytest

from marquee.catalog.models import Movie
from marquee.settlement.models import Distributor, RentalTerm
from marquee.settlement.selectors import settlement
from tests.demo.test_seed_demo import MORNING, SMALL, seed

pytestmark = pytest.mark.django_db


def test_the_demo_has_distributors_terms_and_a_settlement_last_week():
    seed(*SMALL, "--seed", "7")
    assert Distributor.objects.count() == 3
    assert not Movie.objects.filter(distributor__isnull=True).exists()
    assert set(RentalTerm.objects.values_list("from_week", flat=True)) == {1, 2, 3}
    assert RentalTerm.objects.filter(minimum_per_showtime__isnull=False).exists()
    last_week = settlement(day=MORNING.date() - dt.timedelta(days=7))
    assert last_week.admissions > 0 and last_week.due > 0
    assert all(m.has_terms for d in last_week.distributors for m in d.movies)
