"""A premiere's queued on-sale and the visitors who wait in it.

A `QueuedSale` puts one showtime, or every showtime of a movie, behind the waiting room from
its creation until staff end it (or its last showtime starts). Visitors who arrive before
`opens_at` are placed in a random order drawn at the opening (each arrival carries a random
`draw` key from the moment it joins); later ones join the end in arrival order. The sale lets
people through at `admit_per_minute`: the allowance is `admitted_base + rate × minutes since
rate_since`, and an arrival whose rank is within it may pass (marquee.waiting_room.admission).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marquee.catalog.models import Movie
from marquee.core.models import TimeStampedModel
from marquee.scheduling.models import Showtime


class QueuedSale(TimeStampedModel):
    showtime = models.ForeignKey(
        Showtime, verbose_name=_("showtime"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    movie = models.ForeignKey(
        Movie, verbose_name=_("movie"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    opens_at = models.DateTimeField(_("opens at"))
    admit_per_minute = models.PositiveIntegerField(_("admitted per minute"))
    # The allowance counted up to rate_since (a rate change keeps what was let through so far).
    admitted_base = models.FloatField(_("admitted before the rate's change"), default=0.0)
    rate_since = models.DateTimeField(_("rate in force since"))
    next_rank = models.PositiveIntegerField(_("next place"), default=1)
    drawn_at = models.DateTimeField(_("places drawn at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("queued sale")
        verbose_name_plural = _("queued sales")
        constraints = [
            models.CheckConstraint(
                condition=Q(showtime__isnull=False, movie__isnull=True) | Q(showtime__isnull=True, movie__isnull=False),
                name="queued_sale_one_target",
            ),
            models.CheckConstraint(condition=Q(admit_per_minute__gt=0), name="queued_sale_rate_positive"),
        ]
        indexes = [models.Index(fields=["ended_at"], name="queued_sale_live")]

    def __str__(self) -> str:
        return f"{self.pk}: {self.showtime_id or ''}{self.movie_id or ''} @ {self.opens_at:%Y-%m-%d %H:%M}"


class Arrival(TimeStampedModel):
    sale = models.ForeignKey(QueuedSale, on_delete=models.CASCADE, related_name="arrivals")
    visitor = models.CharField(_("visitor id"), max_length=32)  # random; lives in a signed cookie
    draw = models.BigIntegerField(_("drawn key"))  # random; orders those who came before the opening
    rank = models.PositiveIntegerField(_("place"), null=True, blank=True)  # set at the draw or on joining after
    joined_at = models.DateTimeField(_("joined at"))
    admitted_at = models.DateTimeField(_("admitted at"), null=True, blank=True)  # its pass first given
    holds = models.PositiveSmallIntegerField(_("holds with its pass"), default=0)
    seats_used = models.PositiveSmallIntegerField(_("seats held with its pass"), default=0)

    class Meta:
        verbose_name = _("arrival")
        verbose_name_plural = _("arrivals")
        constraints = [
            models.UniqueConstraint(fields=["sale", "visitor"], name="arrival_one_per_visitor"),
            models.UniqueConstraint(fields=["sale", "rank"], name="arrival_one_per_place"),
        ]
        indexes = [models.Index(fields=["sale", "draw"], name="arrival_draw")]

    def __str__(self) -> str:
        return f"{self.sale_id}#{self.rank or '?'}"
