"""Where the cinema shows: halls and their seats."""

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marquee.core.models import TimeStampedModel


class Hall(TimeStampedModel):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    # Kept equal to the number of seats by marquee.venues.services; never set by hand.
    capacity = models.PositiveIntegerField(_("capacity"), default=0, editable=False)

    class Meta:
        ordering = ["number"]
        verbose_name = _("hall")
        verbose_name_plural = _("halls")
        constraints = [models.CheckConstraint(condition=Q(number__gt=0), name="hall_number_positive")]

    def __str__(self) -> str:
        return f"{self.name} (#{self.number})"


class SeatType(models.TextChoices):
    STANDARD = "standard", _("Standard")
    VIP = "vip", _("VIP")
    ACCESSIBLE = "accessible", _("Accessible")
    # A space for a wheelchair, and the seat beside it for whoever comes along: both kept for
    # customers who say they need one until ACCESSIBLE_RELEASE_MINUTES before the show.
    WHEELCHAIR = "wheelchair", _("Wheelchair space")
    COMPANION = "companion", _("Companion seat")


# Seat types kept for customers who need a wheelchair space (marquee.booking's hold rules).
WHEELCHAIR_TYPES = frozenset({SeatType.WHEELCHAIR, SeatType.COMPANION})


class Seat(TimeStampedModel):
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="seats", verbose_name=_("hall"))
    row_number = models.PositiveSmallIntegerField(_("row"))
    seat_number = models.PositiveSmallIntegerField(_("seat"))
    # Where the seat stands across the hall, in places from the left wall: seats whose columns
    # differ by one are side by side; a missing column is an aisle or a gap. A row's seat
    # numbers still run 1, 2, 3… across its columns, whatever gaps lie between them.
    column = models.PositiveSmallIntegerField(_("column"))
    # In the hall's "best seats" zone: where best-available choice looks first.
    best_zone = models.BooleanField(_("best seats zone"), default=False)
    seat_type = models.CharField(_("seat type"), max_length=16, choices=SeatType.choices, default=SeatType.STANDARD)
    base_price = models.DecimalField(_("base price"), max_digits=8, decimal_places=2, default=Decimal("0.00"))

    class Meta:
        ordering = ["hall_id", "row_number", "seat_number"]
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        constraints = [
            models.UniqueConstraint(fields=["hall", "row_number", "seat_number"], name="seat_unique_in_hall"),
            models.UniqueConstraint(fields=["hall", "row_number", "column"], name="seat_place_unique_in_hall"),
            models.CheckConstraint(condition=Q(base_price__gte=0), name="seat_base_price_not_negative"),
            models.CheckConstraint(
                condition=Q(row_number__gt=0) & Q(seat_number__gt=0) & Q(column__gt=0), name="seat_position_positive"
            ),
            models.CheckConstraint(condition=Q(seat_type__in=SeatType.values), name="seat_type_valid"),
        ]

    def __str__(self) -> str:
        return f"Row {self.row_number}, seat {self.seat_number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A seat added without a place stands where its number says, as in a hall without aisles.
        if self.column is None:
            self.column = self.seat_number
        super().save(*args, **kwargs)
