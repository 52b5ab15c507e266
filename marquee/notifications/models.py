"""The mail outbox: one row per message, written in the transaction that causes it.

A worker claims due rows, renders and sends them outside any transaction, and records
the outcome. A row is never deleted: it is the delivery log staff read.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from marquee.core.models import TimeStampedModel


class MailKind(models.TextChoices):
    TICKETS = "tickets", _("Tickets")
    RECEIPT = "receipt", _("Receipt")
    RESEND = "resend", _("Tickets (resent)")
    CANCELLATION = "cancellation", _("Cancellation")
    SHOWTIME_CANCELLED = "showtime_cancelled", _("Showtime cancelled")
    SIGN_IN = "sign_in", _("Sign-in link")
    RECOMMENDATION = "recommendation", _("Recommendation")
    REFUND = "refund", _("Refund")
    BOOKING_MOVED = "booking_moved", _("Booking moved (new tickets)")
    SHOWTIME_MOVED = "showtime_moved", _("Showtime moved")
    SETTLEMENT = "settlement", _("Settlement statement (to a distributor)")
    VOUCHER = "voucher", _("Gift voucher")
    VOUCHER_RECEIPT = "voucher_receipt", _("Gift voucher receipt")
    WAITLIST_JOINED = "waitlist_joined", _("Waiting list: joined")
    WAITLIST_OFFER = "waitlist_offer", _("Waiting list: seats offered")


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    RETRY = "retry", _("Awaiting retry")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutgoingMail(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=32, choices=MailKind.choices)
    to_email = models.EmailField(_("recipient"))
    status = models.CharField(_("status"), max_length=16, choices=MailStatus.choices, default=MailStatus.QUEUED)
    # Stable across retries, so that a resend after a crash is recognisably the same message.
    message_id = models.CharField(_("message id"), max_length=200, unique=True, editable=False)
    booking = models.ForeignKey(
        "booking.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mails",
        verbose_name=_("booking"),
    )
    customer = models.ForeignKey(
        "booking.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mails",
        verbose_name=_("customer"),
    )
    # What the renderer needs beyond the booking (a sign-in link, a campaign's movies, …).
    context = models.JSONField(_("context"), default=dict, blank=True)
    # The language the message is written in ("" is settings.LANGUAGE_CODE).
    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    # A claim by a worker lasts until then; a crashed worker's claim lapses.
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    # Which claim holds the row: a worker records an outcome only for its own claim, so a
    # worker that outlived its lease cannot overwrite the result of the one that took over.
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # As it went out (recorded when sent): a customer's data export lists what they were sent.
    subject = models.CharField(_("subject"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing email")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="mail_due_idx"),
            # A customer's export and erasure find every message sent to their address.
            models.Index(Lower("to_email"), name="mail_to_email_ci_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=MailStatus.values), name="mail_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=MailKind.values), name="mail_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to_email} ({self.status})"


def new_message_id(domain: str) -> str:
    return f"<{uuid.uuid4().hex}@{domain}>"
