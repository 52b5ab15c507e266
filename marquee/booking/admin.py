"""Admin for customers and bookings: read-only records with the box office's actions.

Money and state are never edited here; they change through marquee.booking.services
(mark paid at the box office, cancel as staff, resend the tickets), one booking at a time,
each with its own message.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from marquee.booking.models import Booking, BookingSeat, Customer
from marquee.booking.services import booking_resend, customer_withdraw_consent
from marquee.core.admin import ReadOnlyInline
from marquee.core.errors import DomainError, in_language


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records are shown, never typed in: every field read-only, no adding or deleting."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields] + list(self.readonly_fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The list's actions need "change"; a record's own page is view-only (no Save button).
        return obj is None and super().has_change_permission(request)


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = ("last_name", "first_name", "email", "phone", "marketing_consent", "created_at")
    list_filter = ("marketing_consent",)
    search_fields = ("last_name", "first_name", "email", "phone")
    actions = ("withdraw_consent",)

    @admin.action(description=_("Withdraw marketing consent"), permissions=["change"])
    def withdraw_consent(self, request: HttpRequest, queryset: QuerySet[Customer]) -> None:
        for customer in queryset.filter(marketing_consent=True).order_by("pk"):
            customer_withdraw_consent(customer_id=customer.pk)
            self.message_user(request, _("%(who)s will get no more marketing email.") % {"who": customer})


class BookingSeatInline(ReadOnlyInline):
    model = BookingSeat
    fields = ("seat", "tariff_name", "final_price", "status", "checked_in_at", "checked_in_by", "checked_in_override")
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[BookingSeat]:
        return super().get_queryset(request).select_related("seat", "checked_in_by")


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = (
        "reference",
        "customer",
        "showtime",
        "status",
        "cancel_reason",
        "total_price",
        "booked_at",
        "paid_at",
        "gift",
    )
    list_filter = ("status", "cancel_reason", "payment_method", "showtime__hall")
    search_fields = ("=reference", "customer__email", "customer__last_name", "recipient_email", "recipient_name")
    list_select_related = ("customer", "showtime__movie", "showtime__hall")
    date_hierarchy = "booked_at"
    exclude = ("token_hash",)
    readonly_fields = ("gift",)
    inlines = (BookingSeatInline,)
    # Paying and cancelling move money: marquee/payments/admin.py adds those actions.
    actions: tuple[str, ...] = ("resend_tickets",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [name for name in super().get_readonly_fields(request, obj) if name != "token_hash"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Booking]:
        return super().get_queryset(request).select_related("customer", "showtime__movie", "showtime__hall")

    @admin.display(description=_("gift"), boolean=True)
    def gift(self, booking: Booking) -> bool:
        return booking.is_gift

    def _each(self, request: HttpRequest, queryset: QuerySet[Booking], act: Callable[[str], Any], done: str) -> None:
        for reference in queryset.order_by("pk").values_list("reference", flat=True):
            try:
                act(reference)
            except DomainError as error:
                self.message_user(request, f"{reference}: {in_language(error.detail)}", messages.ERROR)
            else:
                self.message_user(request, f"{reference}: {done}", messages.SUCCESS)

    @admin.action(description=_("Resend tickets"), permissions=["change"])
    def resend_tickets(self, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        self._each(
            request,
            queryset,
            lambda ref: booking_resend(reference=ref, staff_user=request.user),
            str(_("tickets queued.")),
        )


@admin.register(BookingSeat)
class BookingSeatAdmin(ReadOnlyAdmin):
    list_display = ("booking", "showtime", "seat", "seat_hall", "final_price", "tariff_name", "status")
    list_filter = ("status", "seat__seat_type", "tariff_name")
    search_fields = ("=booking__reference",)
    list_select_related = ("booking", "showtime__movie", "showtime__hall", "seat__hall")

    @admin.display(description=_("hall"))
    def seat_hall(self, booking_seat: BookingSeat) -> str:
        return booking_seat.seat.hall.name

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
