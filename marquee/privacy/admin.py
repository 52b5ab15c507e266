"""Erasures, read-only: made by the back office or the staff API (marquee.privacy.services)."""

from django.contrib import admin

from marquee.booking.admin import ReadOnlyAdmin
from marquee.privacy.models import CustomerErasure, ErasureRequest


@admin.register(CustomerErasure)
class CustomerErasureAdmin(ReadOnlyAdmin):
    list_display = ("customer_id", "erased_at", "erased_by", "reason")
    list_select_related = ("erased_by",)
    date_hierarchy = "erased_at"


@admin.register(ErasureRequest)
class ErasureRequestAdmin(ReadOnlyAdmin):
    list_display = ("customer_id", "requested_at")
    date_hierarchy = "requested_at"
