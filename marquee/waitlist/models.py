"""A sold-out showtime's waiting list: one entry per customer in line, in the order they joined.

An entry is `waiting` until seats free up and it is the first in line that they fit; then it is
`offered`: the seats are held for it (a pending booking, `booking`) for WAITLIST_OFFER_MINUTES
and an email with a link to pay goes out. Paid → `booked`; the hold lapsed or was cancelled →
`lapsed` (the next in line gets the seats); the customer left the line → `left`.

The database keeps the rules that matter under many workers: one live entry (waiting or
offered) per email and showtime; a booking is the offer of at most one entry; a waiting entry
has no booking and every offered one has one (so an entry is offered once: waiting → offered
is the only way to a booking, and nothing leads back to waiting).
"""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from marquee.booking.models import Booking
from marquee.core.models import TimeStampedModel
from marquee.scheduling.models import Showtime


class EntryStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Offered")
    BOOKED = "booked", _("Booked")
    LAPSED = "lapsed", _("Offer lapsed")
    LEFT = "left", _("Left the list")


LIVE_STATUSES = (EntryStatus.WAITING, EntryStatus.OFFERED)
# Statuses that went through an offer: they keep its booking.
OFFER_STATUSES = (EntryStatus.OFFERED, EntryStatus.BOOKED, EntryStatus.LAPSED)


class WaitlistEntry(TimeStampedModel):
    showtime = models.ForeignKey(
        Showtime, on_delete=models.CASCADE, related_name="waitlist_entries", verbose_name=_("showtime")
    )
    email = models.EmailField(_("email"))
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    seats = models.PositiveSmallIntegerField(_("seats"))
    # The language of the customer's emails ("" is settings.LANGUAGE_CODE).
    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    joined_at = models.DateTimeField(_("joined at"))
    status = models.CharField(_("status"), max_length=16, choices=EntryStatus.choices, default=EntryStatus.WAITING)
    booking = models.OneToOneField(
        Booking,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="waitlist_entry",
        verbose_name=_("offer's booking"),
    )
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["showtime", "joined_at", "pk"]
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list entries")
        indexes = [models.Index(fields=["showtime", "status", "joined_at"], name="waitlist_line_idx")]
        constraints = [
            models.UniqueConstraint(
                "showtime",
                Lower("email"),
                condition=Q(status__in=LIVE_STATUSES),
                name="waitlist_one_live_entry_per_email",
            ),
            models.CheckConstraint(condition=Q(status__in=EntryStatus.values), name="waitlist_status_valid"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="waitlist_seats_positive"),
            # Waiting: never offered. Offered, booked or lapsed: the offer's booking and time.
            models.CheckConstraint(
                condition=~Q(status=EntryStatus.WAITING) | Q(booking__isnull=True, offered_at__isnull=True),
                name="waitlist_waiting_has_no_offer",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=OFFER_STATUSES) | Q(booking__isnull=False, offered_at__isnull=False),
                name="waitlist_offer_has_booking",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ×{self.seats} ({self.status})"
