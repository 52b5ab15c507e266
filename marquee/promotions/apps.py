from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionsConfig(AppConfig):
    name = "marquee.promotions"
    label = "promotions"
    verbose_name = _("Promotions")

    def ready(self) -> None:
        from marquee.audit.labels import register_values
        from marquee.promotions.models import DiscountKind

        register_values(["kind"], DiscountKind.choices)
