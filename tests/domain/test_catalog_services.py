"""A movie always has a genre; genres are unique whatever their case."""

import pytest

from marquee.catalog.models import Genre, Movie
from marquee.catalog.services import genre_create, genre_delete, movie_create, movie_delete, movie_update
from marquee.core.errors import InvalidState, ValidationFailed
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_movie_needs_a_genre():
    with pytest.raises(ValidationFailed) as refused:
        movie_create(title="Nothing", duration_min=90, release_year=2025, genre_ids=[])
    assert "genre_ids" in refused.value.fields
    assert not Movie.objects.exists()


def test_an_unknown_genre_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        movie_create(title="Nothing", duration_min=90, release_year=2025, genre_ids=[999_999])
    assert "genre_ids" in refused.value.fields


def test_an_update_cannot_remove_every_genre():
    movie = f.movie()
    with pytest.raises(ValidationFailed):
        movie_update(movie_id=movie.pk, genre_ids=[])
    assert movie.genres.count() == 1


@pytest.mark.parametrize(("field", "value"), [("duration_min", 0), ("age_rating", 7), ("release_year", 1700)])
def test_invalid_movie_fields_are_refused(field, value):
    values = {"title": "X", "duration_min": 90, "release_year": 2025, "age_rating": 0, field: value}
    with pytest.raises(ValidationFailed) as refused:
        movie_create(genre_ids=[f.genre().pk], **values)
    assert field in refused.value.fields


def test_deleting_a_movies_only_genre_is_refused():
    drama = f.genre("Drama")
    f.movie(title="Salt and Static", genres=[drama])
    with pytest.raises(InvalidState) as refused:
        genre_delete(genre_id=drama.pk)
    assert "Salt and Static" in refused.value.detail
    assert Genre.objects.filter(pk=drama.pk).exists()


def test_a_genre_may_go_when_its_movies_have_another():
    drama, comedy = f.genre("Drama"), f.genre("Comedy")
    movie = f.movie(genres=[drama, comedy])
    genre_delete(genre_id=drama.pk)
    assert list(movie.genres.values_list("name", flat=True)) == ["Comedy"]


def test_genre_names_are_unique_whatever_their_case():
    genre_create(name="Drama")
    with pytest.raises(ValidationFailed):
        genre_create(name="drama")


def test_a_movie_with_showtimes_is_not_deleted():
    show = f.showtime()
    with pytest.raises(InvalidState):
        movie_delete(movie_id=show.movie_id)
