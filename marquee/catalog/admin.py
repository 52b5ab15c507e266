"""Admin for the catalogue: movies and genres, written through marquee.catalog.services."""

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from marquee.catalog.models import Genre, Movie
from marquee.catalog.services import genre_create, genre_delete, genre_update, movie_create, movie_delete, movie_update
from marquee.core.admin import ServiceAdmin


@admin.register(Genre)
class GenreAdmin(ServiceAdmin):
    list_display = ("name_en", "name_uk", "movie_count", "updated_at")
    search_fields = ("name_en", "name_uk")
    fields = ("name_en", "name_uk")
    service_field_map = {"name": "name_en"}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Genre]:
        return super().get_queryset(request).annotate(movie_count=Count("movies"))

    @admin.display(description=_("movies"), ordering="movie_count")
    def movie_count(self, genre: Genre) -> int:
        return getattr(genre, "movie_count", 0)

    def service_save(self, form: Any) -> Genre:
        data, user = form.cleaned_data, getattr(type(form), "staff_user", None)
        if form.instance.pk is None:
            return genre_create(name_en=data["name_en"], name_uk=data["name_uk"], staff_user=user)
        return genre_update(
            genre_id=form.instance.pk, name_en=data["name_en"], name_uk=data["name_uk"], staff_user=user
        )

    def service_delete(self, obj: Genre, *, staff_user: Any = None) -> None:
        genre_delete(genre_id=obj.pk, staff_user=staff_user)


@admin.register(Movie)
class MovieAdmin(ServiceAdmin):
    list_display = ("title_en", "title_uk", "release_year", "duration_min", "age_rating", "genre_list", "is_listed")
    list_filter = ("is_listed", "age_rating", "genres", "release_year")
    search_fields = ("title_en", "title_uk", "description_en", "description_uk")
    filter_horizontal = ("genres",)
    fields = (
        "title_en",
        "title_uk",
        "description_en",
        "description_uk",
        "genres",
        "duration_min",
        "age_rating",
        "release_year",
        "poster",
        "is_listed",
    )
    service_field_map = {"genre_ids": "genres", "title": "title_en"}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Movie]:
        return super().get_queryset(request).prefetch_related("genres")

    @admin.display(description=_("genres"))
    def genre_list(self, movie: Movie) -> str:
        return ", ".join(g.name for g in movie.genres.all())

    def service_save(self, form: Any) -> Movie:
        data = form.cleaned_data
        values = {
            "title_en": data["title_en"],
            "title_uk": data["title_uk"],
            "description_en": data.get("description_en", ""),
            "description_uk": data.get("description_uk", ""),
            "duration_min": data["duration_min"],
            "age_rating": data["age_rating"],
            "release_year": data["release_year"],
            "genre_ids": [g.pk for g in data["genres"]],
            "is_listed": data["is_listed"],
            "staff_user": getattr(type(form), "staff_user", None),
        }
        if form.instance.pk is None:
            return movie_create(**values)
        return movie_update(movie_id=form.instance.pk, **values)

    def save_model(self, request: HttpRequest, obj: Movie, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # The staff pages upload posters through the services, which check them; the admin's
        # ImageField has already checked that this one is an image.
        if "poster" in form.changed_data:
            obj.poster = form.cleaned_data["poster"] or ""
            obj.save(update_fields=["poster", "updated_at"])

    def service_delete(self, obj: Movie, *, staff_user: Any = None) -> None:
        movie_delete(movie_id=obj.pk, staff_user=staff_user)
