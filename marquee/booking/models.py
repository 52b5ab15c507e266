"""Customers, their bookings and the seats each booking holds or has bought."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from marquee.core.models import TimeStampedModel
from marquee.pricing.models import Tariff, TicketType
from marquee.promotions.models import PromoCode
from marquee.scheduling.models import Showtime
from marquee.venues.models import Seat


class Customer(TimeStampedModel):
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"), max_length=254)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    marketing_consent = models.BooleanField(_("agreed to marketing email"), default=False)
    marketing_consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    marketing_withdrawn_at = models.DateTimeField(_("consent withdrawn at"), null=True, blank=True)
    # Set when staff erase the person (marquee.privacy): the row stays, for the bookings'
    # accounting, with its name, email and phone replaced; reports and campaigns skip it.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            # One customer per address, whatever its case.
            models.UniqueConstraint(Lower("email"), name="customer_email_unique_ci"),
            models.CheckConstraint(
                condition=Q(marketing_consent=False) | Q(marketing_consent_at__isnull=False),
                name="customer_consent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} <{self.email}>"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class BookingStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


# A seat counts as taken while its booking is in one of these states.
ACTIVE_STATUSES = (BookingStatus.PENDING, BookingStatus.PAID)


class CancelReason(models.TextChoices):
    CUSTOMER = "customer", _("Cancelled by the customer")
    STAFF = "staff", _("Cancelled by staff")
    EXPIRED = "expired", _("Hold expired")
    SHOWTIME_CANCELLED = "showtime_cancelled", _("Showtime cancelled")


class Channel(models.TextChoices):
    """Where a booking was sold: on the site or the API, or at the box office's counter."""

    ONLINE = "online", _("Online")
    BOX_OFFICE = "box_office", _("Box office")


# The payment method of a complimentary booking (a comp): every seat at price 0, no payment.
COMP = "comp"
# The payment method of a booking that cost nothing once its promo code was taken off (or whose
# seats cost nothing): paid when held, no payment in the ledger.
FREE = "free"


