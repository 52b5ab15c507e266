"""Promo codes: a discount a customer types at checkout, under the rules staff set.

`promotions` stands below `booking`: a booking refers to the code it used
(`Booking.promo_code`); a code's uses are counted from those bookings, so a lapsed or
cancelled hold gives its use back with no bookkeeping of its own.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from marquee.catalog.models import Movie
from marquee.core.models import TimeStampedModel
from marquee.scheduling.models import Format, Showtime

ALL_DAYS = 0b1111111  # Monday is bit 0, as in date.weekday() (and pricing.Tariff.days_mask)


class DiscountKind(models.TextChoices):
    PERCENT = "percent", _("Percent off")
    AMOUNT = "amount", _("Amount off")


class PromoBatch(TimeStampedModel):
    """Single-use codes generated in one go (a mailing, a partner's giveaway), exported as CSV."""

    prefix = models.CharField(_("prefix"), max_length=12, blank=True)
    quantity = models.PositiveIntegerField(_("number of codes"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("batch of promo codes")
        verbose_name_plural = _("batches of promo codes")
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="promobatch_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.prefix or '-'} × {self.quantity}"


class PromoCode(TimeStampedModel):
    # Kept in capitals; unique whatever its case (customers type it as they like).
    code = models.CharField(_("code"), max_length=40)
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("For staff: what the promotion is."))
    kind = models.CharField(_("discount"), max_length=16, choices=DiscountKind.choices)
    # Percent (0 < v <= 100) or an amount off the whole booking.
    value = models.DecimalField(_("value"), max_digits=8, decimal_places=2)
    # Days of purchase in the cinema's time zone, both included; empty = open-ended.
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # Weekdays of the showtime's local start, one bit a day (Monday = bit 0).
    days_mask = models.PositiveSmallIntegerField(_("days of week"), default=ALL_DAYS)
    # Each empty = every one.
    movies = models.ManyToManyField(Movie, blank=True, related_name="+", verbose_name=_("movies"))
    formats = models.ManyToManyField(Format, blank=True, related_name="+", verbose_name=_("formats"))
    showtimes = models.ManyToManyField(Showtime, blank=True, related_name="+", verbose_name=_("showtimes"))
    # Counted as active bookings carrying the code (paid, or held and not lapsed); null = no limit.
    max_uses = models.PositiveIntegerField(_("uses in total"), null=True, blank=True)
    max_uses_per_customer = models.PositiveIntegerField(_("uses per customer"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    batch = models.ForeignKey(
        PromoBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="codes",
        verbose_name=_("batch"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("promo code")
        verbose_name_plural = _("promo codes")
        constraints = [
            models.UniqueConstraint(Lower("code"), name="promocode_code_unique_ci"),
            models.CheckConstraint(condition=Q(kind__in=DiscountKind.values), name="promocode_kind_valid"),
            models.CheckConstraint(
                condition=Q(value__gt=0) & (~Q(kind=DiscountKind.PERCENT) | Q(value__lte=100)),
                name="promocode_value_valid",
            ),
            models.CheckConstraint(
                condition=Q(days_mask__gte=1) & Q(days_mask__lte=ALL_DAYS), name="promocode_days_valid"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="promocode_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(max_uses__gte=1), name="promocode_max_uses_positive"
            ),
            models.CheckConstraint(
                condition=Q(max_uses_per_customer__isnull=True) | Q(max_uses_per_customer__gte=1),
                name="promocode_max_uses_per_customer_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.code
