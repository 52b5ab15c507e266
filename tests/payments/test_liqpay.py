"""The LiqPay provider against a fake LiqPay that follows the documented protocol
(tests/payments/fake_liqpay.py): the checkout form, callbacks, status, refunds, failures."""

import base64
import json
from decimal import Decimal
from urllib.parse import urlencode

import pytest

from marquee.payments.providers import liqpay
from marquee.payments.providers.base import (
    BadSignature,
    PaymentRequest,
    PaymentState,
    ProviderUnavailable,
    RefundState,
)
from marquee.payments.providers.liqpay import LiqPayProvider
from tests.payments.fake_liqpay import PRIVATE_KEY, PUBLIC_KEY, FakeLiqPay, sign


@pytest.fixture
def fake(settings):
    with FakeLiqPay() as server:
        settings.LIQPAY_PUBLIC_KEY = PUBLIC_KEY
        settings.LIQPAY_PRIVATE_KEY = PRIVATE_KEY
        settings.LIQPAY_API_URL = server.api_url
        settings.LIQPAY_CHECKOUT_URL = server.checkout_url
        yield server


def request(payment_id: int = 41, amount: str = "250.00") -> PaymentRequest:
    return PaymentRequest(
        payment_id=payment_id,
        booking_reference="K7M2Q9XD",
        amount=Decimal(amount),
        currency="UAH",
        description="Marquee Cinema, booking K7M2Q9XD",
        idempotency_key="0123456789abcdef0123456789abcdef",
        return_url="https://tickets.example.com/payments/return/K7M2Q9XD/",
        notify_url="https://tickets.example.com/payments/liqpay/callback",
        language="uk",
    )


def callback_body(fields: dict[str, str]) -> bytes:
    return urlencode(fields).encode()


def paid(fake: FakeLiqPay, provider: LiqPayProvider, **kw) -> str:
    started = provider.start(request(**kw))
    fake.pay(dict(started.next.fields))
    return started.provider_id


def test_the_checkout_form_is_signed_as_liqpay_documents(fake):
    started = LiqPayProvider().start(request())

    assert started.provider_id == "marquee-41-01234567"
    assert started.status is PaymentState.PENDING
    assert started.next.type == "redirect_form"
    assert started.next.url == fake.checkout_url
    data, signature = started.next.fields["data"], started.next.fields["signature"]
    # base64(sha1(private + data + private)), computed here independently of the module
    assert signature == sign(data, PRIVATE_KEY)
    assert json.loads(base64.b64decode(data)) == {
        "version": 3,
        "public_key": PUBLIC_KEY,
        "action": "pay",
        "amount": "250.00",
        "currency": "UAH",
        "description": "Marquee Cinema, booking K7M2Q9XD",
        "order_id": "marquee-41-01234567",
        "result_url": "https://tickets.example.com/payments/return/K7M2Q9XD/",
        "server_url": "https://tickets.example.com/payments/liqpay/callback",
        "language": "uk",
    }
    assert started.next.as_api() == {
        "type": "redirect_form",
        "url": fake.checkout_url,
        "fields": dict(started.next.fields),
    }
    assert fake.requests == []  # starting calls nobody: the browser posts the form


def test_the_fake_checkout_page_accepts_the_form_and_refuses_a_forged_one(fake):
    import urllib.error
    import urllib.request

    fields = dict(LiqPayProvider().start(request()).next.fields)
    with urllib.request.urlopen(fake.checkout_url, data=urlencode(fields).encode()) as page:
        assert b"Pay" in page.read()
    forged = {**fields, "signature": sign(fields["data"], "someone-else")}
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(fake.checkout_url, data=urlencode(forged).encode())
    assert refused.value.code == 400
    refused.value.close()


def test_the_callback_of_a_paid_order_reads_as_a_succeeded_payment(fake):
    provider = LiqPayProvider()
    order_id = paid(fake, provider)

    note = provider.parse_notification(body=callback_body(fake.callbacks[0].fields), headers={})

    assert note.type == "payment.success"
    assert note.refund is None
    assert note.payment is not None
    assert note.payment.provider_id == order_id
    assert note.payment.status is PaymentState.SUCCEEDED
    assert note.payment.amount == Decimal("250.00")
    assert note.payment.currency == "UAH"
    assert note.payment.payment_id == 41


def test_a_declined_payment_reads_as_failed_with_the_reason(fake):
    provider = LiqPayProvider()
    started = provider.start(request())
    fake.pay(dict(started.next.fields), decline=True)

    note = provider.parse_notification(body=callback_body(fake.callbacks[0].fields), headers={})

    assert note.payment.status is PaymentState.FAILED
    assert note.payment.message == "The customer declined the payment"


