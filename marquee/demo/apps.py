from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo cinema (`manage.py seed_demo`): it builds through every app's services, so it
    sits above them all, and nothing imports it."""

    name = "marquee.demo"
    label = "demo"
    verbose_name = _("Demo cinema")
