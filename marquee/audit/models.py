"""One row per staff change. Rows are written once and never changed."""

from django.conf import settings
from django.db import models

from marquee.core.models import TimeStampedModel


class AuditEntry(TimeStampedModel):
    # The user may be deleted later; their name stays on the record.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_name = models.CharField(max_length=150, blank=True)
    # A dotted name such as "booking.cancel" or "showtime.update"; see marquee.audit.actions.
    action = models.CharField(max_length=64)
    # What was changed: a kind ("booking", "showtime", "hall", …), its id and a label for people.
    target_type = models.CharField(max_length=32)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    # So that a booking's page and its showtime's page each find the entries that concern them.
    booking_id = models.IntegerField(null=True, blank=True)
    showtime_id = models.IntegerField(null=True, blank=True)
    # {"field": [before, after]}, values as JSON-safe text.
    changes = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at"], name="audit_recent"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["booking_id"], name="audit_booking"),
            models.Index(fields=["showtime_id"], name="audit_showtime"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor"),
        ]
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name or 'system'} {self.action} {self.target_label}"
