"""The ledger: every attempt to take money (Payment), every give-back (Refund), and every
provider notification acted on (ProviderNotification).

The database holds the money rules, so that no code path can break them:
- amounts are positive;
- a booking has at most one succeeded payment;
- a payment's refunds (pending or succeeded: a pending refund reserves its amount) never add up
  to more than the payment: `amount_refunded` is raised in the same transaction that creates
  the refund, and a CHECK refuses it past `amount`, so two refunds racing on two connections
  cannot both pass;
- a provider's notification is recorded once (unique per provider and event id).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from marquee.booking.models import Booking
from marquee.core.models import TimeStampedModel
from marquee.vouchers.models import Voucher

# The provider name of money taken from a gift voucher (no outside provider: the voucher's
# balance, marquee.vouchers, is the account it comes from and goes back to).
VOUCHER_PROVIDER = "voucher"


class PaymentStatus(models.TextChoices):
    CREATED = "created", _("Created")
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class RequestedBy(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    STAFF = "staff", _("Staff")
    SYSTEM = "system", _("System")


class PaymentPurpose(models.TextChoices):
    BOOKING = "booking", _("The booking")
    MOVE = "move", _("Difference for a move")
    # Part or all of a booking paid from a gift voucher's balance (provider `voucher`); the
    # card pays the rest with a payment of purpose `booking`.
    VOUCHER = "voucher", _("Paid with a gift voucher")
    # A gift voucher bought online: the payment's `voucher` is set, its `booking` is not.
    VOUCHER_SALE = "voucher_sale", _("A gift voucher bought")


class Payment(TimeStampedModel):
    # What the money is for: a booking, or a gift voucher bought (exactly one: a CHECK below).
    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="payments", verbose_name=_("booking")
    )
    voucher = models.ForeignKey(
        Voucher,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("gift voucher"),
    )
    provider = models.CharField(_("provider"), max_length=32)
    # The provider's id of this payment (a PaymentIntent id, a LiqPay order id); set once started.
    provider_id = models.CharField(_("provider's id"), max_length=255, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(_("status"), max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.CREATED)
    # What the money is for: the booking's total, or the difference staff took when they
    # moved the booking to dearer seats (marquee.payments.moves).
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=PaymentPurpose.choices, default=PaymentPurpose.BOOKING
    )
    # Refunds pending or succeeded; never more than `amount` (a CHECK below).
    amount_refunded = models.DecimalField(_("amount refunded"), max_digits=10, decimal_places=2, default=0)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True, editable=False)
    # What the provider said when it differed from what we asked (amount, currency), or a
    # late payment whose seats were gone: staff see it on the reconciliation page.
    problem = models.CharField(_("problem"), max_length=255, blank=True)
    message = models.CharField(_("message"), max_length=255, blank=True)  # a decline reason
    # The staff member who took it at the box office (cash, card terminal), or null.
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken by"),
    )
    succeeded_at = models.DateTimeField(_("succeeded at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    last_checked_at = models.DateTimeField(_("last asked the provider at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount_refunded__gte=0) & Q(amount_refunded__lte=F("amount")),
                name="payment_refunds_within_amount",
            ),
            # One succeeded payment of the booking's total; differences taken for moves are
            # payments of their own beside it.
            models.UniqueConstraint(
                fields=["booking"],
                condition=Q(status="succeeded", purpose="booking"),
                name="payment_one_succeeded_per_booking",
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=["booking", "move", "voucher", "voucher_sale"]), name="payment_purpose_valid"
            ),
            # A payment is for a booking or for a gift voucher bought, never both, never neither.
            models.CheckConstraint(
                condition=(Q(booking__isnull=False, voucher__isnull=True, purpose__in=["booking", "move", "voucher"]))
                | Q(booking__isnull=True, voucher__isnull=False, purpose="voucher_sale"),
                name="payment_for_booking_or_voucher",
            ),
            models.UniqueConstraint(
                fields=["voucher"],
                condition=Q(status="succeeded", purpose="voucher_sale"),
                name="payment_one_succeeded_per_voucher",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_id"],
                condition=~Q(provider_id=""),
                name="payment_provider_id_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="payment_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.amount} {self.currency} ({self.status})"

    @property
    def refundable(self) -> Decimal:
        return self.amount - self.amount_refunded


class Refund(TimeStampedModel):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("payment"))
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=255)
    requested_by = models.CharField(_("requested by"), max_length=16, choices=RequestedBy.choices)
    # `move`: the difference given back when staff moved the booking to cheaper seats; its
    # seats' prices already say so, so the sales reports do not take it off again.
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=PaymentPurpose.choices, default=PaymentPurpose.BOOKING
    )
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    status = models.CharField(_("status"), max_length=16, choices=RefundStatus.choices, default=RefundStatus.PENDING)
    provider_refund_id = models.CharField(_("provider's id"), max_length=255, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True, editable=False)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    succeeded_at = models.DateTimeField(_("succeeded at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="refund_status_next"),
        ]

    def __str__(self) -> str:
        return f"refund {self.amount} ({self.status})"


class ProviderNotification(models.Model):
    """A provider's server call, recorded the first time it arrives: a second copy of the same
    event finds its row and is acknowledged without being acted on again."""

    provider = models.CharField(_("provider"), max_length=32)
    event_id = models.CharField(_("event id"), max_length=255)
    type = models.CharField(_("type"), max_length=100)
    received_at = models.DateTimeField(_("received at"))
    payment = models.ForeignKey(
        Payment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("payment")
    )
    outcome = models.CharField(_("outcome"), max_length=255, blank=True)  # what the ledger did with it

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("provider notification")
        verbose_name_plural = _("provider notifications")
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="notification_once_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.type} {self.event_id}"
