"""Gift vouchers: the payments folder's fixtures (a showtime, its seats, the fake card bank,
the real SMTP server, localstripe), and a voucher made through the real services."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.api.conftest import Api, _fresh_rate_limits, _static_root_exists  # noqa: F401
from tests.browser.conftest import phone, site_settings  # noqa: F401
from tests.notifications.conftest import smtp_server  # noqa: F401
from tests.payments.conftest import bank, clock, seats, show  # noqa: F401
from tests.staff.conftest import admin_api, anonymous_api, box_office_api  # noqa: F401
from tests.stripe_server import localstripe, stripe_settings, stripe_webhooks  # noqa: F401


def make_voucher(amount: str = "150.00", *, email: str = "gift@example.com"):
    """An active voucher bought (and paid) with the demo provider."""
    from marquee.payments.voucher_sales import voucher_buy
    from marquee.vouchers.services import VoucherOrder

    bought = voucher_buy(
        order=VoucherOrder(amount=Decimal(amount), buyer_name="Taras", buyer_email=email), provider="demo"
    )
    bought.voucher.refresh_from_db()
    return bought.voucher


@pytest.fixture
def voucher_of():
    return make_voucher


@pytest.fixture
def demo(settings):
    settings.PAYMENT_PROVIDERS = ["demo"]
    settings.VOUCHER_MIN_AMOUNT = 50
    settings.VOUCHER_MAX_AMOUNT = 5000
    return settings


LATER = dt.timedelta(minutes=30)


@pytest.fixture
def api(client) -> Api:
    return Api(client)
