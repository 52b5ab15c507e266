"""Payments tests: the ledger against a fake card provider that refuses calls inside a transaction
(tests/payments/fakes.py); Stripe's against localstripe, a real process on 127.0.0.1
(tests/stripe_server.py); LiqPay's against a fake LiqPay server (fake_liqpay.py)."""

import datetime as dt

import pytest
import time_machine

from tests import factories as f
from tests.browser.conftest import site_settings  # noqa: F401
from tests.notifications.conftest import smtp_server  # noqa: F401
from tests.payments import fakes
from tests.stripe_server import localstripe, stripe_settings, stripe_webhooks  # noqa: F401

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def show():
    return f.showtime(hall_obj=f.hall(rows=2, seats=5), starts_at=f.local_dt(dt.date(2026, 12, 20), 19, 30))


@pytest.fixture
def seats(show) -> list[int]:
    return list(show.hall.seats.order_by("pk").values_list("pk", flat=True))


@pytest.fixture
def bank(monkeypatch):
    """The fake card provider ("card"), enabled, with a fresh bank."""
    from django.db import connection

    fresh = fakes.Bank(atomic_depth=len(connection.atomic_blocks))
    monkeypatch.setattr(fakes, "BANK", fresh)
    fakes.use_provider(monkeypatch, "card", fakes.CardProvider)
    return fresh
