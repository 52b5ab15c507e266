"""core.pages.page_of: a slice of an ordered list and how many it has, in two queries."""

import pytest

from marquee.catalog.models import Genre
from marquee.core.pages import page_of

pytestmark = pytest.mark.django_db


def test_a_page_is_its_slice_and_the_whole_count(django_assert_num_queries):
    names = [f"Genre {n:02}" for n in range(7)]
    Genre.objects.bulk_create(Genre(name_en=n, name_uk=n) for n in names)
    rows = Genre.objects.filter(name_en__startswith="Genre ").order_by("name_en")
    with django_assert_num_queries(2):
        page = page_of(rows, limit=3, offset=3)
    assert page.count == 7
    assert [g.name_en for g in page.results] == names[3:6]
    assert page_of(rows, limit=3, offset=6).results[0].name_en == names[6]
    assert page_of(rows, limit=3, offset=9).results == []
