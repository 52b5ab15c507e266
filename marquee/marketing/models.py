"""Recommendation campaigns, and what was recommended to whom (never the same movie twice)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marquee.booking.models import Customer
from marquee.catalog.models import Movie
from marquee.core.models import TimeStampedModel


class Campaign(TimeStampedModel):
    """One sending of recommendation email."""

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    limit_per_customer = models.PositiveSmallIntegerField(_("movies per email"), default=3)
    queued = models.PositiveIntegerField(_("email queued"), default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("recommendation campaign")
        verbose_name_plural = _("recommendation campaigns")

    def __str__(self) -> str:
        return f"Campaign {self.pk} ({self.started_at:%Y-%m-%d %H:%M}, {self.queued} email)"


class Recommendation(TimeStampedModel):
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="recommendations", verbose_name=_("customer")
    )
    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="recommendations", verbose_name=_("movie"))
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("campaign"),
    )
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            # The rule that matters: never the same movie twice to the same customer.
            models.UniqueConstraint(fields=["customer", "movie"], name="recommendation_once_per_customer_movie"),
        ]

    def __str__(self) -> str:
        return f"{self.movie_id} → {self.customer_id}"
