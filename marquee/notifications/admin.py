"""The delivery log in Django admin: read-only rows, filters, and "resend" (a new copy)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from marquee.core.errors import DomainError, in_language
from marquee.notifications.models import OutgoingMail
from marquee.notifications.services import mail_requeue


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin[OutgoingMail]):
    list_display = ["created_at", "to_email", "kind", "status", "attempts", "short_error", "sent_at", "booking"]
    list_filter = ["status", "kind", ("sent_at", admin.DateFieldListFilter), ("created_at", admin.DateFieldListFilter)]
    search_fields = ["to_email", "booking__reference", "message_id"]
    list_select_related = ["booking"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    actions = ["resend"]
    readonly_fields = [
        "kind",
        "to_email",
        "status",
        "message_id",
        "booking",
        "customer",
        "context",
        "attempts",
        "next_attempt_at",
        "locked_until",
        "last_error",
        "sent_at",
        "created_at",
        "updated_at",
    ]
    fields = tuple(readonly_fields)

    @admin.display(description=_("last error"))
    def short_error(self, mail: OutgoingMail) -> str:
        return mail.last_error[:80] + ("…" if len(mail.last_error) > 80 else "")

    # The log is the worker's to write: staff read it and queue copies, nothing else.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutgoingMail | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutgoingMail | None = None) -> bool:
        return False

    @admin.action(description=_("Resend (queue a new copy)"), permissions=["view"])
    def resend(self, request: HttpRequest, queryset: QuerySet[OutgoingMail]) -> None:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        queued = 0
        for mail_id in ids:
            try:
                mail_requeue(mail_id=mail_id, staff_user=request.user)
            except DomainError as exc:
                # One row that may not be resent (still waiting, a sign-in link) spoils no other.
                self.message_user(
                    request,
                    gettext("Message %(id)s: %(problem)s") % {"id": mail_id, "problem": in_language(exc.detail)},
                    messages.WARNING,
                )
            else:
                queued += 1
        if queued:
            self.message_user(
                request,
                ngettext("Queued %(count)d new copy.", "Queued %(count)d new copies.", queued) % {"count": queued},
                messages.SUCCESS,
            )