def test_a_callback_sent_twice_has_the_same_event_id(fake):
    fake.duplicate_callbacks = True
    provider = LiqPayProvider()
    paid(fake, provider)

    first, second = (provider.parse_notification(body=callback_body(c.fields), headers={}) for c in fake.callbacks)

    assert len(fake.callbacks) == 2
    assert first.event_id == second.event_id
    assert first.payment == second.payment


def test_different_events_of_one_order_have_different_ids(fake):
    provider = LiqPayProvider()
    order_id = paid(fake, provider)
    provider.refund(provider_id=order_id, amount=Decimal("50.00"), currency="UAH", idempotency_key="r1", refund_id=1)
    provider.refund(provider_id=order_id, amount=Decimal("50.00"), currency="UAH", idempotency_key="r2", refund_id=2)

    ids = [provider.parse_notification(body=callback_body(c.fields), headers={}).event_id for c in fake.callbacks]

    assert len(ids) == 3
    assert len(set(ids)) == 3


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda f: {**f, "signature": sign(f["data"], "not-our-private-key")}, id="forged signature"),
        pytest.param(lambda f: {**f, "signature": ""}, id="no signature"),
        pytest.param(lambda f: {"data": f["data"]}, id="signature missing"),
        pytest.param(
            lambda f: {
                "data": base64.b64encode(base64.b64decode(f["data"]).replace(b'"success"', b'"failure"')).decode(),
                "signature": f["signature"],
            },
            id="data changed",
        ),
    ],
)
def test_a_forged_callback_is_refused(fake, tamper):
    provider = LiqPayProvider()
    paid(fake, provider)

    with pytest.raises(BadSignature):
        provider.parse_notification(body=callback_body(tamper(fake.callbacks[0].fields)), headers={})


def test_a_callback_that_is_not_a_form_is_refused(fake):
    with pytest.raises(BadSignature):
        LiqPayProvider().parse_notification(body=b"\xff\xfe", headers={})


def test_the_status_request_answers_the_orders_state(fake):
    provider = LiqPayProvider()
    started = provider.start(request())

    waiting = provider.fetch(provider_id=started.provider_id)
    fake.pay(dict(started.next.fields))
    done = provider.fetch(provider_id=started.provider_id)

    assert waiting.status is PaymentState.PENDING  # not paid on LiqPay's page yet
    assert done.status is PaymentState.SUCCEEDED
    assert done.amount == Decimal("250.00")
    assert done.currency == "UAH"
    assert done.payment_id == 41
    assert fake.requests[-1] == {
        "version": 3,
        "public_key": PUBLIC_KEY,
        "action": "status",
        "order_id": started.provider_id,
    }


def test_confirm_asks_liqpay(fake):
    provider = LiqPayProvider()
    order_id = paid(fake, provider)

    confirmation = provider.confirm(provider_id=order_id, data={})

    assert confirmation.payment.status is PaymentState.SUCCEEDED
    assert confirmation.next.type == "none"


def test_sandbox_payments_count_only_with_sandbox_keys(fake, settings):
    fake.status_for_next_payment = "sandbox"
    provider = LiqPayProvider()
    order_id = paid(fake, provider)

    assert provider.fetch(provider_id=order_id).status is PaymentState.SUCCEEDED
    # The same answer with live keys (LiqPay's sandbox answering a live shop is a mistake).
    fake.public_key = settings.LIQPAY_PUBLIC_KEY = "i00000000001"
    live = provider.fetch(provider_id=order_id)
    assert live.status is PaymentState.FAILED
    assert "sandbox" in live.message


@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("success", PaymentState.SUCCEEDED),
        ("failure", PaymentState.FAILED),
        ("error", PaymentState.FAILED),
        ("processing", PaymentState.PENDING),
        ("wait_secure", PaymentState.PENDING),
        ("wait_accept", PaymentState.PENDING),
        ("3ds_verify", PaymentState.PENDING),
        ("prepared", PaymentState.PENDING),
    ],
)
def test_liqpay_statuses_map_to_payment_states(fake, status, state):
    fake.status_for_next_payment = status
    provider = LiqPayProvider()
    order_id = paid(fake, provider)

    assert provider.fetch(provider_id=order_id).status is state


def test_a_full_refund(fake):
    provider = LiqPayProvider()
    order_id = paid(fake, provider)

    refund = provider.refund(
        provider_id=order_id, amount=Decimal("250.00"), currency="UAH", idempotency_key="k", refund_id=7
    )

    assert refund.status is RefundState.SUCCEEDED
    assert refund.amount == Decimal("250.00")
    assert refund.refund_id == 7
    assert fake.orders[order_id].status == "reversed"
    assert fake.requests[-1]["action"] == "refund"
    assert fake.requests[-1]["amount"] == "250.00"
    note = provider.parse_notification(body=callback_body(fake.callbacks[-1].fields), headers={})
    assert note.type == "refund"
    assert note.payment is None
    assert note.refund.status is RefundState.SUCCEEDED
    assert note.refund.amount == Decimal("250.00")
    assert note.refund.provider_payment_id == order_id
    # A reversed payment was taken first: asking about it still says so.
    assert provider.fetch(provider_id=order_id).status is PaymentState.SUCCEEDED


