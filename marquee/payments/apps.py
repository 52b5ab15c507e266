from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "marquee.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        # Registers the start-up checks (demo with DEBUG off; Stripe's keys). The Stripe check
        # lives apart from the provider so that no process imports `stripe` just to run it.
        from marquee.payments import checks  # noqa: F401
