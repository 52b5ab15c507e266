"""Gift vouchers and their ledger.

A voucher holds an amount of money to spend at the cinema. Its `balance` moves only through
the services (marquee.vouchers.services), each move a conditional UPDATE with a
`VoucherEntry` beside it in the same transaction; the CHECK `balance >= 0` is the database's
last word, so two bookings racing for a voucher's last hryvnia cannot both take it. The sum of
a voucher's entries is its balance (the amount issued, less what was spent, plus what came back).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marquee.booking.models import Booking
from marquee.core.models import TimeStampedModel
from marquee.vouchers.codes import format_code


class VoucherStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
    ACTIVE = "active", _("Active")
    CANCELLED = "cancelled", _("Cancelled")


class VoucherSource(models.TextChoices):
    BOUGHT = "bought", _("Bought online")
    ISSUED = "issued", _("Issued by staff")


class Voucher(TimeStampedModel):
    # Canonical (upper case, no dashes): lookups are exact; printed grouped (format_code).
    code = models.CharField(_("code"), max_length=32, unique=True)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    balance = models.DecimalField(_("balance"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=16, choices=VoucherStatus.choices, default=VoucherStatus.PENDING_PAYMENT
    )
    source = models.CharField(_("source"), max_length=16, choices=VoucherSource.choices, default=VoucherSource.BOUGHT)
    expires_at = models.DateTimeField(_("expires at"))
    buyer_name = models.CharField(_("buyer's name"), max_length=200, blank=True)
    buyer_email = models.EmailField(_("buyer's email"), max_length=254, blank=True)
    recipient_name = models.CharField(_("recipient's name"), max_length=200, blank=True)
    recipient_email = models.EmailField(_("recipient's email"), max_length=254, blank=True)
    # True: the voucher goes to the recipient (with the message); False: to the buyer.
    send_to_recipient = models.BooleanField(_("sent to the recipient"), default=False)
    message = models.TextField(_("message"), blank=True, max_length=2000)
    language = models.CharField(_("language"), max_length=8, blank=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    # Why staff issued it by hand (a complaint, a prize); blank for one bought online.
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("gift voucher")
        verbose_name_plural = _("gift vouchers")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="voucher_amount_positive"),
            # The last word under any race: no spend takes a voucher below zero.
            models.CheckConstraint(condition=Q(balance__gte=0), name="voucher_balance_not_negative"),
            models.CheckConstraint(
                condition=Q(status__in=["pending_payment", "active", "cancelled"]), name="voucher_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["buyer_email"], name="voucher_buyer_email"),
            models.Index(fields=["recipient_email"], name="voucher_recipient_email"),
        ]

    def __str__(self) -> str:
        return f"{self.printed_code} ({self.balance} {self.currency})"

    @property
    def printed_code(self) -> str:
        return format_code(self.code)

    @property
    def delivery_email(self) -> str:
        """Where the voucher itself goes: the recipient's address, or the buyer's."""
        return self.recipient_email if self.send_to_recipient and self.recipient_email else self.buyer_email


class EntryKind(models.TextChoices):
    ISSUED = "issued", _("Issued")
    SPENT = "spent", _("Spent on a booking")
    GIVEN_BACK = "given_back", _("Given back from a booking")
    ADJUSTED = "adjusted", _("Adjusted by staff")
    EXPIRY_EXTENDED = "expiry_extended", _("Expiry extended")


class VoucherEntry(models.Model):
    """One change of a voucher's balance (or of its expiry, amount 0), never edited."""

    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="entries", verbose_name=_("voucher"))
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)  # signed: spent is negative
    balance_after = models.DecimalField(_("balance after"), max_digits=10, decimal_places=2)
    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("booking")
    )
    # The ledger's payment this entry is part of (payments.Payment: the spend, or the purchase);
    # by id, since payments stands above vouchers.
    payment_id = models.BigIntegerField(_("payment"), null=True, blank=True)
    refund_id = models.BigIntegerField(_("refund"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    created_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("voucher entry")
        verbose_name_plural = _("voucher entries")
        constraints = [
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="voucher_entry_balance_not_negative"),
            models.CheckConstraint(
                condition=Q(kind__in=["issued", "spent", "given_back", "adjusted", "expiry_extended"]),
                name="voucher_entry_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind="spent") | Q(amount__lt=0), name="voucher_entry_spent_is_negative"
            ),
        ]
        indexes = [models.Index(fields=["payment_id"], name="voucher_entry_payment")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"
