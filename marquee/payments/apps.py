from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _

from marquee.payments.providers.stripe_check import check_stripe_settings


class PaymentsConfig(AppConfig):
    name = "marquee.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        checks.register(check_stripe_settings, checks.Tags.compatibility)
