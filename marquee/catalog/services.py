"""Writing movies and genres. A movie always has at least one genre.

That rule spans rows, so it holds against concurrent writers by locks taken in one order:
genres by id, then movies by id. A writer that gives a movie genres locks them FOR SHARE
and checks they exist under that lock; genre_delete locks the genre FOR UPDATE, then the
movies that have it, and only then looks for movies it would leave without a genre.
"""

from collections.abc import Iterable, Sequence

from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower

from marquee.catalog.models import AgeRating, Genre, Movie
from marquee.core.errors import InvalidState, NotFound, ValidationFailed


def genre_create(*, name: str) -> Genre:
    name = name.strip()
    if not name:
        raise ValidationFailed("A genre needs a name.", fields={"name": ["This field is required."]})
    if Genre.objects.annotate(n=Lower("name")).filter(n=name.lower()).exists():
        raise ValidationFailed("That genre exists.", fields={"name": ["A genre with this name exists."]})
    try:
        with transaction.atomic():
            return Genre.objects.create(name=name)
    except IntegrityError:
        raise ValidationFailed("That genre exists.", fields={"name": ["A genre with this name exists."]}) from None


def genre_update(*, genre_id: int, name: str) -> Genre:
    name = name.strip()
    if not name:
        raise ValidationFailed("A genre needs a name.", fields={"name": ["This field is required."]})
    try:
        with transaction.atomic():
            genre = Genre.objects.select_for_update().get(pk=genre_id)
            genre.name = name
            genre.save(update_fields=["name", "updated_at"])
            return genre
    except Genre.DoesNotExist:
        raise NotFound("No such genre.") from None
    except IntegrityError:
        raise ValidationFailed("That genre exists.", fields={"name": ["A genre with this name exists."]}) from None


def genre_delete(*, genre_id: int) -> None:
    with transaction.atomic():
        try:
            genre = Genre.objects.select_for_update().get(pk=genre_id)
        except Genre.DoesNotExist:
            raise NotFound("No such genre.") from None
        # With the genre locked, no writer can give a movie this genre (they lock it FOR SHARE
        # first), but one may be taking another genre away from a movie that has this one:
        # lock those movies too (genres before movies, movies by id, as every service does),
        # then check in a new statement, which sees what their writers committed.
        movie_ids = list(Movie.objects.filter(genres=genre).values_list("pk", flat=True))
        list(Movie.objects.select_for_update().filter(pk__in=movie_ids).order_by("pk").values_list("pk", flat=True))
        # A movie must keep at least one genre.
        orphaned = Movie.objects.filter(genres=genre).exclude(genres__in=Genre.objects.exclude(pk=genre.pk))
        if orphaned.exists():
            titles = ", ".join(orphaned.values_list("title", flat=True)[:5])
            raise InvalidState(f"These movies have no other genre: {titles}.")
        genre.delete()


def _lock_genres(genre_ids: Iterable[int]) -> list[Genre]:
    """The genres a movie is about to get, locked FOR SHARE in id order until commit.

    Shared, because movies may take one genre together; it keeps genre_delete (FOR UPDATE)
    out until they commit, and makes them wait for a delete in flight and then miss the row.
    On SQLite the IMMEDIATE transaction already keeps every other writer out.
    """
    ids = sorted(set(genre_ids))
    if not ids:
        return []
    if connection.vendor != "postgresql":
        return list(Genre.objects.filter(pk__in=ids).order_by("pk"))
    # The ORM has no FOR SHARE (select_for_update is FOR UPDATE, which would queue movies).
    quote = connection.ops.quote_name
    table, pk = quote(Genre._meta.db_table), quote(str(Genre._meta.pk.column))
    sql = f"SELECT * FROM {table} WHERE {pk} = ANY(%s) ORDER BY {pk} FOR SHARE"  # noqa: S608 - our names
    return list(Genre.objects.raw(sql, [ids]))


