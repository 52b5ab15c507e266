"""A fake LiqPay for the tests: a real HTTP server on 127.0.0.1 that follows LiqPay's API v3.

    with FakeLiqPay() as liqpay:                      # or the `fake_liqpay` fixture
        settings.LIQPAY_API_URL = liqpay.api_url
        settings.LIQPAY_CHECKOUT_URL = liqpay.checkout_url

What it does, as LiqPay documents it:
- GET or POST /api/3/checkout with `data` and `signature`: verifies the signature and shows a
  page with "Pay" and "Decline" buttons (a browser test clicks one). Pay records the
  payment, sends the signed server callback (form POST `data` + `signature`) to the order's
  `server_url`, then redirects the browser to its `result_url`;
- POST /api/request with action `status` (the order's state, or `payment_not_found`) and
  `refund` (part or all; more than is left is an error);
- every callback and answer is base64 JSON signed with sha1(private + data + private).
Where the documentation is silent: after a partial refund the status stays `success` and
`refund_amount` is the order's refunded total; a full refund makes it `reversed`; a refund's
callback has `action: "refund"`, `status: "reversed"` and that refund's `amount`.

Test controls (attributes; see each):
- `duplicate_callbacks`: send every callback twice;
- `hold_callbacks`: keep callbacks until `release_callbacks(reverse=...)` (late, or out of order);
- `status_for_next_payment`: "success" (default), "sandbox", "failure", …;
- `fail_with`: answer every API request with this HTTP status (a 5xx: LiqPay in trouble);
- `delay_seconds`: wait this long, then hang up unanswered (a slow LiqPay the client gave up on);
- `drop_next_refund_answer`: make the next refund, then close the connection unanswered;
- `stop()`: nobody listens any more (LiqPay down: connection refused).
`callbacks` lists every callback made (url, fields, decoded data, the receiver's status).
"""

import base64
import hashlib
import html
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode

PUBLIC_KEY = "sandbox_i00000000001"
PRIVATE_KEY = "sandbox_fake-private-key-for-tests"


def sign(data: str, private_key: str) -> str:
    return base64.b64encode(hashlib.sha1((private_key + data + private_key).encode()).digest()).decode()


def encode(params: dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(params, ensure_ascii=False).encode()).decode()


