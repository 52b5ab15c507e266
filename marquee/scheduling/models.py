"""When the cinema shows what, and where."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marquee.catalog.models import Movie
from marquee.core.clock import local
from marquee.core.models import TimeStampedModel
from marquee.venues.models import Hall


class ShowtimeStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


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