class Booking(TimeStampedModel):
    # Public handle: short, random, no look-alike characters; never sequential.
    reference = models.CharField(_("reference"), max_length=12, unique=True)
    # SHA-256 of the secret access token; the token itself is shown once.
    token_hash = models.CharField(max_length=64, editable=False)
    # The buyer. Null for a walk-in sale at the box office without an email address: nobody
    # is told anything about such a booking, and it counts in no customer's history.
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("customer"),
    )
    showtime = models.ForeignKey(
        Showtime, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("showtime")
    )
    status = models.CharField(_("status"), max_length=16, choices=BookingStatus.choices, default=BookingStatus.PENDING)
    total_price = models.DecimalField(_("total price"), max_digits=10, decimal_places=2)
    booked_at = models.DateTimeField(_("booked at"))
    expires_at = models.DateTimeField(_("hold expires at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=32, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=32, choices=CancelReason.choices, blank=True)
    recipient_name = models.CharField(_("recipient name"), max_length=200, blank=True)
    recipient_email = models.EmailField(_("recipient email"), blank=True)
    gift_message = models.TextField(_("gift message"), blank=True, max_length=1000)
    # The language the customer booked in: every email about the booking is written in it
    # ("" is settings.LANGUAGE_CODE).
    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    # The address the hold came from (marquee.core.client), counted against
    # MAX_PENDING_SEATS_PER_CLIENT; empty for bookings made without a request.
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.ONLINE)
    # The staff member who sold it at the counter (a sale or a comp), or null.
    sold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sold by"),
    )
    # Why a comp (payment_method "comp") was given: press, staff, a guest…
    comp_reason = models.CharField(_("comp reason"), max_length=200, blank=True)
    # The promo code the customer used (one per booking), and its text as typed into the
    # booking, kept if staff later change the code. Its seats carry the discount.
    promo_code = models.ForeignKey(
        PromoCode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("promo code"),
    )
    promo_code_text = models.CharField(_("promo code"), max_length=40, blank=True)

    class Meta:
        ordering = ["-booked_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [
            models.Index(fields=["showtime", "status"], name="booking_showtime_status_idx"),
            models.Index(fields=["status", "expires_at"], name="booking_status_expires_idx"),
            models.Index(fields=["customer", "booked_at"], name="booking_customer_idx"),
            # The hold limit counts one address's pending holds; only pending rows matter.
            models.Index(
                fields=["client_ip", "expires_at"],
                condition=Q(status=BookingStatus.PENDING),
                name="booking_client_pending_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=BookingStatus.values), name="booking_status_valid"),
            models.CheckConstraint(condition=Q(total_price__gte=0), name="booking_total_not_negative"),
            models.CheckConstraint(
                condition=Q(cancel_reason="") | Q(cancel_reason__in=CancelReason.values),
                name="booking_cancel_reason_valid",
            ),
            # The timestamps follow the state, so the records always tell the story.
            models.CheckConstraint(
                condition=Q(status=BookingStatus.PENDING, paid_at__isnull=True, cancelled_at__isnull=True)
                | Q(status=BookingStatus.PAID, paid_at__isnull=False, cancelled_at__isnull=True)
                | Q(status=BookingStatus.CANCELLED, cancelled_at__isnull=False) & ~Q(cancel_reason=""),
                name="booking_timestamps_match_status",
            ),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="booking_channel_valid"),
            # A comp has its reason and costs nothing.
            models.CheckConstraint(
                condition=~Q(payment_method=COMP) | (~Q(comp_reason="") & Q(total_price=0)),
                name="booking_comp_has_reason_and_no_price",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def buyer_email(self) -> str:
        """The buyer's address, or "" for a walk-in sale without one (no mail goes out)."""
        return self.customer.email if self.customer is not None else ""

    @property
    def is_gift(self) -> bool:
        return bool(self.recipient_email) and self.recipient_email.lower() != self.buyer_email.lower()

    @property
    def is_comp(self) -> bool:
        return self.payment_method == COMP

    @property
    def ticket_email(self) -> str:
        return self.recipient_email or self.buyer_email

    @property
    def ticket_name(self) -> str:
        return self.recipient_name or (self.customer.full_name if self.customer is not None else "")


class BookingSeat(TimeStampedModel):
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="seats", verbose_name=_("booking"))
    showtime = models.ForeignKey(
        Showtime, on_delete=models.PROTECT, related_name="booking_seats", verbose_name=_("showtime")
    )
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="booking_seats", verbose_name=_("seat"))
    tariff = models.ForeignKey(
        Tariff, on_delete=models.SET_NULL, null=True, blank=True, related_name="booking_seats", verbose_name=_("tariff")
    )
    # Frozen at booking time; later price or tariff changes never touch it. What is paid for
    # the seat: `final_price + discount` is its price before the promo code.
    final_price = models.DecimalField(_("price"), max_digits=8, decimal_places=2)
    discount = models.DecimalField(_("discount"), max_digits=8, decimal_places=2, default=Decimal("0.00"))
    tariff_name = models.CharField(_("tariff"), max_length=60, blank=True)
    # Who the ticket is for, frozen with the price: the type's code and its name in the default
    # language, as `tariff_name` keeps the tariff's.
    ticket_type = models.ForeignKey(
        TicketType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="booking_seats",
        verbose_name=_("ticket type"),
    )
    ticket_type_code = models.CharField(_("ticket type code"), max_length=32, blank=True)
    ticket_type_name = models.CharField(_("ticket type"), max_length=60, blank=True)
    # A copy of the booking's status: a unique constraint's condition cannot reach
    # across a join, and "one active sale per seat" is the rule that matters most.
    status = models.CharField(_("status"), max_length=16, choices=BookingStatus.choices, default=BookingStatus.PENDING)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    # Who let the ticket in, and whether they admitted it although it was for another showtime.
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    checked_in_override = models.BooleanField(_("admitted for another showtime"), default=False)
    # Signed into the ticket's code with its id (marquee.booking.checkin): raised when staff
    # move the ticket to another seat or showtime, so the code printed before stops working.
    code_version = models.PositiveIntegerField(_("ticket code version"), default=0)

    @property
    def price_before_discount(self) -> Decimal:
        return self.final_price + self.discount

    @property
    def tariff_label(self) -> str:
        """The tariff's name in the active language (load `tariff` with the seat), or the kept one."""
        return self.tariff.booked_name(self.tariff_name) if self.tariff is not None else self.tariff_name

    @property
    def ticket_type_label(self) -> str:
        """The type's name in the active language (load `ticket_type` with the seat) while it still
        has the name the seat kept, else the kept one (renamed since: the ticket says what was sold)."""
        kind = self.ticket_type
        if kind is not None and kind.name_in_default_language == self.ticket_type_name:
            return kind.name
        return self.ticket_type_name

    @property
    def door_note(self) -> str:
        """What the door checks for this ticket's type ("show student ID"), in the active language."""
        return self.ticket_type.door_note if self.ticket_type is not None else ""

    class Meta:
        ordering = ["seat__row_number", "seat__seat_number"]
        verbose_name = _("booked seat")
        verbose_name_plural = _("booked seats")
        indexes = [models.Index(fields=["showtime", "status"], name="bseat_showtime_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["showtime", "seat"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="bookingseat_one_active_sale_per_seat",
            ),
            models.UniqueConstraint(fields=["booking", "seat"], name="bookingseat_seat_once_per_booking"),
            models.CheckConstraint(condition=Q(final_price__gte=0), name="bookingseat_price_not_negative"),
            models.CheckConstraint(condition=Q(discount__gte=0), name="bookingseat_discount_not_negative"),
            models.CheckConstraint(condition=Q(status__in=BookingStatus.values), name="bookingseat_status_valid"),
            models.CheckConstraint(
                condition=Q(checked_in_override=False) | Q(checked_in_at__isnull=False),
                name="bookingseat_override_is_a_check_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking.reference}: {self.seat}"


class SignInLink(TimeStampedModel):
    """One "My bookings" sign-in link sent by email: counted against the hourly limits
    (per customer and per client address) and used at most once."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="sign_in_links", verbose_name=_("customer")
    )
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")
        indexes = [
            models.Index(fields=["customer", "created_at"], name="signin_customer_idx"),
            models.Index(fields=["client_ip", "created_at"], name="signin_client_idx"),
        ]

    def __str__(self) -> str:
        return f"sign-in link {self.pk} for customer {self.customer_id}"


class BlockReason(models.TextChoices):
    HOUSE = "house", _("House seats")
    BROKEN = "broken", _("Broken seat")
    PRESS = "press", _("Press")
    OTHER = "other", _("Other")


class SeatBlock(TimeStampedModel):
    """A seat of a showtime that staff keep back (marquee.booking.house_seats): not for sale,
    shown to customers as taken, and refused by every hold."""

    showtime = models.ForeignKey(
        Showtime, on_delete=models.CASCADE, related_name="seat_blocks", verbose_name=_("showtime")
    )
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="+", verbose_name=_("seat"))
    reason = models.CharField(_("reason"), max_length=16, choices=BlockReason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kept back by"),
    )

    class Meta:
        ordering = ["seat__row_number", "seat__seat_number"]
        verbose_name = _("kept seat")
        verbose_name_plural = _("kept seats")
        constraints = [
            models.UniqueConstraint(fields=["showtime", "seat"], name="seatblock_once_per_showtime"),
            models.CheckConstraint(condition=Q(reason__in=BlockReason.values), name="seatblock_reason_valid"),
            # "Other" says what it is.
            models.CheckConstraint(condition=~Q(reason="other") | ~Q(note=""), name="seatblock_other_has_note"),
        ]

    def __str__(self) -> str:
        return f"showtime {self.showtime_id}: {self.seat} ({self.reason})"
