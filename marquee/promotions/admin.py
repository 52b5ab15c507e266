from django.contrib import admin

from marquee.promotions.models import PromoBatch, PromoCode


@admin.register(PromoCode)
class PromoCodeAdmin(admin.ModelAdmin):
    """Read-only: codes are written through the services (the staff pages and API), which audit."""

    list_display = ("code", "kind", "value", "valid_from", "valid_until", "max_uses", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(PromoBatch)
class PromoBatchAdmin(admin.ModelAdmin):
    list_display = ("prefix", "quantity", "created_at", "created_by")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
