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
