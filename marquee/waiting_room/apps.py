from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WaitingRoomConfig(AppConfig):
    """The fair queue for a premiere's on-sale: places in random order before the opening,
    then first come, let through to the seat map at the rate the system serves."""

    name = "marquee.waiting_room"
    label = "waiting_room"
    verbose_name = _("Waiting rooms")
