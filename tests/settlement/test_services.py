"""Keeping distributors and terms: the rules, and the movie's distributor through the catalog."""

from decimal import Decimal

import pytest

from marquee.core.errors import InvalidState, NotFound, ValidationFailed
from marquee.settlement.models import RentalTerm
from marquee.settlement.services import TermSpec, distributor_create, distributor_delete, movie_update, rental_terms_set
from tests import factories as f
from tests.settlement.conftest import distributor

pytestmark = pytest.mark.django_db


def test_names_are_unique_whatever_the_case_and_rates_are_percentages():
    distributor("Bohdan Films")
    with pytest.raises(ValidationFailed) as taken:
        distributor_create(name="bohdan films")
    assert "name" in taken.value.fields
    with pytest.raises(ValidationFailed) as rate:
        distributor_create(name="Other", vat_rate=Decimal("100.01"), email="not-an-email")
    assert set(rate.value.fields) == {"vat_rate", "email"}


def test_terms_start_at_week_one_once_per_week():
    movie = f.movie()
    for bad in ([TermSpec(2, Decimal("50"))], [TermSpec(1, Decimal("50")), TermSpec(1, Decimal("40"))],
                [TermSpec(1, Decimal("100.5"))], [TermSpec(1, Decimal("50"), Decimal("-1"))]):  # fmt: skip
        with pytest.raises(ValidationFailed):
            rental_terms_set(movie_id=movie.pk, terms=bad)
    rental_terms_set(movie_id=movie.pk, terms=[TermSpec(2, Decimal("50")), TermSpec(1, Decimal("55"), Decimal("300"))])
    assert list(RentalTerm.objects.filter(movie=movie).values_list("from_week", "percentage")) == [
        (1, Decimal("55.00")),
        (2, Decimal("50.00")),
    ]
    rental_terms_set(movie_id=movie.pk, terms=[])
    assert not RentalTerm.objects.filter(movie=movie).exists()
    with pytest.raises(NotFound):
        rental_terms_set(movie_id=movie.pk + 999, terms=[])


def test_a_movie_takes_a_distributor_and_a_distributor_with_movies_stays():
    kino = distributor()
    movie = f.movie(distributor_id=kino.pk)
    with pytest.raises(InvalidState):
        distributor_delete(distributor_id=kino.pk)
    with pytest.raises(ValidationFailed) as unknown:
        movie_update(movie_id=movie.pk, distributor_id=kino.pk + 999)
    assert "distributor_id" in unknown.value.fields
    movie_update(movie_id=movie.pk, remove_distributor=True)
    movie.refresh_from_db()
    assert movie.distributor_id is None
    distributor_delete(distributor_id=kino.pk)
