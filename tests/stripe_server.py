"""localstripe, a stateful fake of Stripe's API, as a real process for the tests.

Run as a script (`python tests/stripe_server.py`), this file serves localstripe's own aiohttp
application on a port the kernel picks on 127.0.0.1 and prints that port. localstripe's command
line has no address option and listens on [::], every interface of the machine; the tests want
loopback only.

Imported, it offers `LocalStripe` (start the process, wait until it answers, stop it) and
`WebhookReceiver` (a small HTTP server that localstripe posts its signed events to).

Where localstripe 1.15.10 differs from Stripe in a way the provider relies on, the launcher
brings it closer, and each difference is named here:

- Idempotency-Key: Stripe replays the first answer to a key (and refuses the key with other
  parameters); localstripe ignores the header. The launcher keeps the answers.
- `description` on a PaymentIntent: Stripe accepts it; localstripe answers 400.
- Its store: localstripe pickles every object to /tmp/localstripe.pickle after each write, a
  file every test run on the machine would share; here it stays in memory.
- Stripe.js: localstripe's `createPaymentMethod` is an empty stub (upstream too) and it has no
  `handleNextAction`; its server lets the publishable key create tokens but not payment
  methods. `/js.stripe.com/v3/marquee.js` serves localstripe's Stripe.js followed by a few lines
  that fill those two in with what it has: a card token's card (a `card_…` id, which Stripe
  accepts as a PaymentIntent's payment method) and its 3-D Secure dialog.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SECRET_KEY = "sk_test_marquee_localstripe"
PUBLISHABLE_KEY = "pk_test_marquee_localstripe"
WEBHOOK_SECRET = "whsec_marquee_localstripe_test"

JS_ADAPTER = """
;(function () {
  // Added by tests/stripe_server.py: what localstripe's Stripe.js lacks, from what it has.
  var localStripe = Stripe;
  Stripe = function (key, options) {
    var stripe = localStripe(key, options);
    stripe.createPaymentMethod = async function (params) {
      var result = await stripe.createToken(params.card);
      if (result.error) return {error: result.error};
      return {paymentMethod: {id: result.token.card.id, type: "card", card: result.token.card}};
    };
    stripe.handleNextAction = function (params) {
      return stripe.confirmCardPayment(params.clientSecret);
    };
    return stripe;
  };
})();
"""


def serve() -> None:  # pragma: no cover - runs in the child process
    import asyncio

    from aiohttp import web
    from localstripe import resources, server

    resources.Store.dump_to_disk = lambda self: None

    original_init = resources.PaymentIntent.__init__

    def payment_intent_init(self, *args, description=None, **kwargs):
        original_init(self, *args, **kwargs)
        self.description = description

    resources.PaymentIntent.__init__ = payment_intent_init

    answers: dict[str, tuple[str, bytes, int, bytes]] = {}
    lock = asyncio.Lock()

    @web.middleware
    async def idempotency(request, handler):
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or not key:
            return await handler(request)
        body = await request.read()
        async with lock:
            if key in answers:
                path, sent, status, text = answers[key]
                if (path, sent) != (request.path, body):
                    error = {
                        "type": "idempotency_error",
                        "message": "Keys for idempotent requests can only be used with the same parameters.",
                    }
                    return web.json_response({"error": error}, status=400)
                return web.Response(
                    status=status, body=text, content_type="application/json", headers={"Idempotent-Replayed": "true"}
                )
            response = await handler(request)
            answers[key] = (request.path, body, response.status, response.body)
            return response

    server.app.middlewares.insert(0, idempotency)

    script = (Path(server.__file__).with_name("localstripe-v3.js")).read_text() + JS_ADAPTER

    async def stripe_js(request):
        return web.Response(text=script, content_type="application/javascript")

    server.app.router.add_get("/js.stripe.com/v3/marquee.js", stripe_js)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    print(sock.getsockname()[1], flush=True)
    # Nobody reads stdout after the port: keep later output from filling the pipe.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    web.run_app(server.app, sock=sock, print=None, access_log=None, handle_signals=True)


class LocalStripe:
    """One localstripe process on 127.0.0.1; `base` is its address (STRIPE_API_BASE)."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.port = 0
        self.log_path: Path | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def js_url(self) -> str:
        return f"{self.base}/js.stripe.com/v3/marquee.js"

    def start(self, log_dir: Path) -> None:
        self.log_path = log_dir / "localstripe.log"
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve())],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        log.close()
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.isdigit():
            self.stop()
            raise RuntimeError(f"localstripe did not start; see {self.log_path}")
        self.port = int(line)
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(self.js_url, timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"localstripe does not answer; see {self.log_path}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None

    def register_webhook(self, name: str, url: str, secret: str = WEBHOOK_SECRET) -> None:
        """localstripe's own (non-Stripe) endpoint: send every event to `url`, signed with `secret`."""
        data = urllib.parse.urlencode({"url": url, "secret": secret}).encode()
        request = urllib.request.Request(f"{self.base}/_config/webhooks/{name}", data=data, method="POST")
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.status == 200

    def unregister_webhook(self, name: str) -> None:
        """localstripe cannot forget a webhook: this one is left listening for no event."""
        fields = {"url": "http://127.0.0.1:9/", "secret": WEBHOOK_SECRET, "events[]": "marquee.none"}
        request = urllib.request.Request(
            f"{self.base}/_config/webhooks/{name}", data=urllib.parse.urlencode(fields).encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.status == 200


class WebhookReceiver:
    """An HTTP server on 127.0.0.1 that records every POST (body and headers) and answers 200."""

    def __init__(self) -> None:
        self.received: list[tuple[bytes, dict[str, str]]] = []
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver._changed:
                    receiver.received.append((body, dict(self.headers.items())))
                    receiver._changed.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/webhook"

    def wait_for(self, event_type: str, object_id: str, timeout: float = 15) -> tuple[bytes, dict[str, str]]:
        """The first recorded event of this type about this object (localstripe sends after ~1 s)."""

        def find() -> tuple[bytes, dict[str, str]] | None:
            for body, headers in self.received:
                event = json.loads(body)
                if event.get("type") == event_type and event["data"]["object"].get("id") == object_id:
                    return body, headers
            return None

        with self._changed:
            found = self._changed.wait_for(find, timeout=timeout)
        if found is None:
            raise AssertionError(f"no {event_type} for {object_id} within {timeout} s")
        return found

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def post_form(url: str, fields: dict[str, str], *, key: str = SECRET_KEY) -> dict:
    """A plain API call to localstripe, as a browser or another client would make it."""
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=data, method="POST", headers={"Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return json.loads(error.read())


# Fixtures (imported by tests/payments/conftest.py; any other test folder may import them too).


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory):
    """One localstripe for the session: its objects persist, so tests make their own."""
    server = LocalStripe()
    server.start(tmp_path_factory.mktemp("localstripe"))
    yield server
    server.stop()


@pytest.fixture
def stripe_settings(settings, localstripe):
    """Django's settings pointed at localstripe, with `stripe` among the customer's providers."""
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = localstripe.base
    settings.STRIPE_JS_URL = localstripe.js_url
    settings.PAYMENT_PROVIDERS = [*settings.PAYMENT_PROVIDERS, "stripe"]
    payment_policy(settings)
    return settings


def payment_policy(settings) -> None:
    """SECURE_CSP as settings.py would build it from these payment settings: settings.py reads
    the environment once, so a test that points a provider elsewhere must rebuild the policy
    (or the browser refuses Stripe.js from localstripe, and a form posting to a fake LiqPay)."""
    from marquee.core.csp import PAYMENT_SOURCES, content_security_policy

    names = ["PAYMENT_PROVIDERS", *PAYMENT_SOURCES]
    settings.SECURE_CSP = content_security_policy({name: getattr(settings, name, None) for name in names})


rebuild_csp = payment_policy  # the name the end-to-end tests use


@pytest.fixture(scope="session")
def stripe_webhooks(localstripe):
    """A receiver that localstripe sends every event to, signed with WEBHOOK_SECRET."""
    receiver = WebhookReceiver()
    localstripe.register_webhook("marquee-tests", receiver.url)
    yield receiver
    receiver.stop()


if __name__ == "__main__":
    serve()
