"""Queued sales and their arrivals, read-only: staff set up, re-rate and end a queued sale on the
staff pages (/staff/queues/), through the audited services."""

from django.contrib import admin

from marquee.booking.admin import ReadOnlyAdmin
from marquee.waiting_room.models import Arrival, QueuedSale


@admin.register(QueuedSale)
class QueuedSaleAdmin(ReadOnlyAdmin):
    list_display = ("pk", "showtime", "movie", "opens_at", "admit_per_minute", "drawn_at", "ended_at")
    list_select_related = ("showtime__movie", "showtime__hall", "movie")


@admin.register(Arrival)
class ArrivalAdmin(ReadOnlyAdmin):
    list_display = ("pk", "sale", "rank", "joined_at", "admitted_at", "holds", "seats_used")
    list_filter = ("sale",)
    ordering = ("sale", "rank")
