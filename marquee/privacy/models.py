"""The record of an erasure: who erased which customer, when and why, and a keyed hash of
the address that was erased (docs/DESIGN.md, "A customer's own data")."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marquee.booking.models import Customer
from marquee.core.models import TimeStampedModel


class CustomerErasure(TimeStampedModel):
    customer = models.OneToOneField(
        Customer, on_delete=models.PROTECT, related_name="erasure", verbose_name=_("customer")
    )
    erased_at = models.DateTimeField(_("erased at"))
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erased by"),
    )
    reason = models.TextField(_("reason"), max_length=500)
    # HMAC-SHA256 of the lower-cased address, keyed by SECRET_KEY: staff can tell that an
    # address was erased (when the person asks again), nobody can read it back.
    email_hmac = models.CharField(max_length=64, db_index=True, editable=False)

    class Meta:
        ordering = ["-erased_at"]
        verbose_name = _("customer erasure")
        verbose_name_plural = _("customer erasures")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="erasure_has_reason"),
            models.CheckConstraint(condition=Q(email_hmac__regex=r"^[0-9a-f]{64}$"), name="erasure_hmac_hex"),
        ]

    def __str__(self) -> str:
        return f"erasure of customer {self.customer_id} ({self.erased_at:%Y-%m-%d})"


class ErasureRequest(TimeStampedModel):
    """The customer asked, from their data page, to be forgotten; an Admin erases them
    (the request stays, with no personal data, as the record that they asked)."""

    customer = models.OneToOneField(
        Customer, on_delete=models.PROTECT, related_name="erasure_request", verbose_name=_("customer")
    )
    requested_at = models.DateTimeField(_("requested at"))

    class Meta:
        ordering = ["requested_at"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")

    def __str__(self) -> str:
        return f"customer {self.customer_id} asked to be forgotten ({self.requested_at:%Y-%m-%d})"
