"""LiqPay (PrivatBank): cards, Apple Pay, Google Pay and Privat24, through LiqPay's API v3.

No maintained Python client exists, so this is the protocol itself, small on purpose:

- every message is `data` = base64(JSON) and `signature` = base64(sha1(private_key + data +
  private_key)), in both directions;
- `start` builds the checkout form (action "pay") the customer's browser posts to
  LIQPAY_CHECKOUT_URL; it calls nobody. `server_url` in it is where LiqPay sends its
  callbacks (`<SITE_URL>/payments/liqpay/callback`), `result_url` where the browser comes back;
- `fetch` is the status request (action "status") to LIQPAY_API_URL;
- `refund` is action "refund" with an amount (part or all).

Refunds and retries. LiqPay's refund has no idempotency key: sending the same refund twice
gives the money back twice. So `refund` asks the status first (what LiqPay has refunded of
the order so far), then sends the refund once and never retries by itself:
- a definite answer is final (succeeded or failed);
- when the request could not even be made (connection refused, status not answered),
  nothing was sent: ProviderUnavailable, and a later retry is safe;
- when the refund was sent but no answer came (timeout, a 5xx, a dropped connection), the
  outcome is unknown: the refund is answered `pending`, and its provider id carries what it
  takes to recognise it later (the order, the amount, and what LiqPay had refunded before
  it). `fetch_refund` asks the status again: the order's refunded total grew by the amount,
  so it succeeded; it did not grow, so it was not made (failed, and safe to send again).
  The ledger must settle a pending refund with `fetch_refund`, never by sending it again.
  Two refunds of one payment in flight at once would read the same "before": the ledger
  refunds a payment one refund at a time.

Statuses: `success` is paid; `sandbox` is paid only with sandbox keys (a public key starting
"sandbox_"), and refused otherwise, so test keys left in production never sell tickets;
`failure` and `error` failed; `reversed` is refunded (in full); every other status
(`processing`, `wait_*`, `*_verify`, `prepared`, `invoice_wait`, …) is still pending,
`wait_accept` included (LiqPay may still cancel it).

Where LiqPay's documentation is silent (how a partial refund shows in the status answer and
the refund callback), this module reads `refund_amount` as the order's refunded total and
the refund callback's `amount` as that refund's; tests/payments/fake_liqpay.py answers so.
"""

import base64
import hashlib
import hmac
import json
import logging
import re
import socket
import urllib.error
import urllib.request
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs, urlencode

from django.conf import settings

from marquee.core.money import format_money, to_money
from marquee.payments.providers.base import (
    BadSignature,
    Confirmation,
    NextStep,
    Notification,
    PaymentRequest,
    PaymentState,
    ProviderPayment,
    ProviderRefund,
    ProviderUnavailable,
    RefundState,
    Started,
)

log = logging.getLogger(__name__)

API_VERSION = 3
# A customer waits on the status request and staff on a refund: fail fast rather than hang
# a web worker; the worker asks again later.
TIMEOUT_SECONDS = 10.0

PAID = {"success"}
FAILED = {"failure", "error"}
REFUNDED = {"reversed"}
SANDBOX = "sandbox"
ORDER_ID = re.compile(r"^marquee-(\d+)-")
# Our id of a refund (see the module's docstring): order, ledger refund, amount, refunded before.
REFUND_KEY = re.compile(r"^refund:(?P<order>.+):(?P<refund>\d+):(?P<amount>\d+\.\d\d):(?P<before>\d+\.\d\d)$")


def encode(params: Mapping[str, Any]) -> str:
    return base64.b64encode(json.dumps(dict(params), ensure_ascii=False).encode()).decode()


def sign(data: str, private_key: str) -> str:
    return base64.b64encode(hashlib.sha1((private_key + data + private_key).encode()).digest()).decode()  # noqa: S324


def decode(data: str) -> dict[str, Any]:
    decoded = json.loads(base64.b64decode(data, validate=True), parse_float=Decimal)
    if not isinstance(decoded, dict):
        raise ValueError("data is not a JSON object")
    return decoded


def order_id_for(payment_id: int, idempotency_key: str) -> str:
    """Unique and stable per ledger payment: the id, and a piece of its idempotency key so
    that two databases (a test and a staging copy, say) never send LiqPay the same order."""
    return f"marquee-{payment_id}-{idempotency_key[:8]}"


