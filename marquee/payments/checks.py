"""Start-up checks of the payment settings (Django's check framework)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

from marquee.payments.providers.stripe_check import check_stripe_settings


@register(Tags.security, deploy=False)
def check_demo_in_production(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """`demo` approves every payment: with DEBUG off, a customer could take tickets for nothing."""
    if "demo" in settings.PAYMENT_PROVIDERS and not settings.DEBUG:
        return [
            Warning(
                "The demo payment provider is enabled with DEBUG off: it approves every payment, so anyone "
                "can take tickets without paying.",
                hint="Remove demo from PAYMENT_PROVIDERS (e.g. PAYMENT_PROVIDERS=stripe,liqpay).",
                id="marquee.W001",
            )
        ]
    return []


register(check_stripe_settings, Tags.compatibility)
