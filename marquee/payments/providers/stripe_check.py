"""The start-up check for Stripe's settings, apart from the provider so that every process
(web, worker, manage.py) can run it without importing the `stripe` package."""

from django.conf import settings
from django.core import checks


def check_stripe_settings(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """Start-up check (registered by the payments app): Stripe turned on without what it needs."""
    if "stripe" not in settings.PAYMENT_PROVIDERS:
        return []
    problems: list[checks.CheckMessage] = []
    secret, publishable = settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY
    if not secret or not publishable:
        problems.append(
            checks.Error(
                "PAYMENT_PROVIDERS names stripe, but STRIPE_SECRET_KEY or STRIPE_PUBLISHABLE_KEY is not set.",
                hint="Copy both keys from the Stripe Dashboard (Developers, API keys); see README, Stripe.",
                id="payments.E101",
            )
        )
    elif secret.startswith("sk_test_") != publishable.startswith("pk_test_"):
        problems.append(
            checks.Warning(
                "STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY are from different modes (one test, one live).",
                hint="Use both test keys or both live keys of one Stripe account.",
                id="payments.W102",
            )
        )
    if not settings.STRIPE_WEBHOOK_SECRET:
        problems.append(
            checks.Warning(
                "STRIPE_WEBHOOK_SECRET is not set: every Stripe notification will be refused.",
                hint="Add the webhook endpoint <SITE_URL>/payments/stripe/webhook in the Stripe Dashboard "
                "and copy its signing secret; see README, Stripe.",
                id="payments.W103",
            )
        )
    return problems
