"""Tariffs (a price multiplier for showtimes that start within a time range) and ticket types
(who a ticket is for, and how that changes its price)."""

from decimal import Decimal

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


class PriceRule(models.TextChoices):
    MULTIPLIER = "multiplier", _("Multiplier")
    AMOUNT_OFF = "amount_off", _("Amount off")


class TicketType(TimeStampedModel):
    """Who a ticket is for (Adult, Child, Student, Senior…) and how that changes its price.

    The rule (`marquee.pricing.prices.seat_price`) takes the tariff's price of the seat and
    multiplies it, or takes an amount off, never going below `min_price`. The door sees
    `door_note` ("show student ID"). `max_age_rating` keeps a type off films rated above it
    (no child tickets for 18+ films). Exactly one type is the default (Adult), chosen for a
    seat unless the customer picks another.
    """

    code = models.SlugField(_("code"), max_length=32, unique=True, help_text=_('Used by the API, e.g. "child".'))
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=60, blank=True)
    door_note_en = models.CharField(_("note for the door (English)"), max_length=200, blank=True)
    door_note_uk = models.CharField(_("note for the door (Ukrainian)"), max_length=200, blank=True)
    rule = models.CharField(_("price rule"), max_length=16, choices=PriceRule.choices, default=PriceRule.MULTIPLIER)
    multiplier = models.DecimalField(_("multiplier"), max_digits=6, decimal_places=3, default=Decimal("1.000"))
    amount_off = models.DecimalField(_("amount off"), max_digits=8, decimal_places=2, default=Decimal("0.00"))
    min_price = models.DecimalField(_("lowest price"), max_digits=8, decimal_places=2, default=Decimal("0.00"))
    max_age_rating = models.PositiveSmallIntegerField(
        _("only for films rated at most"), null=True, blank=True, help_text=_("Empty: every film.")
    )
    is_default = models.BooleanField(_("default"), default=False)
    is_active = models.BooleanField(_("on sale"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")
        constraints = [
            models.CheckConstraint(condition=Q(rule__in=PriceRule.values), name="tickettype_rule_valid"),
            models.CheckConstraint(condition=Q(multiplier__gt=0), name="tickettype_multiplier_positive"),
            models.CheckConstraint(condition=Q(amount_off__gte=0), name="tickettype_amount_off_not_negative"),
            models.CheckConstraint(condition=Q(min_price__gte=0), name="tickettype_min_price_not_negative"),
            models.CheckConstraint(condition=~Q(name_en="") | ~Q(name_uk=""), name="tickettype_has_a_name"),
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="tickettype_one_default"),
            models.CheckConstraint(
                condition=Q(is_default=False) | Q(is_active=True), name="tickettype_default_on_sale"
            ),
        ]

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def name_in_default_language(self) -> str:
        """What a booked seat keeps (`BookingSeat.ticket_type_name`), as with tariffs."""
        return localized(self, "name", default_language())

    @property
    def door_note(self) -> str:
        return localized(self, "door_note")

    def __str__(self) -> str:
        return self.name
