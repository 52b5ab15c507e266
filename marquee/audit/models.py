"""One row per staff change. Rows are written once and never changed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marquee.core.models import TimeStampedModel


class AuditEntry(TimeStampedModel):
    # The user may be deleted later; their name stays on the record.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("staff user")
    )
    actor_name = models.CharField(_("staff user's name"), max_length=150, blank=True)
    # A dotted name such as "booking.cancel" or "showtime.update"; see marquee.audit.labels.
    action = models.CharField(_("action"), max_length=64)
    # What was changed: a kind ("booking", "showtime", "hall", …), its id and a label for people.
    target_type = models.CharField(_("kind"), max_length=32)
    target_id = models.CharField(_("id"), max_length=64, blank=True)
    target_label = models.CharField(_("what"), max_length=200, blank=True)
    # So that a booking's page and its showtime's page each find the entries that concern them.
    booking_id = models.IntegerField(_("booking"), null=True, blank=True)
    showtime_id = models.IntegerField(_("showtime"), null=True, blank=True)
    # {"field": [before, after]}, values as JSON-safe text.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    # Everything above as lowercase text, for the audit page's free-text search: SQLite
    # compares only ASCII letters without case, and stores JSON with non-ASCII escaped.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at"], name="audit_recent"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["booking_id"], name="audit_booking"),
            models.Index(fields=["showtime_id"], name="audit_showtime"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor"),
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name or 'system'} {self.action} {self.target_label}"
