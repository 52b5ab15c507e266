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
        _answer_sales_facts()


def _answer_sales_facts() -> None:
    """Scheduling and venues stand below booking and ask it about sales through their ports."""
    from marquee.booking import selectors
    from marquee.scheduling import sales_facts as showtime_sales
    from marquee.venues import sales_facts as seat_sales

    showtime_sales.provide(has_active_sales=selectors.showtime_has_active_sales)
    seat_sales.provide(
        seat_sales.SeatSales(with_future_sales=selectors.seats_with_future_sales, ever_sold=selectors.seats_ever_sold)
    )
