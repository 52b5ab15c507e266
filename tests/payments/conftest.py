"""Stripe's tests run against localstripe, a real process on 127.0.0.1 (tests/stripe_server.py)."""

from tests.stripe_server import localstripe, stripe_settings, stripe_webhooks  # noqa: F401
