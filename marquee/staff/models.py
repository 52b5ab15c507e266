"""Staff API keys, and the staff capabilities that are not a model's own permission."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    """A key for the staff API. The key is shown once; only its SHA-256 is stored.

    `prefix` is a public, random handle to find the row; the comparison of the hash is
    constant-time. A revoked key stays for the records.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        constraints = [models.CheckConstraint(condition=~Q(prefix=""), name="apikey_prefix_not_empty")]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or self.user})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class StaffCapability(models.Model):
    """No table: a home for the permissions that are not about one model."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("read_reports", "Can read occupancy, sales and customer reports"),
            ("send_campaigns", "Can send recommendation campaigns"),
            ("check_in", "Can check in tickets at the door"),
            ("erase_customers", "Can erase a customer's personal data"),
        ]

    def __str__(self) -> str:
        return "staff capability"
