from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PricingConfig(AppConfig):
    name = "marquee.pricing"
    label = "pricing"
    verbose_name = _("Pricing")

    def ready(self) -> None:
        from marquee.audit.labels import register_values
        from marquee.pricing.models import PriceRule

        # A ticket type's rule, as the audit names it.
        register_values(["rule"], PriceRule.choices)
