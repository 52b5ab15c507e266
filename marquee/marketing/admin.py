from django.contrib import admin
from django.http import HttpRequest

from marquee.marketing.models import Campaign, Recommendation


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin[Campaign]):
    list_display = ["pk", "started_at", "finished_at", "queued", "limit_per_customer", "started_by"]
    readonly_fields = ["started_at", "finished_at", "queued", "limit_per_customer", "started_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin[Recommendation]):
    list_display = ["customer", "movie", "sent_at", "campaign"]
    list_select_related = ["customer", "movie"]
    search_fields = ["customer__email", "movie__title_en", "movie__title_uk"]
    readonly_fields = ["customer", "movie", "sent_at", "campaign"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
