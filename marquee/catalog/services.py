"""Writing movies and genres. A movie always has at least one genre.

That rule spans rows, so it holds against concurrent writers by locks taken in one order:
genres by id, then movies by id. A writer that gives a movie genres locks them FOR SHARE
and checks they exist under that lock; genre_delete locks the genre FOR UPDATE, then the
movies that have it, and only then looks for movies it would leave without a genre.

Titles, descriptions and genre names are kept in each site language (`title_en`, `title_uk`;
marquee.core.languages). A service takes each language's value, or the plain one (`title`,
`name`), which is the default language's: what an API client that knows nothing of languages
sends. A movie or genre needs a title or name in at least one language; a genre's name is
unique in each language, whatever its case. Every change is audited with the `staff_user`.

A movie's distributor is settlement's: `distributor_id` is stored and audited here, but that
the distributor exists (locked until the commit) is checked by marquee.settlement.services'
movie_create and movie_update, through which the callers that set a distributor go.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from marquee.audit.services import Actor, audit_record, changes_between, snapshot
from marquee.catalog.models import AgeRating, Genre, Movie
from marquee.catalog.posters import poster_check
from marquee.core.errors import InvalidState, ValidationFailed
from marquee.core.languages import CONTENT_LANGUAGES, default_language
from marquee.core.rows import row_or_not_found

GENRE_FIELDS = ("name_en", "name_uk")
MOVIE_FIELDS = (
    "title_en",
    "title_uk",
    "description_en",
    "description_uk",
    "duration_min",
    "age_rating",
    "release_year",
    "is_listed",
    "poster",
)


def _per_language(field: str, plain: str | None, given: Mapping[str, str | None]) -> dict[str, str | None]:
    """{"title_en": …, "title_uk": …} from each language's value, the plain one filling the
    default language's where that was not given. None: not given (left as it is)."""
    values = {f"{field}_{code}": given.get(f"{field}_{code}") for code in CONTENT_LANGUAGES}
    default = f"{field}_{default_language()}"
    if values[default] is None and plain is not None:
        values[default] = plain
    return values


def _genre_audit(genre: Genre) -> dict[str, Any]:
    return snapshot(genre, GENRE_FIELDS)


def _movie_audit(movie: Movie) -> dict[str, Any]:
    return {
        **snapshot(movie, MOVIE_FIELDS),
        "genres": sorted(g.name_en or g.name_uk for g in movie.genres.all()),
        "distributor": movie.distributor.name if movie.distributor is not None else None,
    }


def _validate_genre(names: Mapping[str, str], *, exclude_pk: int | None, plain: bool) -> None:
    """Refuse a genre with no name, or a name another genre has in the same language."""
    if not any(names.values()):
        message = _("A genre needs a name.")
        raise ValidationFailed(message, fields={"name": [message]})
    errors: dict[str, list[str]] = {}
    for field, value in names.items():
        if not value:
            continue
        # Compared in Python: SQLite's LOWER() folds ASCII only, and genres are few.
        others = Genre.objects.exclude(pk=exclude_pk) if exclude_pk is not None else Genre.objects.all()
        if any(other.casefold() == value.casefold() for other in others.values_list(field, flat=True)):
            key = "name" if plain and field == f"name_{default_language()}" else field
            errors[key] = [_("A genre with this name exists.")]
    if errors:
        raise ValidationFailed(_("That genre exists."), fields=errors)


def _genre_exists() -> ValidationFailed:
    return ValidationFailed(_("That genre exists."), fields={"name": [_("A genre with this name exists.")]})


def genre_create(
    *, name: str | None = None, name_en: str | None = None, name_uk: str | None = None, staff_user: Actor = None
) -> Genre:
    given = _per_language("name", name, {"name_en": name_en, "name_uk": name_uk})
    names = {field: (value or "").strip() for field, value in given.items()}
    _validate_genre(names, exclude_pk=None, plain=name is not None)
    try:
        with transaction.atomic():
            genre = Genre.objects.create(**names)
            audit_record(
                actor=staff_user,
                action="genre.create",
                target_type="genre",
                target_id=genre.pk,
                target_label=genre.name_en or genre.name_uk,
                changes={field: [None, value] for field, value in _genre_audit(genre).items() if value},
            )
            return genre
    except IntegrityError:
        raise _genre_exists() from None


