"""What the cinema shows: movies and their genres."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from marquee.core.languages import localized
from marquee.core.models import TimeStampedModel


class Genre(TimeStampedModel):
    # One name per site language; `name` is the visitor's, falling back to the other.
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=60, blank=True)

    class Meta:
        ordering = ["name_en", "name_uk"]
        verbose_name = _("genre")
        verbose_name_plural = _("genres")
        constraints = [
            # Unique in each language, whatever the case (the services say so first, politely).
            models.UniqueConstraint(Lower("name_en"), name="genre_name_en_unique", condition=~Q(name_en="")),
            models.UniqueConstraint(Lower("name_uk"), name="genre_name_uk_unique", condition=~Q(name_uk="")),
            models.CheckConstraint(condition=~Q(name_en="") | ~Q(name_uk=""), name="genre_has_a_name"),
        ]

    @property
    def name(self) -> str:
        return localized(self, "name")

    def __str__(self) -> str:
        return self.name


class AgeRating(models.IntegerChoices):
    ALL = 0, "0+"
    SIX = 6, "6+"
    TWELVE = 12, "12+"
    SIXTEEN = 16, "16+"
    EIGHTEEN = 18, "18+"


class Movie(TimeStampedModel):
    # One title and description per site language; `title` and `description` are the
    # visitor's, falling back to the other language's.
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True, db_index=True)
    title_uk = models.CharField(_("title (Ukrainian)"), max_length=200, blank=True, db_index=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_uk = models.TextField(_("description (Ukrainian)"), blank=True)
    duration_min = models.PositiveSmallIntegerField(_("duration (minutes)"))
    age_rating = models.PositiveSmallIntegerField(_("age rating"), choices=AgeRating.choices, default=AgeRating.ALL)
    release_year = models.PositiveSmallIntegerField(_("release year"))
    genres = models.ManyToManyField(Genre, related_name="movies", verbose_name=_("genres"))
    poster = models.ImageField(_("poster"), upload_to="posters/", blank=True)
    is_listed = models.BooleanField(_("listed"), default=True, help_text=_("Shown to customers."))
    # Who supplies the film and takes a share of its box office (marquee.settlement).
    distributor = models.ForeignKey(
        "settlement.Distributor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movies",
        verbose_name=_("distributor"),
    )

    class Meta:
        ordering = ["title_en", "title_uk"]
        verbose_name = _("movie")
        verbose_name_plural = _("movies")
        constraints = [
            models.CheckConstraint(condition=Q(duration_min__gt=0), name="movie_duration_positive"),
            models.CheckConstraint(condition=Q(age_rating__in=AgeRating.values), name="movie_age_rating_valid"),
            models.CheckConstraint(
                condition=Q(release_year__gte=1888) & Q(release_year__lte=2200), name="movie_release_year_sane"
            ),
            models.CheckConstraint(condition=~Q(title_en="") | ~Q(title_uk=""), name="movie_has_a_title"),
        ]

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def description(self) -> str:
        return localized(self, "description")

    def __str__(self) -> str:
        return f"{self.title} ({self.release_year})"
