"""Which provider class answers to which name, and which of them are open.

Customers may use the customer-facing providers named in settings.PAYMENT_PROVIDERS; the
box office's cash and card terminal are always there for staff. Classes are imported when
first asked for, so a provider's library is loaded only where it is enabled.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from marquee.core.errors import ValidationFailed
from marquee.payments.providers.base import PaymentProvider

PROVIDER_CLASSES: dict[str, str] = {
    "demo": "marquee.payments.providers.demo.DemoProvider",
    "stripe": "marquee.payments.providers.stripe.StripeProvider",
    "liqpay": "marquee.payments.providers.liqpay.LiqPayProvider",
    "cash": "marquee.payments.providers.box_office.CashProvider",
    "card_terminal": "marquee.payments.providers.box_office.CardTerminalProvider",
}
BOX_OFFICE_PROVIDERS = ("cash", "card_terminal")


def enabled_names() -> list[str]:
    """The providers customers may choose, in the order PAYMENT_PROVIDERS names them."""
    return [
        name for name in settings.PAYMENT_PROVIDERS if name in PROVIDER_CLASSES and name not in BOX_OFFICE_PROVIDERS
    ]


def _load(name: str) -> PaymentProvider:
    provider: PaymentProvider = import_string(PROVIDER_CLASSES[name])()
    return provider


def get_provider(name: str, *, field: str = "provider") -> PaymentProvider:
    """An enabled customer-facing provider, or a box-office one; ValidationFailed otherwise
    (naming `field`, the input that chose it)."""
    if name in BOX_OFFICE_PROVIDERS or name in enabled_names():
        return _load(name)
    enabled = ", ".join(enabled_names()) or "none"
    raise ValidationFailed(
        f"Payment provider {name!r} is not available.",
        fields={field: [f"Available: {enabled}."]},
    )


def provider_for_ledger(name: str) -> PaymentProvider:
    """The provider that took a payment already in the ledger, whether or not customers may
    still choose it (a refund, a status request, a late notification)."""
    if name not in PROVIDER_CLASSES:
        raise ValidationFailed(f"Unknown payment provider {name!r}.")
    return _load(name)