def genre_update(
    *,
    genre_id: int,
    name: str | None = None,
    name_en: str | None = None,
    name_uk: str | None = None,
    staff_user: Actor = None,
) -> Genre:
    given = _per_language("name", name, {"name_en": name_en, "name_uk": name_uk})
    try:
        with transaction.atomic():
            genre = row_or_not_found(Genre.objects.select_for_update(), _("No such genre."), pk=genre_id)
            before = _genre_audit(genre)
            for field, value in given.items():
                if value is not None:
                    setattr(genre, field, value.strip())
            _validate_genre({f: getattr(genre, f) for f in GENRE_FIELDS}, exclude_pk=genre.pk, plain=name is not None)
            genre.save(update_fields=[*GENRE_FIELDS, "updated_at"])
            changes = changes_between(before, _genre_audit(genre))
            if changes:
                audit_record(
                    actor=staff_user,
                    action="genre.update",
                    target_type="genre",
                    target_id=genre.pk,
                    target_label=genre.name_en or genre.name_uk,
                    changes=changes,
                )
            return genre
    except IntegrityError:
        raise _genre_exists() from None


def genre_delete(*, genre_id: int, staff_user: Actor = None) -> None:
    with transaction.atomic():
        genre = row_or_not_found(Genre.objects.select_for_update(), _("No such genre."), pk=genre_id)
        # With the genre locked, no writer can give a movie this genre (they lock it FOR SHARE
        # first), but one may be taking another genre away from a movie that has this one:
        # lock those movies too (genres before movies, movies by id, as every service does),
        # then check in a new statement, which sees what their writers committed.
        movie_ids = list(Movie.objects.filter(genres=genre).values_list("pk", flat=True))
        list(Movie.objects.select_for_update().filter(pk__in=movie_ids).order_by("pk").values_list("pk", flat=True))
        # A movie must keep at least one genre.
        orphaned = Movie.objects.filter(genres=genre).exclude(genres__in=Genre.objects.exclude(pk=genre.pk))
        if orphaned.exists():
            titles = ", ".join(m.title for m in orphaned[:5])
            raise InvalidState(_("These movies have no other genre: %(titles)s.") % {"titles": titles})
        audit_record(
            actor=staff_user,
            action="genre.delete",
            target_type="genre",
            target_id=genre.pk,
            target_label=genre.name_en or genre.name_uk,
            changes={field: [value, None] for field, value in _genre_audit(genre).items() if value},
        )
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
    titles: Mapping[str, str],
    duration_min: int,
    age_rating: int,
    release_year: int,
    genre_ids: Sequence[int] | None,
    genres: Sequence[Genre] = (),
) -> None:
    """Refuse an invalid movie with every field's error. `genres` are those of `genre_ids`
    that exist (locked by the caller); None for `genre_ids` leaves the genres as they are."""
    errors: dict[str, list[str]] = {}
    if not any(t.strip() for t in titles.values()):
        errors["title"] = [_("This field is required.")]
    if duration_min <= 0:
        errors["duration_min"] = [_("The duration must be more than zero minutes.")]
    if age_rating not in AgeRating.values:
        errors["age_rating"] = [_("One of %(values)s.") % {"values": ", ".join(str(v) for v in AgeRating.values)}]
    if not 1888 <= release_year <= 2200:
        errors["release_year"] = [_("Not a believable year.")]
    if genre_ids is not None and not genre_ids:
        errors["genre_ids"] = [_("A movie needs at least one genre.")]
    elif genre_ids is not None and len(genres) != len(set(genre_ids)):
        # Unknown, or deleted by a writer that committed while we waited for its lock.
        missing = sorted(set(genre_ids) - {g.pk for g in genres})
        errors["genre_ids"] = [_("No such genre: %(ids)s.") % {"ids": ", ".join(map(str, missing))}]
    if errors:
        raise ValidationFailed(_("The movie is not valid."), fields=errors)


def _label(movie: Movie) -> str:
    return f"{movie.title_en or movie.title_uk} ({movie.release_year})"


