from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "marquee.booking"
    label = "booking"
    verbose_name = _("Bookings")

    def ready(self) -> None:
        from marquee.audit.labels import register_values
        from marquee.booking.models import BlockReason, BookingStatus, Channel

        # The audit records these codes; it shows their names in the reader's language.
        register_values(["status"], BookingStatus.choices)
        register_values(["reason", "reasons"], BlockReason.choices)
        register_values(["channel"], Channel.choices)
        self._register_periodic_jobs()
        self._register_mail()
        self._answer_sales_facts()

    def _register_mail(self) -> None:
        from marquee.booking.mail.emails import register_mail_renderers
        from marquee.booking.services import booking_check_tickets_requeue
        from marquee.notifications.models import MailKind
        from marquee.notifications.services import register_requeue_check

        # The booking's emails are this app's messages: the outbox finds their renderers by
        # kind, and asks booking whether a copy of its tickets may be queued again.
        register_mail_renderers()
        register_requeue_check(MailKind.RESEND, booking_check_tickets_requeue)

    def _register_periodic_jobs(self) -> None:
        from marquee.booking.services import bookings_expire
        from marquee.core.periodic import register

        # Lapsed holds give their seats back: the worker sweeps every 30 seconds.
        register("booking.holds_expire", 30, bookings_expire)

    def _answer_sales_facts(self) -> None:
        """Scheduling and venues stand below booking and ask it about sales through their ports."""
        from marquee.booking import selectors
        from marquee.scheduling import sales_facts as showtime_sales
        from marquee.venues import sales_facts as seat_sales

        showtime_sales.provide(has_active_sales=selectors.showtime_has_active_sales)
        seat_sales.provide(
            seat_sales.SeatSales(
                with_future_sales=selectors.seats_with_future_sales, ever_sold=selectors.seats_ever_sold
            )
        )
