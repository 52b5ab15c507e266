"""What the cinema shows: movies and their genres."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marquee.core.models import TimeStampedModel


class Genre(TimeStampedModel):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("genre")
        verbose_name_plural = _("genres")

    def __str__(self) -> str:
        return self.name


class AgeRating(models.IntegerChoices):
    ALL = 0, "0+"
    SIX = 6, "6+"
    TWELVE = 12, "12+"
    SIXTEEN = 16, "16+"
    EIGHTEEN = 18, "18+"


class Movie(TimeStampedModel):
    title = models.CharField(_("title"), max_length=200, db_index=True)
    description = models.TextField(_("description"), blank=True)
    duration_min = models.PositiveSmallIntegerField(_("duration (minutes)"))
    age_rating = models.PositiveSmallIntegerField(_("age rating"), choices=AgeRating.choices, default=AgeRating.ALL)
    release_year = models.PositiveSmallIntegerField(_("release year"))
    genres = models.ManyToManyField(Genre, related_name="movies", verbose_name=_("genres"))
    poster = models.ImageField(_("poster"), upload_to="posters/", blank=True)
    is_listed = models.BooleanField(_("listed"), default=True, help_text=_("Shown to customers."))

    class Meta:
        ordering = ["title"]
        verbose_name = _("movie")
        verbose_name_plural = _("movies")
        constraints = [
            models.CheckConstraint(condition=Q(duration_min__gt=0), name="movie_duration_positive"),
            models.CheckConstraint(condition=Q(age_rating__in=AgeRating.values), name="movie_age_rating_valid"),
            models.CheckConstraint(
                condition=Q(release_year__gte=1888) & Q(release_year__lte=2200), name="movie_release_year_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.release_year})"