def movie_create(
    *,
    duration_min: int,
    release_year: int,
    genre_ids: Sequence[int],
    title: str | None = None,
    title_en: str | None = None,
    title_uk: str | None = None,
    description: str | None = None,
    description_en: str | None = None,
    description_uk: str | None = None,
    age_rating: int = 0,
    is_listed: bool = True,
    poster: UploadedFile | None = None,
    distributor_id: int | None = None,
    staff_user: Actor = None,
) -> Movie:
    titles = {
        f: (v or "").strip()
        for f, v in _per_language("title", title, {"title_en": title_en, "title_uk": title_uk}).items()
    }
    descriptions = {
        f: v or ""
        for f, v in _per_language(
            "description", description, {"description_en": description_en, "description_uk": description_uk}
        ).items()
    }
    extension = poster_check(poster) if poster is not None else ""
    with transaction.atomic():
        # The genres are checked under their lock, so none can vanish before the commit
        # (checked outside, a concurrent delete ended in a foreign-key error).
        genres = _lock_genres(genre_ids)
        _validate_movie(
            titles=titles,
            duration_min=duration_min,
            age_rating=age_rating,
            release_year=release_year,
            genre_ids=genre_ids,
            genres=genres,
        )
        movie = Movie.objects.create(
            **titles,
            **descriptions,
            duration_min=duration_min,
            age_rating=age_rating,
            release_year=release_year,
            is_listed=is_listed,
            distributor_id=distributor_id,
        )
        movie.genres.set(genres)
        if poster is not None:
            movie.poster.save(f"movie-{movie.pk}.{extension}", poster, save=True)
        audit_record(
            actor=staff_user,
            action="movie.create",
            target_type="movie",
            target_id=movie.pk,
            target_label=_label(movie),
            changes={field: [None, value] for field, value in _movie_audit(movie).items() if value not in ("", None)},
        )
        return movie


def movie_update(
    *,
    movie_id: int,
    title: str | None = None,
    title_en: str | None = None,
    title_uk: str | None = None,
    description: str | None = None,
    description_en: str | None = None,
    description_uk: str | None = None,
    duration_min: int | None = None,
    age_rating: int | None = None,
    release_year: int | None = None,
    genre_ids: Sequence[int] | None = None,
    is_listed: bool | None = None,
    poster: UploadedFile | None = None,
    remove_poster: bool = False,
    distributor_id: int | None = None,
    remove_distributor: bool = False,
    staff_user: Actor = None,
) -> Movie:
    """Change a movie. A new duration applies to showtimes scheduled after the change.
    None leaves a field as it is; a new `poster` replaces the old, `remove_poster` drops it;
    `distributor_id` sets the distributor (checked by settlement.services.movie_update, which
    calls this), `remove_distributor` leaves the movie without one."""
    text = {
        **_per_language("title", title, {"title_en": title_en, "title_uk": title_uk}),
        **_per_language(
            "description", description, {"description_en": description_en, "description_uk": description_uk}
        ),
    }
    extension = poster_check(poster) if poster is not None else ""
    with transaction.atomic():
        # The new genres first, then the movie: genre_delete takes them in that order too.
        # Genres the movie loses need no lock: a delete of one of them locks this movie.
        genres = _lock_genres(genre_ids) if genre_ids is not None else []
        movie = row_or_not_found(Movie.objects.select_for_update(), _("No such movie."), pk=movie_id)
        before = _movie_audit(movie)
        for field, value in text.items():
            if value is not None:
                setattr(movie, field, value.strip() if field.startswith("title") else value)
        _validate_movie(
            titles={"title_en": movie.title_en, "title_uk": movie.title_uk},
            duration_min=duration_min if duration_min is not None else movie.duration_min,
            age_rating=age_rating if age_rating is not None else movie.age_rating,
            release_year=release_year if release_year is not None else movie.release_year,
            genre_ids=genre_ids,
            genres=genres,
        )
        if duration_min is not None:
            movie.duration_min = duration_min
        if age_rating is not None:
            movie.age_rating = age_rating
        if release_year is not None:
            movie.release_year = release_year
        if is_listed is not None:
            movie.is_listed = is_listed
        if distributor_id is not None:
            movie.distributor_id = distributor_id
        elif remove_distributor:
            movie.distributor_id = None
        if poster is not None:
            movie.poster.save(f"movie-{movie.pk}.{extension}", poster, save=False)
        elif remove_poster:
            movie.poster = ""
        movie.save()
        if genre_ids is not None:
            movie.genres.set(genres)
        changes = changes_between(before, _movie_audit(movie))
        if changes:
            audit_record(
                actor=staff_user,
                action="movie.update",
                target_type="movie",
                target_id=movie.pk,
                target_label=_label(movie),
                changes=changes,
            )
        return movie


def movie_delete(*, movie_id: int, staff_user: Actor = None) -> None:
    """A movie with showtimes is unlisted instead: its history stays in the reports."""
    with transaction.atomic():
        movie = row_or_not_found(Movie.objects.select_for_update(), _("No such movie."), pk=movie_id)
        if movie.showtimes.exists():
            raise InvalidState(_("This movie has showtimes; unlist it instead of deleting it."))
        audit_record(
            actor=staff_user,
            action="movie.delete",
            target_type="movie",
            target_id=movie.pk,
            target_label=_label(movie),
            changes={field: [value, None] for field, value in _movie_audit(movie).items() if value not in ("", None)},
        )
        movie.delete()