def decode(data: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(base64.b64decode(data))
    return result


@dataclass
class Order:
    order_id: str
    payment_id: int
    amount: Decimal
    currency: str
    description: str
    status: str
    server_url: str
    result_url: str
    create_date: int
    end_date: int
    refunded: Decimal = Decimal("0.00")

    def as_data(self, public_key: str) -> dict[str, Any]:
        data: dict[str, Any] = {
            "result": "ok",
            "action": "pay",
            "version": 3,
            "public_key": public_key,
            "payment_id": self.payment_id,
            "order_id": self.order_id,
            "liqpay_order_id": f"LP{self.payment_id:08d}",
            "status": self.status,
            "type": "buy",
            "paytype": "card",
            "amount": float(self.amount),
            "currency": self.currency,
            "description": self.description,
            "transaction_id": self.payment_id * 10,
            "create_date": self.create_date,
            "end_date": self.end_date,
        }
        if self.refunded:
            data["refund_amount"] = float(self.refunded)
        return data


@dataclass
class Callback:
    url: str
    fields: dict[str, str]
    data: dict[str, Any]
    answered: int | None = None  # the receiver's HTTP status; None when it could not be reached


@dataclass
class FakeLiqPay:
    public_key: str = PUBLIC_KEY
    private_key: str = PRIVATE_KEY
    orders: dict[str, Order] = field(default_factory=dict)
    callbacks: list[Callback] = field(default_factory=list)
    held: list[Callback] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)  # every API request's data
    duplicate_callbacks: bool = False
    hold_callbacks: bool = False
    status_for_next_payment: str = "success"
    fail_with: int | None = None
    delay_seconds: float = 0.0
    drop_next_refund_answer: bool = False

    def __post_init__(self) -> None:
        self._ids = itertools.count(1_000_001)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- life ---------------------------------------------------------------------

    def start(self) -> "FakeLiqPay":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeLiqPay":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/request"

    @property
    def checkout_url(self) -> str:
        return f"{self.url}/api/3/checkout"

    # --- what a customer and LiqPay do, callable from tests -----------------------

    def pay(self, fields: dict[str, str], *, decline: bool = False) -> Order:
        """The customer submits the checkout form and presses Pay (or Decline)."""
        params = self._verified(fields)
        if params is None:
            raise AssertionError("the checkout form's signature is wrong")
        return self._checkout(params, decline=decline)

    def release_callbacks(self, *, reverse: bool = False) -> None:
        held, self.held = self.held, []
        for callback in reversed(held) if reverse else held:
            self._deliver(callback)

    def signed(self, data: dict[str, Any]) -> dict[str, str]:
        encoded = encode(data)
        return {"data": encoded, "signature": sign(encoded, self.private_key)}

    # --- the protocol -------------------------------------------------------------

    def _verified(self, fields: dict[str, str]) -> dict[str, Any] | None:
        data, signature = fields.get("data", ""), fields.get("signature", "")
        if not data or sign(data, self.private_key) != signature:
            return None
        params = decode(data)
        if params.get("public_key") != self.public_key or int(params.get("version", 0)) != 3:
            return None
        return params

    def _checkout(self, params: dict[str, Any], *, decline: bool) -> Order:
        now = int(time.time() * 1000)
        with self._lock:
            order = self.orders.get(params["order_id"])
            if order is None or order.status not in ("success", "sandbox", "reversed"):
                order = Order(
                    order_id=params["order_id"],
                    payment_id=next(self._ids),
                    amount=Decimal(str(params["amount"])),
                    currency=params["currency"],
                    description=params.get("description", ""),
                    status="failure" if decline else self.status_for_next_payment,
                    server_url=params.get("server_url", ""),
                    result_url=params.get("result_url", ""),
                    create_date=now,
                    end_date=now,
                )
                self.orders[order.order_id] = order
            data = order.as_data(self.public_key)
        if decline:
            data |= {"err_code": "cancel", "err_description": "The customer declined the payment"}
        self._callback(order.server_url, data)
        return order

    def _status(self, params: dict[str, Any]) -> dict[str, Any]:
        order = self.orders.get(str(params.get("order_id")))
        if order is None:
            return {"result": "error", "status": "error", "err_code": "payment_not_found", "version": 3}
        return order.as_data(self.public_key)

    def _refund(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            order = self.orders.get(str(params.get("order_id")))
            if order is None:
                return {"result": "error", "status": "error", "err_code": "payment_not_found"}
            amount = Decimal(str(params.get("amount", order.amount - order.refunded))).quantize(Decimal("0.01"))
            if order.status not in ("success", "sandbox") or amount <= 0 or amount > order.amount - order.refunded:
                return {
                    "result": "error",
                    "status": "error",
                    "err_code": "refund_amount_exceeded" if order.status in ("success", "sandbox") else "wrong_status",
                    "err_description": "Nothing of that size is left to refund",
                }
            order.refunded += amount
            order.end_date = max(order.end_date + 1, int(time.time() * 1000))
            if order.refunded == order.amount:
                order.status = "reversed"
            data = order.as_data(self.public_key) | {"action": "refund", "status": "reversed", "amount": float(amount)}
        self._callback(order.server_url, data)
        return {"result": "ok", "action": "refund", "payment_id": order.payment_id, "status": "reversed"}

    def _callback(self, url: str, data: dict[str, Any]) -> None:
        fields = self.signed(data)
        copies = 2 if self.duplicate_callbacks else 1
        for _ in range(copies):
            callback = Callback(url=url, fields=dict(fields), data=dict(data))
            if self.hold_callbacks:
                self.held.append(callback)
            else:
                self._deliver(callback)

    def _deliver(self, callback: Callback) -> None:
        self.callbacks.append(callback)
        if not callback.url.startswith(("http://", "https://")):
            return
        request = urllib.request.Request(
            callback.url,
            data=urlencode(callback.fields).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                callback.answered = response.status
        except urllib.error.HTTPError as exc:
            callback.answered = exc.code
        except (urllib.error.URLError, OSError):
            callback.answered = None

    # --- HTTP ---------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        path, _, query = handler.path.partition("?")
        body = ""
        if method == "POST":
            length = int(handler.headers.get("Content-Length") or 0)
            body = handler.rfile.read(length).decode()
        form = {k: v[0] for k, v in parse_qs(query if method == "GET" else body).items()}
        if path == "/api/request" and method == "POST":
            self._api(handler, form)
        elif path == "/api/3/checkout":
            self._checkout_page(handler, form)
        elif path == "/api/3/checkout/decide" and method == "POST":
            self._decide(handler, form)
        else:
            self._send(handler, 404, "text/plain", b"not found")

    def _api(self, handler: BaseHTTPRequestHandler, form: dict[str, str]) -> None:
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
            handler.close_connection = True
            return  # the client gave up long ago: answering would only break its pipe
        if self.fail_with is not None:
            self._send(handler, self.fail_with, "text/html", b"<h1>Service unavailable</h1>")
            return
        params = self._verified(form)
        if params is None:
            self._json(handler, {"result": "error", "status": "error", "err_code": "err_signature"})
            return
        self.requests.append(params)
        action = params.get("action")
        if action == "status":
            self._json(handler, self._status(params))
        elif action == "refund":
            answer = self._refund(params)
            if self.drop_next_refund_answer:
                self.drop_next_refund_answer = False
                handler.close_connection = True
                handler.connection.shutdown(2)  # the refund is made, its answer never arrives
                return
            self._json(handler, answer)
        else:
            self._json(handler, {"result": "error", "status": "error", "err_code": "unknown_action"})

    def _checkout_page(self, handler: BaseHTTPRequestHandler, form: dict[str, str]) -> None:
        params = self._verified(form)
        if params is None or params.get("action") != "pay":
            self._send(handler, 400, "text/html", b"<h1>Invalid signature</h1>")
            return
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(form[name])}">' for name in ("data", "signature")
        )
        page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LiqPay (fake)</title></head>
<body><h1>Pay {html.escape(str(params["amount"]))} {html.escape(params["currency"])}</h1>
<p>{html.escape(params.get("description", ""))}</p>
<form method="post" action="/api/3/checkout/decide">{hidden}
<button type="submit" name="decision" value="pay">Pay</button>
<button type="submit" name="decision" value="decline">Decline</button></form></body></html>"""
        self._send(handler, 200, "text/html; charset=utf-8", page.encode())

    def _decide(self, handler: BaseHTTPRequestHandler, form: dict[str, str]) -> None:
        params = self._verified(form)
        if params is None:
            self._send(handler, 400, "text/html", b"<h1>Invalid signature</h1>")
            return
        order = self._checkout(params, decline=form.get("decision") != "pay")
        handler.send_response(302)
        handler.send_header("Location", order.result_url or "/")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    @staticmethod
    def _json(handler: BaseHTTPRequestHandler, answer: dict[str, Any]) -> None:
        FakeLiqPay._send(handler, 200, "application/json", json.dumps(answer).encode())

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, content_type: str, body: bytes) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
