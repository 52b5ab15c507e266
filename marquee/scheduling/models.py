"""When the cinema shows what, and where, and how: the format (2D, 3D, IMAX…) and the
language version (dubbed, original with subtitles…) of each showtime."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marquee.catalog.models import Movie
from marquee.core.clock import local
from marquee.core.languages import localized
from marquee.core.models import TimeStampedModel
from marquee.venues.models import Hall


class ShowtimeStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class Format(TimeStampedModel):
    """How a film is projected (2D, 3D, IMAX…), kept by staff; a surcharge is added to every
    seat's price of its showtimes (`marquee.pricing.prices.seat_price`)."""

    code = models.SlugField(_("code"), max_length=32, unique=True, help_text=_('Used by the API, e.g. "3d".'))
    name = models.CharField(_("name"), max_length=40, unique=True, help_text=_("The same in every language: 3D, IMAX."))
    surcharge = models.DecimalField(_("surcharge per seat"), max_digits=8, decimal_places=2, default=Decimal("0.00"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("format")
        verbose_name_plural = _("formats")
        constraints = [
            models.CheckConstraint(condition=Q(surcharge__gte=0), name="format_surcharge_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class LanguageVersion(TimeStampedModel):
    """What the audience hears and reads: "Ukrainian", "Original, Ukrainian subtitles"…"""

    code = models.SlugField(_("code"), max_length=32, unique=True, help_text=_('Used by the API, e.g. "ov-uk-subs".'))
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("language version")
        verbose_name_plural = _("language versions")
        constraints = [
            models.CheckConstraint(condition=~Q(name_en="") | ~Q(name_uk=""), name="languageversion_has_a_name"),
        ]

    @property
    def name(self) -> str:
        return localized(self, "name")

    def __str__(self) -> str:
        return self.name


class Showtime(TimeStampedModel):
    movie = models.ForeignKey(Movie, on_delete=models.PROTECT, related_name="showtimes", verbose_name=_("movie"))
    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="showtimes", verbose_name=_("hall"))
    starts_at = models.DateTimeField(_("starts at"))
    # starts_at + the movie's duration + the cleaning buffer; set by the scheduling service.
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=16, choices=ShowtimeStatus.choices, default=ShowtimeStatus.SCHEDULED
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # Null: nothing said (a plain 2D showing, no surcharge).
    format = models.ForeignKey(
        Format, on_delete=models.PROTECT, null=True, blank=True, related_name="showtimes", verbose_name=_("format")
    )
    language_version = models.ForeignKey(
        LanguageVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="showtimes",
        verbose_name=_("language version"),
    )

    class Meta:
        ordering = ["starts_at", "hall__number"]
        verbose_name = _("showtime")
        verbose_name_plural = _("showtimes")
        indexes = [
            models.Index(fields=["starts_at"], name="showtime_starts_idx"),
            models.Index(fields=["hall", "starts_at"], name="showtime_hall_starts_idx"),
            models.Index(fields=["movie", "starts_at"], name="showtime_movie_starts_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="showtime_ends_after_start"),
            models.CheckConstraint(condition=Q(status__in=ShowtimeStatus.values), name="showtime_status_valid"),
            models.CheckConstraint(
                condition=Q(status=ShowtimeStatus.CANCELLED, cancelled_at__isnull=False)
                | Q(status=ShowtimeStatus.SCHEDULED, cancelled_at__isnull=True),
                name="showtime_cancelled_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        # In the cinema's time zone, however the moment was read (from the database it is UTC).
        return f"{self.movie.title} · {self.hall.name} · {local(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == ShowtimeStatus.CANCELLED

    @property
    def presentation(self) -> str:
        """Its format and language version as people read them: "3D · Original, Ukrainian
        subtitles" (in the active language); "" when neither is said. Join both in lists
        (select_related("format", "language_version")): a showtime without them costs no query."""
        parts = [
            self.format.name if self.format_id and self.format else "",
            self.language_version.name if self.language_version_id and self.language_version else "",
        ]
        return " · ".join(part for part in parts if part)

    @property
    def surcharge(self) -> Decimal:
        """What its format adds to each seat's price (`marquee.pricing.prices.seat_price`);
        nothing when no format is said. Join the format where many are priced."""
        return self.format.surcharge if self.format_id and self.format else Decimal(0)