def _money(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return to_money(Decimal(str(value)))
    except InvalidOperation:
        return None


class _NotSent(Exception):
    """The request never left: nothing happened at LiqPay."""


class _NoAnswer(Exception):
    """The request may have reached LiqPay, but no answer came back."""


class LiqPayProvider:
    name = "liqpay"
    label = "LiqPay"
    customer_facing = True

    # --- settings, read at call time -------------------------------------------------

    @property
    def _keys(self) -> tuple[str, str]:
        public, private = settings.LIQPAY_PUBLIC_KEY, settings.LIQPAY_PRIVATE_KEY
        if not public or not private:
            raise ProviderUnavailable("LiqPay is not configured (LIQPAY_PUBLIC_KEY, LIQPAY_PRIVATE_KEY).")
        return public, private

    @property
    def _sandbox(self) -> bool:
        return str(settings.LIQPAY_PUBLIC_KEY).startswith("sandbox_")

    def _signed(self, params: Mapping[str, Any]) -> dict[str, str]:
        public, private = self._keys
        data = encode({"version": API_VERSION, "public_key": public, **params})
        return {"data": data, "signature": sign(data, private)}

    # --- the interface ---------------------------------------------------------------

    def start(self, request: PaymentRequest) -> Started:
        order_id = order_id_for(request.payment_id, request.idempotency_key)
        params: dict[str, Any] = {
            "action": "pay",
            "amount": format_money(request.amount),
            "currency": request.currency,
            "description": request.description,
            "order_id": order_id,
            "result_url": request.return_url,
            "server_url": request.notify_url,
        }
        if request.language:
            params["language"] = request.language
        return Started(
            provider_id=order_id,
            status=PaymentState.PENDING,
            next=NextStep(type="redirect_form", url=settings.LIQPAY_CHECKOUT_URL, fields=self._signed(params)),
        )

    def confirm(self, *, provider_id: str, data: Mapping[str, str]) -> Confirmation:
        """LiqPay's checkout page finishes the payment itself: confirming is asking."""
        return Confirmation(payment=self.fetch(provider_id=provider_id), next=NextStep(type="none"))

    def parse_notification(self, *, body: bytes, headers: Mapping[str, str]) -> Notification:
        try:
            form = parse_qs(body.decode(), strict_parsing=False)
        except UnicodeDecodeError:
            raise BadSignature("The callback is not form-encoded text.") from None
        data = (form.get("data") or [""])[0]
        signature = (form.get("signature") or [""])[0]
        _public, private = self._keys
        if not data or not signature or not hmac.compare_digest(sign(data, private), signature):
            raise BadSignature("The LiqPay callback's signature does not match.")
        try:
            fields = decode(data)
        except ValueError:
            raise BadSignature("The LiqPay callback's data is not base64 JSON.") from None
        if fields.get("public_key") not in (None, self._keys[0]):
            raise BadSignature("The LiqPay callback is for another merchant.")
        status = str(fields.get("status", ""))
        # What LiqPay sends twice is the same data: the same payment, status and moment.
        event_id = ":".join(
            str(fields.get(key, "")) for key in ("payment_id", "order_id", "status", "end_date", "refund_amount")
        )
        if status in REFUNDED:
            return Notification(event_id=event_id, type="refund", refund=self._refund_from(fields))
        return Notification(
            event_id=event_id, type=f"payment.{status or 'unknown'}", payment=self._payment_from(fields)
        )

    def fetch(self, *, provider_id: str) -> ProviderPayment:
        answer = self._api({"action": "status", "order_id": provider_id})
        if answer.get("result") == "error" and answer.get("err_code") in ("payment_not_found", "order_not_found"):
            # The customer has not paid on LiqPay's page (yet): the checkout form stays valid.
            return ProviderPayment(
                provider_id=provider_id,
                status=PaymentState.PENDING,
                amount=None,
                currency="",
                payment_id=self._payment_id(provider_id),
                message="LiqPay has no payment for this order yet.",
            )
        if "order_id" not in answer and "payment_id" not in answer:
            raise ProviderUnavailable(f"LiqPay answered the status request with an error: {self._error(answer)}")
        return self._payment_from({"order_id": provider_id, **answer})

    def refund(
        self, *, provider_id: str, amount: Decimal, currency: str, idempotency_key: str, refund_id: int
    ) -> ProviderRefund:
        amount = to_money(amount)
        before = self._refunded(self._api({"action": "status", "order_id": provider_id}))
        # LiqPay has no id per refund: ours carries what it takes to recognise this one later.
        refund_key = f"refund:{provider_id}:{refund_id}:{format_money(amount)}:{format_money(before)}"
        try:
            answer = self._post({"action": "refund", "order_id": provider_id, "amount": format_money(amount)})
        except _NotSent as exc:
            raise ProviderUnavailable(f"LiqPay could not be reached: {exc}") from None
        except _NoAnswer as exc:
            log.warning("LiqPay refund %s of %s: no answer (%s); settled later by asking", refund_id, provider_id, exc)
            return ProviderRefund(
                provider_refund_id=refund_key,
                status=RefundState.PENDING,
                amount=amount,
                provider_payment_id=provider_id,
                refund_id=refund_id,
                message="LiqPay did not answer; the refund is checked with LiqPay before anything is sent again.",
            )
        done = answer.get("result") == "ok" and answer.get("status") not in FAILED
        return ProviderRefund(
            provider_refund_id=refund_key,
            status=RefundState.SUCCEEDED if done else RefundState.FAILED,
            amount=amount,
            provider_payment_id=provider_id,
            refund_id=refund_id,
            message="" if done else self._error(answer),
        )

    def fetch_refund(self, *, provider_refund_id: str, provider_id: str) -> ProviderRefund:
        """Made if LiqPay's refunded total of the order grew by the refund's amount since
        just before it was sent; not made (failed: safe to send again) if it did not."""
        key = REFUND_KEY.match(provider_refund_id)
        if key is None:
            raise ProviderUnavailable(f"Not a LiqPay refund this provider sent: {provider_refund_id!r}.")
        amount, before = Decimal(key["amount"]), Decimal(key["before"])
        now = self._refunded(self._api({"action": "status", "order_id": key["order"]}))
        made = now >= before + amount
        return ProviderRefund(
            provider_refund_id=provider_refund_id,
            status=RefundState.SUCCEEDED if made else RefundState.FAILED,
            amount=amount,
            provider_payment_id=key["order"],
            refund_id=int(key["refund"]),
            message="" if made else "LiqPay has no record of this refund: it was not made.",
        )

    # --- reading LiqPay's answers ----------------------------------------------------

    @staticmethod
    def _payment_id(order_id: str) -> int | None:
        found = ORDER_ID.match(order_id)
        return int(found.group(1)) if found else None

    @staticmethod
    def _error(answer: Mapping[str, Any]) -> str:
        return str(answer.get("err_description") or answer.get("err_code") or answer.get("status") or "unknown")[:200]

    def _state(self, status: str) -> PaymentState:
        if status in PAID or status in REFUNDED:
            return PaymentState.SUCCEEDED  # a reversed payment was taken first; refunds are apart
        if status == SANDBOX:
            return PaymentState.SUCCEEDED if self._sandbox else PaymentState.FAILED
        if status in FAILED:
            return PaymentState.FAILED
        return PaymentState.PENDING

    def _payment_from(self, fields: Mapping[str, Any]) -> ProviderPayment:
        status = str(fields.get("status", ""))
        order_id = str(fields.get("order_id", ""))
        state = self._state(status)
        message = ""
        if state is PaymentState.FAILED:
            message = str(fields.get("err_description") or fields.get("err_code") or status)[:255]
            if status == SANDBOX:
                message = "A LiqPay sandbox payment, refused with live keys."
        return ProviderPayment(
            provider_id=order_id,
            status=state,
            amount=_money(fields.get("amount")),
            currency=str(fields.get("currency", "")),
            payment_id=self._payment_id(order_id),
            message=message,
        )

    def _refund_from(self, fields: Mapping[str, Any]) -> ProviderRefund:
        order_id = str(fields.get("order_id", ""))
        return ProviderRefund(
            provider_refund_id=f"{order_id}:{fields.get('payment_id', '')}:{fields.get('end_date', '')}",
            status=RefundState.SUCCEEDED,
            amount=_money(fields.get("amount")) or Decimal("0.00"),
            provider_payment_id=order_id,
        )

    def _refunded(self, answer: Mapping[str, Any]) -> Decimal:
        """What LiqPay has given back of the order so far."""
        if answer.get("status") in REFUNDED:
            return _money(answer.get("refund_amount")) or _money(answer.get("amount")) or Decimal("0.00")
        return _money(answer.get("refund_amount")) or Decimal("0.00")

    # --- talking to LiqPay -----------------------------------------------------------

    def _api(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """A request whose repetition is harmless (status): any failure is unavailability."""
        try:
            return self._post(params)
        except (_NotSent, _NoAnswer) as exc:
            raise ProviderUnavailable(f"LiqPay could not be reached: {exc}") from None

    def _post(self, params: Mapping[str, Any]) -> dict[str, Any]:
        body = urlencode(self._signed(params)).encode()
        request = urllib.request.Request(  # noqa: S310 (the URL is a setting, http or https)
            settings.LIQPAY_API_URL,
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as exc:
            exc.close()  # its open response would leak the connection
            raise _NoAnswer(f"HTTP {exc.code}") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, ConnectionRefusedError | socket.gaierror):
                raise _NotSent(str(exc.reason)) from None
            raise _NoAnswer(str(exc.reason)) from None
        except (TimeoutError, ConnectionError, OSError) as exc:
            raise _NoAnswer(str(exc) or type(exc).__name__) from None
        try:
            answer = json.loads(raw, parse_float=Decimal)
        except ValueError:
            raise _NoAnswer("an answer that is not JSON") from None
        if not isinstance(answer, dict):
            raise _NoAnswer("an answer that is not a JSON object")
        return answer
