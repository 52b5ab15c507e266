from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VenuesConfig(AppConfig):
    name = "marquee.venues"
    label = "venues"
    verbose_name = _("Venues")

    def ready(self) -> None:
        from marquee.audit.labels import register_values
        from marquee.venues.models import SeatType

        # The audit records these codes; it shows their names in the reader's language.
        register_values(["seat_type", "type"], SeatType.choices)
