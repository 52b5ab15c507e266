"""The waiting lists in the admin: read-only records (they change through the services)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from marquee.waitlist.models import WaitlistEntry


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    list_display = ("showtime", "email", "seats", "status", "joined_at", "offered_at", "booking")
    list_filter = ("status",)
    search_fields = ("email", "last_name", "booking__reference")
    list_select_related = ("showtime__movie", "showtime__hall", "booking")
    ordering = ("-joined_at", "-pk")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
