"""Payment providers. A provider approves or declines a charge for a booking's total.

Only providers named in settings.PAYMENT_PROVIDERS are open to customers; `demo`
approves at once and is on for `make run` and the tests. Box-office payment is not a
provider a customer can choose: staff record it through `booking_mark_paid`.
"""

import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings

from marquee.core.errors import ValidationFailed


@dataclass(frozen=True)
class PaymentResult:
    approved: bool
    reference: str = ""
    message: str = ""


class PaymentProvider(Protocol):
    name: str

    def charge(self, *, booking_reference: str, amount: Decimal, currency: str) -> PaymentResult: ...


class DemoProvider:
    """Approves every charge. For the embedded default and the tests, never for real money."""

    name = "demo"

    def charge(self, *, booking_reference: str, amount: Decimal, currency: str) -> PaymentResult:
        return PaymentResult(approved=True, reference=f"demo-{secrets.token_hex(6)}")


PROVIDERS: dict[str, PaymentProvider] = {"demo": DemoProvider()}
BOX_OFFICE = "box_office"


def get_provider(method: str) -> PaymentProvider:
    if method not in settings.PAYMENT_PROVIDERS or method not in PROVIDERS:
        enabled = ", ".join(m for m in settings.PAYMENT_PROVIDERS if m in PROVIDERS) or "none"
        raise ValidationFailed(
            f"Payment method {method!r} is not available.",
            fields={"method": [f"Available methods: {enabled}."]},
        )
    return PROVIDERS[method]
