from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "marquee.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from marquee.payments import checks  # noqa: F401 - registers the start-up checks
