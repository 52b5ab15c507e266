"""A movie always has a genre; genres are unique whatever their case."""

import threading
from collections.abc import Callable
from functools import partial

import pytest
from django.db import connection, connections

from marquee.catalog.models import Genre, Movie
from marquee.catalog.services import genre_create, genre_delete, movie_create, movie_delete, movie_update
from marquee.core.errors import DomainError, InvalidState, ValidationFailed
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
    assert list(movie.genres.values_list("name_en", flat=True)) == ["Comedy"]


def test_genre_names_are_unique_whatever_their_case():
    genre_create(name="Drama")
    with pytest.raises(ValidationFailed):
        genre_create(name="drama")


def test_a_movie_with_showtimes_is_not_deleted():
    show = f.showtime()
    with pytest.raises(InvalidState):
        movie_delete(movie_id=show.movie_id)


# --- concurrent writers ----------------------------------------------------------------------
#
# Each race releases its threads together, each with its own connection (closed at the
# thread's end). PostgreSQL runs many pairs a round, SQLite a few (its writers queue on one
# lock). A loser must get the DomainError a single request would get, never an IntegrityError.

ON_POSTGRES = connection.vendor == "postgresql"
PAIRS = 12 if ON_POSTGRES else 3
ROUNDS = 4 if ON_POSTGRES else 1


def race(tasks: list[Callable[[], object]]) -> list[str]:
    """Run each task in its own thread, released together: "won" or the DomainError's code."""
    barrier = threading.Barrier(len(tasks))
    outcomes = ["hung"] * len(tasks)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            tasks[index]()
            outcomes[index] = "won"
        except DomainError as error:
            outcomes[index] = error.code
        except Exception as error:  # reported by the assertions
            outcomes[index] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(tasks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return outcomes


def pairwise_outcomes(outcomes: list[str]) -> list[tuple[str, str]]:
    return list(zip(outcomes[::2], outcomes[1::2], strict=True))


def assert_every_movie_has_a_genre() -> None:
    assert not Movie.objects.filter(genres=None).exists(), "a movie was left without a genre"


@pytest.mark.django_db(transaction=True)
def test_deleting_a_genre_while_a_movie_narrows_to_it_never_leaves_the_movie_bare():
    """Movie {A, B} becomes {A} while A is deleted: one of the two must lose."""
    for _round in range(ROUNDS):
        pairs = []
        for _ in range(PAIRS):
            a, b = f.genre(), f.genre()
            pairs.append((a.pk, f.movie(genres=[a, b]).pk))
        tasks: list[Callable[[], object]] = []
        for genre_id, movie_id in pairs:
            tasks.append(partial(genre_delete, genre_id=genre_id))
            tasks.append(partial(movie_update, movie_id=movie_id, genre_ids=[genre_id]))
        outcomes = race(tasks)
        # The delete first: the update finds no genre A. The update first: A is the movie's last.
        for delete, update in pairwise_outcomes(outcomes):
            assert (delete, update) in {("won", "validation_error"), ("invalid_state", "won")}, outcomes
        assert_every_movie_has_a_genre()


@pytest.mark.django_db(transaction=True)
def test_deleting_both_genres_of_a_movie_at_once_keeps_one():
    """Movie {A, B}; A and B deleted together: each delete alone would be fine, both are not."""
    for _round in range(ROUNDS):
        trios = []
        for _ in range(PAIRS):
            a, b = f.genre(), f.genre()
            f.movie(genres=[a, b])
            trios.append((a.pk, b.pk))
        tasks: list[Callable[[], object]] = []
        for a_id, b_id in trios:
            tasks.append(partial(genre_delete, genre_id=a_id))
            tasks.append(partial(genre_delete, genre_id=b_id))
        outcomes = race(tasks)
        for first, second in pairwise_outcomes(outcomes):
            assert sorted((first, second)) == ["invalid_state", "won"], outcomes
        assert_every_movie_has_a_genre()


@pytest.mark.django_db(transaction=True)
def test_creating_a_movie_while_its_genre_is_deleted_is_refused_cleanly():
    """The delete first: the create finds no genre (422, not a 500 from the foreign key).
    The create first: the new movie has only that genre, so the delete is refused."""
    for round_ in range(ROUNDS):
        genre_ids = [f.genre().pk for _ in range(PAIRS)]
        tasks: list[Callable[[], object]] = []
        for index, genre_id in enumerate(genre_ids):
            tasks.append(partial(genre_delete, genre_id=genre_id))
            tasks.append(
                partial(
                    movie_create,
                    title=f"Race {round_}.{index}",
                    duration_min=90,
                    release_year=2025,
                    genre_ids=[genre_id],
                )
            )
        outcomes = race(tasks)
        for delete, create in pairwise_outcomes(outcomes):
            assert (delete, create) in {("won", "validation_error"), ("invalid_state", "won")}, outcomes
        assert_every_movie_has_a_genre()
        assert Movie.objects.filter(title_en__startswith=f"Race {round_}.").count() == outcomes[1::2].count("won")
