"""Admin for showtimes, written through marquee.scheduling.services.

The end is computed (duration + cleaning), an overlap is refused naming the showtimes in
the way, and a showtime with tickets is cancelled (its bookings with it), not moved.
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marquee.core.admin import ServiceAdmin
from marquee.core.errors import DomainError, HallBusy, in_language
from marquee.payments.services import showtime_cancel, showtime_delete
from marquee.scheduling.models import Showtime, ShowtimeStatus
from marquee.scheduling.services import showtime_schedule, showtime_update


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
