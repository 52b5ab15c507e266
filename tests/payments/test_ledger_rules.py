"""The database holds the money rules, whatever code tries (issue 11, point 1)."""

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connections, transaction

from marquee.core.errors import ValidationFailed
from marquee.payments.models import Payment, PaymentStatus, Refund, RefundStatus, RequestedBy
from marquee.payments.services import booking_pay, refund_create
from tests import factories as f


def _paid(show, seats):
    held = f.hold(show, seats[:2])
    booking_pay(reference=held.booking.reference, method="demo")
    return held.booking, Payment.objects.get(booking=held.booking)


@pytest.mark.django_db
def test_amounts_must_be_positive(show, seats):
    booking, payment = _paid(show, seats)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(booking=booking, provider="demo", amount=0, currency="UAH", idempotency_key="k0")
    with pytest.raises(IntegrityError), transaction.atomic():
        Refund.objects.create(
            payment=payment, amount=Decimal("-1"), reason="x", requested_by=RequestedBy.STAFF, idempotency_key="r0"
        )


@pytest.mark.django_db
def test_a_booking_has_one_succeeded_payment_at_most(show, seats):
    booking, payment = _paid(show, seats)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            booking=booking,
            provider="cash",
            amount=payment.amount,
            currency="UAH",
            status=PaymentStatus.SUCCEEDED,
            idempotency_key="second",
        )


@pytest.mark.django_db
def test_refunds_never_pass_the_payment(show, seats):
    booking, payment = _paid(show, seats)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(amount_refunded=payment.amount + 1)
    refund_create(reference=booking.reference, amount=payment.amount - 1, reason="Goodwill")
    with pytest.raises(ValidationFailed):
        refund_create(reference=booking.reference, amount="1.01", reason="Goodwill")
    payment.refresh_from_db()
    assert payment.amount_refunded == payment.amount - 1


@pytest.mark.django_db(transaction=True)
def test_two_refunds_racing_on_two_connections_cannot_both_pass(show, seats):
    """Each asks for 60% of the payment at the same instant: one is refused."""
    booking, payment = _paid(show, seats)
    share = (payment.amount * Decimal("0.6")).quantize(Decimal("0.01"))
    barrier = threading.Barrier(2)
    results: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            refund_create(reference=booking.reference, amount=share, reason="Race")
            outcome = "refunded"
        except ValidationFailed:
            outcome = "refused"
        except Exception as error:
            outcome = f"error {error!r}"
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(results) == ["refunded", "refused"], results
    payment.refresh_from_db()
    assert payment.amount_refunded == share
    assert Refund.objects.filter(payment=payment).count() == 1
    assert Refund.objects.get(payment=payment).status == RefundStatus.SUCCEEDED