def _validate_movie(
    *,
    title: str,
    duration_min: int,
    age_rating: int,
    release_year: int,
    genre_ids: Sequence[int] | None,
    genres: Sequence[Genre] = (),
) -> None:
    """Refuse an invalid movie with every field's error. `genres` are those of `genre_ids`
    that exist (locked by the caller); None for `genre_ids` leaves the genres as they are."""
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["This field is required."]
    if duration_min <= 0:
        errors["duration_min"] = ["The duration must be more than zero minutes."]
    if age_rating not in AgeRating.values:
        errors["age_rating"] = [f"One of {', '.join(str(v) for v in AgeRating.values)}."]
    if not 1888 <= release_year <= 2200:
        errors["release_year"] = ["Not a believable year."]
    if genre_ids is not None and not genre_ids:
        errors["genre_ids"] = ["A movie needs at least one genre."]
    elif genre_ids is not None and len(genres) != len(set(genre_ids)):
        # Unknown, or deleted by a writer that committed while we waited for its lock.
        missing = sorted(set(genre_ids) - {g.pk for g in genres})
        errors["genre_ids"] = [f"No such genre: {', '.join(map(str, missing))}."]
    if errors:
        raise ValidationFailed("The movie is not valid.", fields=errors)


def movie_create(
    *,
    title: str,
    duration_min: int,
    release_year: int,
    genre_ids: Sequence[int],
    age_rating: int = 0,
    description: str = "",
    is_listed: bool = True,
) -> Movie:
    with transaction.atomic():
        # The genres are checked under their lock, so none can vanish before the commit
        # (checked outside, a concurrent delete ended in a foreign-key error).
        genres = _lock_genres(genre_ids)
        _validate_movie(
            title=title,
            duration_min=duration_min,
            age_rating=age_rating,
            release_year=release_year,
            genre_ids=genre_ids,
            genres=genres,
        )
        movie = Movie.objects.create(
            title=title.strip(),
            description=description,
            duration_min=duration_min,
            age_rating=age_rating,
            release_year=release_year,
            is_listed=is_listed,
        )
        movie.genres.set(genres)
        return movie


def movie_update(
    *,
    movie_id: int,
    title: str | None = None,
    description: str | None = None,
    duration_min: int | None = None,
    age_rating: int | None = None,
    release_year: int | None = None,
    genre_ids: Sequence[int] | None = None,
    is_listed: bool | None = None,
) -> Movie:
    """Change a movie. A new duration applies to showtimes scheduled after the change."""
    with transaction.atomic():
        # The new genres first, then the movie: genre_delete takes them in that order too.
        # Genres the movie loses need no lock: a delete of one of them locks this movie.
        genres = _lock_genres(genre_ids) if genre_ids is not None else []
        try:
            movie = Movie.objects.select_for_update().get(pk=movie_id)
        except Movie.DoesNotExist:
            raise NotFound("No such movie.") from None
        _validate_movie(
            title=title if title is not None else movie.title,
            duration_min=duration_min if duration_min is not None else movie.duration_min,
            age_rating=age_rating if age_rating is not None else movie.age_rating,
            release_year=release_year if release_year is not None else movie.release_year,
            genre_ids=genre_ids,
            genres=genres,
        )
        if title is not None:
            movie.title = title.strip()
        if description is not None:
            movie.description = description
        if duration_min is not None:
            movie.duration_min = duration_min
        if age_rating is not None:
            movie.age_rating = age_rating
        if release_year is not None:
            movie.release_year = release_year
        if is_listed is not None:
            movie.is_listed = is_listed
        movie.save()
        if genre_ids is not None:
            movie.genres.set(genres)
        return movie


def movie_delete(*, movie_id: int) -> None:
    """A movie with showtimes is unlisted instead: its history stays in the reports."""
    with transaction.atomic():
        try:
            movie = Movie.objects.select_for_update().get(pk=movie_id)
        except Movie.DoesNotExist:
            raise NotFound("No such movie.") from None
        if movie.showtimes.exists():
            raise InvalidState("This movie has showtimes; unlist it instead of deleting it.")
        movie.delete()
