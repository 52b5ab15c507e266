"""Tariffs: a price multiplier for showtimes that start within a time range."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marquee.core.languages import default_language, localized
from marquee.core.models import TimeStampedModel

ALL_DAYS = 0b1111111  # Monday is bit 0, as in date.weekday()


class Tariff(TimeStampedModel):
    # One name per site language; `name` is the visitor's, falling back to the other.
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=60, blank=True)
    start_time = models.TimeField(_("starts at"), help_text=_("Inclusive, cinema local time."))
    end_time = models.TimeField(_("ends at"), help_text=_("Exclusive, cinema local time."))
    price_multiplier = models.DecimalField(_("price multiplier"), max_digits=6, decimal_places=3)
    # Which weekdays it applies on, one bit a day (Monday = bit 0); every day by default.
    days_mask = models.PositiveSmallIntegerField(_("days of week"), default=ALL_DAYS)

    class Meta:
        ordering = ["start_time"]
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        constraints = [
            models.CheckConstraint(condition=Q(start_time__lt=models.F("end_time")), name="tariff_start_before_end"),
            models.CheckConstraint(condition=Q(price_multiplier__gt=0), name="tariff_multiplier_positive"),
            models.CheckConstraint(
                condition=Q(days_mask__gte=1) & Q(days_mask__lte=ALL_DAYS), name="tariff_days_valid"
            ),
            models.CheckConstraint(condition=~Q(name_en="") | ~Q(name_uk=""), name="tariff_has_a_name"),
        ]

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def name_in_default_language(self) -> str:
        """What a booked seat keeps (`BookingSeat.tariff_name`): one language, so reports group by it."""
        return localized(self, "name", default_language())

    def booked_name(self, kept: str) -> str:
        """The name a seat booked under this tariff shows: this tariff's in the active language
        while it still has the name the seat kept (`kept`, the default language's), else `kept`
        (the tariff was renamed since, and the ticket says what was sold)."""
        return self.name if kept == self.name_in_default_language else kept

    def __str__(self) -> str:
        return f"{self.name} {self.start_time:%H:%M}–{self.end_time:%H:%M} ×{self.price_multiplier}"
