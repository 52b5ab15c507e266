"""Reading the catalog: movies and genres as the back office's forms and pages list them."""

from collections.abc import Iterable

from django.db.models import QuerySet

from marquee.catalog.models import Genre, Movie
from marquee.core.languages import localized_expression


def genres_by_name() -> QuerySet[Genre]:
    """Every genre by name in the reader's language (then id, for a stable order)."""
    return Genre.objects.order_by(localized_expression("name"), "pk")


def movies_by_title() -> QuerySet[Movie]:
    """Every movie (listed or not) by English, then Ukrainian title: the choices of a form."""
    return Movie.objects.order_by("title_en", "title_uk")


def movies_by_english_title() -> QuerySet[Movie]:
    """Every movie by English title: the choices of a form."""
    return Movie.objects.order_by("title_en")


def movies_with_genres(ids: Iterable[int]) -> dict[int, Movie]:
    """The movies with these ids, by id, their genres prefetched: two queries."""
    return Movie.objects.prefetch_related("genres").in_bulk(list(ids))


def movie_exists(movie_id: int) -> bool:
    return Movie.objects.filter(pk=movie_id).exists()
