from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WaitlistConfig(AppConfig):
    """A sold-out showtime's waiting list: freed seats offered to the first in line."""

    name = "marquee.waitlist"
    label = "waitlist"
    verbose_name = _("Waiting lists")

    def ready(self) -> None:
        from marquee.booking.seat_events import register_seats_freed
        from marquee.core.periodic import register
        from marquee.waitlist.listeners import seats_freed_enqueue
        from marquee.waitlist.mail import register_mail_renderers
        from marquee.waitlist.services import waitlist_sweep

        register_mail_renderers()
        # Booking tells us when seats come free (on commit); the worker offers them.
        register_seats_freed(seats_freed_enqueue)
        # And every minute, whatever was told: offers that ended, seats freed unannounced.
        register("waitlist.sweep", 60, waitlist_sweep)
