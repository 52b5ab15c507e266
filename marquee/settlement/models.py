"""Who each film comes from and what the cinema owes them: distributors and rental terms.

A distributor (name, email, VAT rule) supplies movies (`catalog.Movie.distributor`). A movie's
rental terms say which share of the net box office the distributor takes, by week of the run:
the term in force for week N is the one with the largest `from_week` ≤ N, so "55% from week 1,
50% from week 2, 45% from week 3" is three rows. A term may add a minimum per showtime (the
distributor takes at least that for every showtime, however few came).
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marquee.core.models import TimeStampedModel


class Distributor(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    email = models.EmailField(_("email"), blank=True, help_text=_("Where settlement statements are sent."))
    contact = models.CharField(_("contact person"), max_length=200, blank=True)
    # The VAT included in ticket prices of its films (a percentage; 0 for exempt films):
    # VAT = gross × rate / (100 + rate).
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    # The language its statements and emails are written in ("" is settings.LANGUAGE_CODE).
    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("distributor")
        verbose_name_plural = _("distributors")
        constraints = [
            models.CheckConstraint(
                condition=Q(vat_rate__gte=0) & Q(vat_rate__lte=100), name="distributor_vat_rate_valid"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="distributor_has_a_name"),
        ]

    def __str__(self) -> str:
        return self.name


class RentalTerm(TimeStampedModel):
    movie = models.ForeignKey(
        "catalog.Movie", on_delete=models.CASCADE, related_name="rental_terms", verbose_name=_("movie")
    )
    from_week = models.PositiveSmallIntegerField(_("from week of the run"), default=1)
    percentage = models.DecimalField(_("share of the net box office (%)"), max_digits=5, decimal_places=2)
    minimum_per_showtime = models.DecimalField(
        _("minimum per showtime"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["movie", "from_week"]
        verbose_name = _("rental term")
        verbose_name_plural = _("rental terms")
        constraints = [
            models.UniqueConstraint(fields=["movie", "from_week"], name="rentalterm_once_per_week"),
            models.CheckConstraint(condition=Q(from_week__gte=1), name="rentalterm_week_from_one"),
            models.CheckConstraint(
                condition=Q(percentage__gte=0) & Q(percentage__lte=100), name="rentalterm_percentage_valid"
            ),
            models.CheckConstraint(
                condition=Q(minimum_per_showtime__isnull=True) | Q(minimum_per_showtime__gte=0),
                name="rentalterm_minimum_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.movie_id} week {self.from_week}+: {self.percentage}%"
