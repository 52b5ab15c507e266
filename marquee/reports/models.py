"""Tallies: the final figures of showtimes that have begun, so that reports over a year
read thousands of rows instead of a million booked seats.

Once a showtime has begun its figures cannot change (holds end at the start, payment and
cancellation close before it); only cancelling the whole showtime can, and reports leave
cancelled showtimes out. `marquee.reports.services.showtimes_tally` writes them (the
worker runs it); the selectors combine them with live counts for showtimes not yet
tallied, so figures are the same whether or not the tally has run.
"""

from decimal import Decimal

from django.db import models

from marquee.core.models import TimeStampedModel
from marquee.scheduling.models import Showtime


class ShowtimeTally(TimeStampedModel):
    showtime = models.OneToOneField(Showtime, on_delete=models.CASCADE, related_name="tally")
    capacity = models.PositiveIntegerField()
    sold = models.PositiveIntegerField()
    revenue = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    tallied_at = models.DateTimeField()

    class Meta:
        verbose_name = "showtime tally"
        verbose_name_plural = "showtime tallies"

    def __str__(self) -> str:
        return f"showtime {self.showtime_id}: {self.sold}/{self.capacity}"


class ShowtimeTallyCell(TimeStampedModel):
    """Tickets and revenue of one tallied showtime for one seat type, tariff, ticket type,
    channel and comp-or-not (written with its ShowtimeTally, in the same transaction)."""

    showtime = models.ForeignKey(Showtime, on_delete=models.CASCADE, related_name="tally_cells")
    seat_type = models.CharField(max_length=16)
    tariff_name = models.CharField(max_length=60, blank=True)
    # The seats' ticket type, as they keep it (BookingSeat.ticket_type_name).
    ticket_type_name = models.CharField(max_length=60, blank=True)
    channel = models.CharField(max_length=16, default="online")  # the bookings' (online, box_office)
    comp = models.BooleanField(default=False)  # comps: seats given free at the counter
    tickets = models.PositiveIntegerField()
    revenue = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["showtime", "seat_type", "tariff_name", "ticket_type_name", "channel", "comp"],
                name="tally_cell_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.showtime_id} {self.seat_type} {self.tariff_name}: {self.tickets}"
