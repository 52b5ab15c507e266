"""Reading the catalog for the back office's forms."""

import pytest

from marquee.catalog import selectors
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_movies_in_title_order_and_with_their_genres(django_assert_num_queries):
    drama = f.genre("Drama")
    b = f.movie(title="Bravo", genres=[drama])
    a = f.movie(title="Alpha", genres=[drama], is_listed=False)
    assert list(selectors.movies_by_title()) == [a, b]
    assert list(selectors.movies_by_english_title()) == [a, b]
    with django_assert_num_queries(2):
        found = selectors.movies_with_genres([b.pk, a.pk])
        assert [g.name for g in found[b.pk].genres.all()] == ["Drama"]
    assert set(found) == {a.pk, b.pk}


def test_genres_by_name():
    f.genre("Western")
    f.genre("Comedy")
    names = [g.name for g in selectors.genres_by_name()]
    assert names == sorted(names)
