"""The ledger in Django's admin: read-only, and the booking actions that move money.

Booking's own admin cannot offer "mark paid" or "cancel" (booking never imports payments):
its ModelAdmin is replaced here by one with those actions, which call the ledger.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from marquee.booking.admin import BookingAdmin, ReadOnlyAdmin
from marquee.booking.models import Booking
from marquee.payments.models import Payment, ProviderNotification, Refund
from marquee.payments.services import booking_cancel, payment_record_box_office


class BookingMoneyAdmin(BookingAdmin):
    actions = ("mark_paid", "cancel_by_staff", "resend_tickets")

    @admin.action(description=_("Mark paid (box office)"), permissions=["change"])
    def mark_paid(self, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        def pay(ref: str) -> Any:
            return payment_record_box_office(reference=ref, method="cash", staff_user=request.user)

        self._each(request, queryset, pay, str(_("paid at the box office.")))

    @admin.action(description=_("Cancel (staff)"), permissions=["change"])
    def cancel_by_staff(self, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        def cancel(ref: str) -> Any:
            return booking_cancel(reference=ref, by_staff=True, staff_user=request.user)

        self._each(request, queryset, cancel, str(_("cancelled.")))


admin.site.unregister(Booking)
admin.site.register(Booking, BookingMoneyAdmin)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("booking", "provider", "amount", "currency", "status", "amount_refunded", "problem", "created_at")
    list_filter = ("status", "provider")
    search_fields = ("=booking__reference", "=provider_id")
    list_select_related = ("booking",)
    date_hierarchy = "created_at"


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("payment", "amount", "status", "requested_by", "reason", "attempts", "created_at")
    list_filter = ("status", "requested_by")
    search_fields = ("=payment__booking__reference",)
    list_select_related = ("payment",)


@admin.register(ProviderNotification)
class ProviderNotificationAdmin(ReadOnlyAdmin):
    list_display = ("provider", "type", "event_id", "received_at", "outcome")
    list_filter = ("provider", "type")
    search_fields = ("=event_id",)
