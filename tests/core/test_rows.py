"""row_or_not_found: the one row of a model or a queryset, or NotFound with the caller's message."""

import pytest
from django.db import connection, transaction
from django.db.models import Count

from marquee.catalog.models import Genre
from marquee.core.errors import NotFound
from marquee.core.rows import row_or_not_found
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_model_class_finds_its_row_by_the_lookup():
    genre = f.genre("Drama")
    found = row_or_not_found(Genre, "No such genre.", pk=genre.pk)
    assert found == genre
    assert row_or_not_found(Genre, "No such genre.", name_en="Drama") == genre


def test_a_missing_row_is_not_found_with_the_message_and_fields():
    with pytest.raises(NotFound) as caught:
        row_or_not_found(Genre, "No such genre.", pk=987654)
    assert caught.value.detail == "No such genre."
    assert caught.value.fields is None
    assert caught.value.__cause__ is None  # the DoesNotExist is not chained into the error

    with pytest.raises(NotFound) as caught:
        row_or_not_found(Genre, "No such genre.", fields={"genre_id": ["No such genre."]}, pk=987654)
    assert caught.value.fields == {"genre_id": ["No such genre."]}


def test_a_queryset_keeps_its_filters_and_annotations():
    genre = f.genre("Drama")
    f.movie(genres=[genre])
    found = row_or_not_found(Genre.objects.annotate(movie_count=Count("movies")), "No such genre.", pk=genre.pk)
    assert found.movie_count == 1  # type: ignore[attr-defined]
    with pytest.raises(NotFound):
        row_or_not_found(Genre.objects.filter(name_en="Comedy"), "No such genre.", pk=genre.pk)


@pytest.mark.django_db(transaction=True)
def test_a_locked_queryset_locks_the_row_on_either_database(django_assert_num_queries):
    genre = f.genre("Drama")
    with transaction.atomic():
        with django_assert_num_queries(1) as queries:
            found = row_or_not_found(Genre.objects.select_for_update(), "No such genre.", pk=genre.pk)
        assert found == genre
        sql = queries.captured_queries[0]["sql"]
        if connection.features.has_select_for_update:
            assert "FOR UPDATE" in sql
        with pytest.raises(NotFound):
            row_or_not_found(Genre.objects.select_for_update(), "No such genre.", pk=genre.pk + 1000)
