from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WaitlistConfig(AppConfig):
    """A sold-out showtime's waiting list: freed seats offered to the first in line."""

    name = "marquee.waitlist"
    label = "waitlist"
    verbose_name = _("Waiting lists")
