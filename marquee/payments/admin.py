"""The ledger in Django's admin: read-only, and the booking and showtime pages whose
actions move money.

Booking's own admin cannot offer "mark paid" or "cancel" (booking never imports payments):
its ModelAdmin is replaced here by one with those actions, which call the ledger.

Showtimes are registered here too, written through marquee.scheduling.services: the end
is computed (duration + cleaning), an overlap is refused naming the showtimes in the way,
and a showtime with tickets is cancelled (its bookings with it, refunded), not moved or
deleted. Cancelling and deleting refund, so the page lives with the ledger, above both
scheduling and booking.
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marquee.booking.admin import BookingAdmin, ReadOnlyAdmin
from marquee.booking.models import Booking
from marquee.core.admin import ServiceAdmin
from marquee.core.errors import DomainError, HallBusy, in_language
from marquee.payments.models import Payment, ProviderNotification, Refund
from marquee.payments.services import booking_cancel, payment_record_box_office, showtime_cancel, showtime_delete
from marquee.scheduling.models import Showtime, ShowtimeStatus
from marquee.scheduling.services import showtime_schedule, showtime_update


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


def _span(showtime: Showtime) -> str:
    start, end = timezone.localtime(showtime.starts_at), timezone.localtime(showtime.ends_at)
    return f"{showtime.movie.title} {start:%Y-%m-%d %H:%M}–{end:%H:%M}"


@admin.register(Showtime)
class ShowtimeAdmin(ServiceAdmin):
    list_display = ("starts_at", "ends_at", "movie", "hall", "status")
    list_filter = ("status", "hall", "movie__is_listed")
    search_fields = ("movie__title_en", "movie__title_uk", "hall__name")
    date_hierarchy = "starts_at"
    list_select_related = ("movie", "hall")
    fields = ("movie", "hall", "starts_at", "ends_at", "status", "cancelled_at")
    readonly_fields = ("ends_at", "status", "cancelled_at")
    ordering = ("-starts_at",)
    actions = ("cancel_showtimes",)
    service_field_map = {"movie_id": "movie", "hall_id": "hall"}

    def service_save(self, form: Any) -> Showtime:
        data = form.cleaned_data
        if form.instance.pk is None:
            return showtime_schedule(
                movie_id=data["movie"].pk,
                hall_id=data["hall"].pk,
                starts_at=data["starts_at"],
                staff_user=form.staff_user,
            )
        return showtime_update(
            showtime_id=form.instance.pk,
            movie_id=data["movie"].pk,
            hall_id=data["hall"].pk,
            starts_at=data["starts_at"],
            staff_user=form.staff_user,
        )

    def describe_error(self, error: DomainError) -> DomainError:
        conflicts = error.extra.get("conflicts") if isinstance(error, HallBusy) else None
        if not conflicts:
            return error
        clashing = Showtime.objects.filter(pk__in=conflicts).select_related("movie").order_by("starts_at")
        names = "; ".join(_span(s) for s in clashing)
        detail = gettext("%(problem)s It overlaps: %(showtimes)s.") % {
            "problem": in_language(error.detail),
            "showtimes": names,
        }
        return HallBusy(detail, fields=error.fields, conflicts=conflicts)

    def service_delete(self, obj: Showtime, *, staff_user: Any = None) -> str | None:
        if showtime_delete(showtime_id=obj.pk, staff_user=staff_user):
            return None
        return str(_("“%(show)s” has bookings: it was cancelled instead, with its bookings.") % {"show": obj})

    @admin.action(description=_("Cancel selected showtimes (and their bookings)"), permissions=["change"])
    def cancel_showtimes(self, request: HttpRequest, queryset: QuerySet[Showtime]) -> None:
        done = 0
        for showtime in queryset.filter(status=ShowtimeStatus.SCHEDULED).order_by("pk"):
            try:
                showtime_cancel(showtime_id=showtime.pk, staff_user=request.user)
            except DomainError as error:
                self.message_user(request, f"{showtime}: {in_language(error.detail)}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, _("%(count)d showtime(s) cancelled.") % {"count": done}, messages.SUCCESS)
