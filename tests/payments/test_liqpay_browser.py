"""A customer in Chromium posts LiqPay's checkout form, presses Pay or Decline on the fake
LiqPay's page and comes back; the signed callback LiqPay sent meanwhile reads as paid or
failed. The shop here is a stand-in page with the form as the payment page renders it
(a plain form posting `fields` to `url`, no script)."""

import html
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from marquee.payments.providers.base import PaymentRequest, PaymentState
from marquee.payments.providers.liqpay import LiqPayProvider
from tests.payments.fake_liqpay import PRIVATE_KEY, PUBLIC_KEY, FakeLiqPay

pytestmark = pytest.mark.browser


class Shop:
    """Serves the redirect form at /pay, records callbacks at /callback, greets at /return."""

    def __init__(self) -> None:
        self.form = ""
        self.callbacks: list[bytes] = []
        shop = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                body = shop.form if self.path == "/pay" else "<h1>Back at the cinema</h1>"
                self._answer(body.encode())

            def do_POST(self) -> None:
                shop.callbacks.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                self._answer(b"ok")

            def _answer(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def liqpay(settings):
    with FakeLiqPay() as fake:
        settings.LIQPAY_PUBLIC_KEY = PUBLIC_KEY
        settings.LIQPAY_PRIVATE_KEY = PRIVATE_KEY
        settings.LIQPAY_API_URL = fake.api_url
        settings.LIQPAY_CHECKOUT_URL = fake.checkout_url
        yield fake


@pytest.fixture
def shop():
    s = Shop()
    yield s
    s.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def checkout(shop: Shop) -> str:
    provider = LiqPayProvider()
    started = provider.start(
        PaymentRequest(
            payment_id=7,
            booking_reference="K7M2Q9XD",
            amount=Decimal("300.00"),
            currency="UAH",
            description="Marquee Cinema, booking K7M2Q9XD",
            idempotency_key="feedfacefeedfacefeedfacefeedface",
            return_url=f"{shop.url}/return",
            notify_url=f"{shop.url}/callback",
        )
    )
    fields = started.next.fields.items()
    inputs = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in fields)
    shop.form = (
        f'<!doctype html><form method="post" action="{html.escape(started.next.url)}">{inputs}'
        '<button type="submit">Pay with LiqPay</button></form>'
    )
    return started.provider_id


@pytest.mark.parametrize(("button", "state"), [("Pay", PaymentState.SUCCEEDED), ("Decline", PaymentState.FAILED)])
def test_a_customer_pays_or_declines_on_liqpays_page(liqpay, shop, page, shoot, button, state):
    order_id = checkout(shop)

    page.goto(f"{shop.url}/pay")
    page.get_by_role("button", name="Pay with LiqPay").click()
    page.get_by_role("heading", name="Pay 300.00 UAH").wait_for()
    shoot(page, f"liqpay-checkout-{button.lower()}")
    page.get_by_role("button", name=button, exact=True).click()
    page.get_by_role("heading", name="Back at the cinema").wait_for()

    assert page.url == f"{shop.url}/return"
    assert len(shop.callbacks) == 1
    note = LiqPayProvider().parse_notification(body=shop.callbacks[0], headers={})
    assert note.payment.provider_id == order_id
    assert note.payment.status is state
    assert LiqPayProvider().fetch(provider_id=order_id).status is state