def test_partial_refunds_up_to_the_amount(fake):
    provider = LiqPayProvider()
    order_id = paid(fake, provider)

    first = provider.refund(
        provider_id=order_id, amount=Decimal("100.00"), currency="UAH", idempotency_key="a", refund_id=1
    )
    second = provider.refund(
        provider_id=order_id, amount=Decimal("150.00"), currency="UAH", idempotency_key="b", refund_id=2
    )
    third = provider.refund(
        provider_id=order_id, amount=Decimal("0.01"), currency="UAH", idempotency_key="c", refund_id=3
    )

    assert [first.status, second.status, third.status] == [
        RefundState.SUCCEEDED,
        RefundState.SUCCEEDED,
        RefundState.FAILED,
    ]
    assert third.message == "Nothing of that size is left to refund"
    assert fake.orders[order_id].refunded == Decimal("250.00")
    assert provider.fetch_refund(provider_refund_id=first.provider_refund_id, provider_id=order_id).status is (
        RefundState.SUCCEEDED
    )
    note = provider.parse_notification(body=callback_body(fake.callbacks[1].fields), headers={})
    assert note.refund.amount == Decimal("100.00")


def test_a_refund_whose_answer_is_lost_is_pending_then_found_made_and_never_sent_twice(fake):
    provider = LiqPayProvider()
    order_id = paid(fake, provider)
    fake.drop_next_refund_answer = True

    lost = provider.refund(
        provider_id=order_id, amount=Decimal("80.00"), currency="UAH", idempotency_key="k", refund_id=9
    )

    assert lost.status is RefundState.PENDING
    found = provider.fetch_refund(provider_refund_id=lost.provider_refund_id, provider_id=order_id)
    assert found.status is RefundState.SUCCEEDED
    assert found.amount == Decimal("80.00")
    assert found.refund_id == 9
    assert fake.orders[order_id].refunded == Decimal("80.00")
    assert [r["action"] for r in fake.requests].count("refund") == 1


def test_a_refund_that_never_reached_liqpay_is_found_not_made(fake):
    provider = LiqPayProvider()
    order_id = paid(fake, provider)
    made = provider.refund(
        provider_id=order_id, amount=Decimal("80.00"), currency="UAH", idempotency_key="k", refund_id=9
    )
    # A refund key of the same order that LiqPay never saw (its refunded total did not grow).
    never = made.provider_refund_id.replace(":9:80.00:0.00", ":10:80.00:80.00")

    assert provider.fetch_refund(provider_refund_id=never, provider_id=order_id).status is RefundState.FAILED


def test_liqpay_down_is_provider_unavailable_at_once(fake):
    provider = LiqPayProvider()
    order_id = paid(fake, provider)
    fake.stop()

    with pytest.raises(ProviderUnavailable):
        provider.fetch(provider_id=order_id)
    with pytest.raises(ProviderUnavailable):  # nothing was sent: retrying later is safe
        provider.refund(provider_id=order_id, amount=Decimal("1.00"), currency="UAH", idempotency_key="k", refund_id=1)


def test_liqpay_answering_5xx_is_provider_unavailable(fake):
    provider = LiqPayProvider()
    order_id = paid(fake, provider)
    fake.fail_with = 503

    with pytest.raises(ProviderUnavailable) as error:
        provider.fetch(provider_id=order_id)
    assert error.value.code == "provider_unavailable"
    assert error.value.status == 503


def test_a_slow_liqpay_times_out_as_provider_unavailable(fake, monkeypatch):
    monkeypatch.setattr(liqpay, "TIMEOUT_SECONDS", 0.2)
    provider = LiqPayProvider()
    order_id = paid(fake, provider)
    fake.delay_seconds = 2

    with pytest.raises(ProviderUnavailable):
        provider.fetch(provider_id=order_id)


def test_without_keys_liqpay_is_unavailable(settings):
    settings.LIQPAY_PUBLIC_KEY = ""
    settings.LIQPAY_PRIVATE_KEY = ""

    with pytest.raises(ProviderUnavailable):
        LiqPayProvider().start(request())


def test_held_callbacks_can_arrive_late_and_out_of_order(fake):
    fake.hold_callbacks = True
    provider = LiqPayProvider()
    order_id = paid(fake, provider)
    provider.refund(provider_id=order_id, amount=Decimal("250.00"), currency="UAH", idempotency_key="k", refund_id=1)
    assert fake.callbacks == []

    fake.release_callbacks(reverse=True)

    kinds = [provider.parse_notification(body=callback_body(c.fields), headers={}).type for c in fake.callbacks]
    assert kinds == ["refund", "payment.success"]
