"""Money for staff: a booking's payments and refunds, the payments list (page, API, CSV) and
the reconciliation (page and API). The ledger's services belong to another part of the
code; a paid booking gets its box-office payment through them, and the rest of the rows are
made through the models, as the broken states can only be."""

import csv
import datetime as dt
import io
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.urls import reverse

from marquee.booking.models import Booking, BookingStatus, CancelReason
from marquee.booking.services import booking_lock, booking_settle_paid
from marquee.core.clock import local_today, now
from marquee.payments import selectors
from marquee.payments.models import Payment, PaymentStatus, Refund, RefundStatus, RequestedBy
from marquee.payments.services import booking_cancel, payment_record_box_office
from marquee.staff.roles import ADMIN, BOX_OFFICE
from marquee.staff.services import api_key_create
from tests import factories as f
from tests.staff.conftest import Api, staff_user

pytestmark = pytest.mark.django_db


def payment(booking: Booking, *, provider: str = "liqpay", status: str = PaymentStatus.SUCCEEDED, **kw) -> Payment:
    """A payment of the booking; a succeeded one is the payment the booking was paid with
    (payment_record_box_office made it: a booking never has two)."""
    existing = Payment.objects.filter(booking=booking, status=PaymentStatus.SUCCEEDED).first()
    if status == PaymentStatus.SUCCEEDED and existing is not None:
        return existing
    amount = kw.pop("amount", booking.total_price)
    return Payment.objects.create(
        booking=booking,
        provider=provider,
        provider_id=kw.pop("provider_id", f"marquee-{uuid.uuid4().hex[:10]}"),
        amount=amount,
        currency="UAH",
        status=status,
        idempotency_key=uuid.uuid4().hex,
        succeeded_at=now() if status == PaymentStatus.SUCCEEDED else None,
        **kw,
    )


def refund(pay: Payment, amount: str, *, status: str = RefundStatus.SUCCEEDED, **kw) -> Refund:
    """A refund as the ledger records one: the payment's refunded amount raised with it
    (and not for one that failed for good)."""
    if status != RefundStatus.FAILED:
        Payment.objects.filter(pk=pay.pk).update(amount_refunded=pay.amount_refunded + Decimal(amount))
        pay.refresh_from_db()
    return Refund.objects.create(
        payment=pay,
        amount=Decimal(amount),
        reason=kw.pop("reason", "Customer asked"),
        requested_by=kw.pop("requested_by", RequestedBy.STAFF),
        status=status,
        idempotency_key=uuid.uuid4().hex,
        succeeded_at=now() if status == RefundStatus.SUCCEEDED else None,
        **kw,
    )


def _logged_in(username: str, group: str) -> Client:
    client = Client()
    client.force_login(staff_user(username, group))
    return client


@pytest.fixture
def admin_client() -> Client:
    return _logged_in("admin", ADMIN)


@pytest.fixture
def box_client() -> Client:
    return _logged_in("box", BOX_OFFICE)


@pytest.fixture
def admin_api(client) -> Api:
    staff_user("ada", ADMIN)
    return Api(client, api_key_create(username="ada").key)


@pytest.fixture
def show():
    return f.showtime(hall_obj=f.hall(rows=3, seats=5, price="100.00"))


def seats(show, n: int, start: int = 0) -> list[int]:
    return list(show.hall.seats.order_by("pk").values_list("pk", flat=True)[start : start + n])


def paid_booking(
    show, n: int = 2, start: int = 0, email: str = "olena@example.com", *, provider: str = "liqpay", **kw
) -> Booking:
    """A booking paid as the ledger pays one: the box office through its service; online, a
    succeeded payment of the provider (as a notification would have settled it; `kw` can
    make it odd) and the booking paid in the same transaction."""
    booking = f.hold(show, seats(show, n, start), email=email).booking
    if provider in ("cash", "card_terminal"):
        return payment_record_box_office(reference=booking.reference, method=provider)
    with transaction.atomic():
        booking = booking_lock(reference=booking.reference)
        pay = payment(booking, provider=provider, **kw)
        booking_settle_paid(booking=booking, method=provider, payment_reference=pay.provider_id, at=now())
    return Booking.objects.get(pk=booking.pk)


def paid_without_payment(show, n: int, start: int, email: str) -> Booking:
    """The broken state: a booking marked paid with no payment in the ledger."""
    booking = f.hold(show, seats(show, n, start), email=email).booking
    with transaction.atomic():
        booking_settle_paid(
            booking=booking_lock(reference=booking.reference), method="cash", payment_reference="", at=now()
        )
    return Booking.objects.get(pk=booking.pk)


@pytest.fixture
def healthy(show):
    """A cinema whose money adds up: a paid booking with its payment, one partly refunded,
    one cancelled with its whole amount given back, one staff cancelled keeping the money,
    a failed attempt before a good one, and a refund asked for a moment ago."""
    a = paid_booking(show, 2, 0, "a@example.com")
    payment(a)
    b = paid_booking(show, 2, 2, "b@example.com")
    payment(b, provider="demo", status=PaymentStatus.FAILED)
    refund(payment(b), "40.00")
    c = paid_booking(show, 1, 4, "c@example.com")
    refund(payment(c), "100.00")
    booking_cancel(reference=c.reference, by_staff=False)
    d = paid_booking(show, 1, 5, "d@example.com", provider="cash")
    booking_cancel(reference=d.reference, by_staff=True, refund="none", reason="No-show fee")  # staff kept it
    e = paid_booking(show, 1, 6, "e@example.com")
    refund(payment(e), "10.00", status=RefundStatus.PENDING)
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def test_a_healthy_cinema_has_nothing_to_reconcile(healthy):
    found = selectors.reconciliation()

    assert found.healthy
    assert found.count == 0


def test_a_paid_booking_without_a_succeeded_payment_is_listed(healthy, show):
    lonely = paid_without_payment(show, 1, 7, "lonely@example.com")
    payment(lonely, status=PaymentStatus.PENDING)

    found = selectors.reconciliation()

    assert [b.reference for b in found.paid_without_payment] == [lonely.reference]
    assert found.count == 1


def test_money_kept_for_a_booking_that_is_not_paid_is_listed(healthy, show):
    # the customer cancelled; a refund of part of it only (nothing else is under way)
    gone = paid_booking(show, 2, 7, "gone@example.com")
    kept = payment(gone)
    refund(kept, "50.00")
    Booking.objects.filter(pk=gone.pk).update(
        status=BookingStatus.CANCELLED, cancelled_at=now(), cancel_reason=CancelReason.CUSTOMER
    )
    # a payment that succeeded for a hold that lapsed, with nothing given back
    lapsed = f.hold(show, seats(show, 1, 9), email="late@example.com").booking
    late = payment(lapsed)
    Booking.objects.filter(pk=lapsed.pk).update(
        status=BookingStatus.CANCELLED, cancelled_at=now(), cancel_reason=CancelReason.EXPIRED
    )

    found = selectors.reconciliation()

    assert [p.pk for p in found.payments_without_paid_booking] == [kept.pk, late.pk]
    assert found.count == 2


def test_a_refund_pending_too_long_is_listed(healthy, settings):
    settings.PAYMENT_RECONCILE_MINUTES = 15
    stuck = Refund.objects.get(payment__booking=healthy["e"])

    assert selectors.reconciliation(at=now() + dt.timedelta(minutes=14)).refunds_pending == []
    assert selectors.reconciliation(at=now() + dt.timedelta(minutes=16)).refunds_pending == [stuck]


def test_a_failed_refund_is_listed_until_the_money_is_given_back(healthy):
    pay = Payment.objects.get(booking=healthy["a"])
    failed = refund(pay, "200.00", status=RefundStatus.FAILED, last_error="card closed", attempts=5)

    assert selectors.reconciliation().refunds_failed == [failed]
    refund(pay, "200.00")  # given back another way
    assert selectors.reconciliation().refunds_failed == []


def test_a_payment_with_a_problem_is_listed(healthy, show):
    odd = paid_booking(
        show, 1, 7, "odd@example.com", amount=Decimal("90.00"), problem="Paid 90.00 UAH for a booking of 100.00 UAH"
    )
    flagged = payment(odd)

    found = selectors.reconciliation()

    assert found.payments_with_problem == [flagged]
    assert found.paid_without_payment == []


# --- the API -------------------------------------------------------------------------


def test_reconciliation_api_healthy_and_broken(healthy, show, admin_api):
    body = admin_api.get("/reports/reconciliation").json()
    assert body == {
        "paid_without_payment": [],
        "payments_without_paid_booking": [],
        "refunds_pending": [],
        "refunds_failed": [],
        "payments_with_problem": [],
    }

    lonely = paid_without_payment(show, 1, 7, "lonely@example.com")
    failed = refund(Payment.objects.get(booking=healthy["a"]), "200.00", status=RefundStatus.FAILED, last_error="x")
    body = admin_api.get("/reports/reconciliation").json()

    assert body["paid_without_payment"] == [
        {
            "reference": lonely.reference,
            "status": "paid",
            "total_price": "100.00",
            "paid_at": body["paid_without_payment"][0]["paid_at"],
            "payment_method": "cash",
        }
    ]
    assert [r["id"] for r in body["refunds_failed"]] == [failed.pk]
    assert body["refunds_failed"][0]["booking"] == healthy["a"].reference
    assert body["refunds_failed"][0]["amount"] == "200.00"
    assert body["refunds_failed"][0]["last_error"] == "x"


def test_payments_api_filters_and_pages(healthy, admin_api):
    everything = admin_api.get("/payments").json()
    assert everything["count"] == 6

    liqpay = admin_api.get("/payments", provider="liqpay", status="succeeded", limit=2).json()
    assert liqpay["count"] == 4
    assert len(liqpay["results"]) == 2
    first = liqpay["results"][0]
    assert set(first) == {
        "id",
        "voucher_id",  # issue 13: a gift voucher bought has no booking
        "booking",
        "booking_status",
        "provider",
        "provider_id",
        "status",
        "amount",
        "amount_refunded",
        "currency",
        "problem",
        "message",
        "taken_by",
        "created_at",
        "succeeded_at",
    }
    rest = admin_api.get("/payments", provider="liqpay", status="succeeded", limit=2, offset=2).json()
    assert {p["id"] for p in liqpay["results"]}.isdisjoint({p["id"] for p in rest["results"]})

    failed = admin_api.get("/payments", status="failed").json()
    assert [p["provider"] for p in failed["results"]] == ["demo"]
    partly = [p for p in everything["results"] if p["booking"] == healthy["b"].reference and p["status"] == "succeeded"]
    assert partly[0]["amount_refunded"] == "40.00"


def test_payments_api_by_day(healthy, admin_api):
    today = local_today()
    with time_machine.travel(now() - dt.timedelta(days=3), tick=False):
        paid_booking(f.showtime(hall_obj=f.hall()), 1, provider="stripe")

    assert admin_api.get("/payments", **{"from": today.isoformat(), "to": today.isoformat()}).json()["count"] == 6
    earlier = admin_api.get("/payments", **{"to": (today - dt.timedelta(days=1)).isoformat()}).json()
    assert [p["provider"] for p in earlier["results"]] == ["stripe"]


@pytest.mark.parametrize(
    "query",
    [
        {"status": "refunded"},
        {"provider": "<script>"},
        {"from": "2026-12-10", "to": "2026-12-01"},
        {"limit": 0},
        {"from": "0001-01-01"},
    ],
)
def test_payments_api_refuses_bad_filters(admin_api, query):
    response = admin_api.get("/payments", **query)

    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"


# --- the back office -------------------------------------------------------------------


def test_the_booking_page_shows_payments_and_refunds(healthy, admin_client):
    booking = healthy["b"]
    clerk = User.objects.create_user("clerk", is_staff=True)
    pay = Payment.objects.get(booking=booking, status=PaymentStatus.SUCCEEDED)
    Payment.objects.filter(pk=pay.pk).update(taken_by=clerk)
    Refund.objects.filter(payment=pay).update(staff_user=clerk, reason="Broken seat")

    page = admin_client.get(reverse("backoffice:booking", kwargs={"reference": booking.reference})).content.decode()

    assert "Payments and refunds" in page
    assert pay.provider_id in page
    assert "UAH\xa040.00" in page  # money as every page writes it (core.money.money_text)
    assert "Broken seat" in page
    assert "Staff (clerk)" in page
    assert "Failed" in page  # the earlier failed attempt is there too


def test_the_booking_page_of_a_booking_without_payments(show, admin_client):
    booking = f.hold(show, seats(show, 1)).booking

    page = admin_client.get(reverse("backoffice:booking", kwargs={"reference": booking.reference})).content.decode()

    assert "No payments for this booking." in page


def test_the_payments_page_filters_and_downloads(healthy, admin_client):
    page = admin_client.get(reverse("backoffice:payments"), {"provider": "cash"}).content.decode()
    assert "1 payment." in page
    assert healthy["d"].reference in page
    assert healthy["a"].reference not in page

    response = admin_client.get(reverse("backoffice:payments_csv"), {"status": "succeeded"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 5
    assert {r["provider"] for r in rows} == {"liqpay", "cash"}
    b = next(r for r in rows if r["booking"] == healthy["b"].reference)
    assert (b["amount"], b["refunded"], b["currency"]) == ("200.00", "40.00", "UAH")


def test_the_payments_page_pages(show, admin_client, monkeypatch):
    from marquee.backoffice import payments as page_module

    monkeypatch.setattr(page_module, "PAGE_SIZE", 2)
    for i in range(3):
        payment(paid_booking(show, 1, i, f"p{i}@example.com"))

    first = admin_client.get(reverse("backoffice:payments")).content.decode()
    last = admin_client.get(reverse("backoffice:payments"), {"page": 2}).content.decode()

    assert "3 payments." in first
    assert "Next →" in first
    assert "← Previous" in last
    assert "Next →" not in last


def test_the_reconciliation_page(healthy, show, admin_client):
    assert "Everything adds up" in admin_client.get(reverse("backoffice:reconciliation")).content.decode()

    lonely = paid_without_payment(show, 1, 7, "lonely@example.com")
    page = admin_client.get(reverse("backoffice:reconciliation")).content.decode()

    assert "Everything adds up" not in page
    assert lonely.reference in page
    assert "Paid bookings without a succeeded payment (1)" in page


def test_box_office_sees_payments_but_not_the_reconciliation(healthy, box_client):
    assert box_client.get(reverse("backoffice:payments")).status_code == 200
    assert box_client.get(reverse("backoffice:payments_csv")).status_code == 200
    assert box_client.get(reverse("backoffice:reconciliation")).status_code == 403
    menu = box_client.get(reverse("backoffice:dashboard")).content.decode()
    assert reverse("backoffice:payments") in menu
    assert reverse("backoffice:reconciliation") not in menu


def _queries(client, url, **params) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["payments", "payments_csv", "reconciliation"])
def test_money_pages_read_the_same_number_of_queries_however_many_rows(show, admin_client, name):
    url = reverse(f"backoffice:{name}")
    paid_booking(show, 1, 0, "first@example.com", problem="odd")
    few = _queries(admin_client, url)
    for i in range(1, 6):
        booking = paid_booking(
            show, 1, i, f"p{i}@example.com", taken_by=User.objects.get(username="admin"), problem="odd"
        )
        refund(payment(booking), "10.00", status="failed")
    paid_without_payment(show, 1, 7, "lonely@example.com")

    assert _queries(admin_client, url) == few


def test_the_booking_page_reads_its_money_in_two_queries(healthy, admin_client):
    url = reverse("backoffice:booking", kwargs={"reference": healthy["b"].reference})
    before = _queries(admin_client, url)
    pay = Payment.objects.get(booking=healthy["b"], status=PaymentStatus.SUCCEEDED)
    for _ in range(4):
        refund(pay, "1.00")

    assert _queries(admin_client, url) == before


def test_the_demo_cinema_with_its_payments_has_nothing_to_reconcile(admin_api):
    """The demo seed gives each paid booking its payment as the ledger's migration does; without
    them every paid booking (the oldest RECONCILE_LIMIT) is listed, and the backfill mends it."""
    from django.core.management import call_command

    from marquee.core.clock import cinema_tz
    from marquee.payments.backfill import backfill_ledger

    with time_machine.travel(dt.datetime(2026, 3, 12, 8, 30, tzinfo=cinema_tz()), tick=False):
        seed = ["--halls", "2", "--days", "2", "--customers", "30", "--seed", "7"]
        call_command("seed_demo", *seed, stdout=io.StringIO())
        paid = list(Booking.objects.filter(status=BookingStatus.PAID))
        seeded = selectors.reconciliation()
        body = admin_api.get("/reports/reconciliation").json()

        # as before the ledger's migration: no payments at all
        Refund.objects.all().delete()
        Payment.objects.all().delete()
        listed = selectors.reconciliation().paid_without_payment
        backfill_ledger(booking_model=Booking, payment_model=Payment, refund_model=Refund, currency="UAH")
        mended = selectors.reconciliation()

    assert len(paid) > 10
    assert {p.provider for p in Payment.objects.all()} == {"cash", "demo", "voucher"}  # issue 13's vouchers
    assert seeded.healthy
    assert all(kind == [] for kind in body.values())
    assert len(listed) == min(len(paid), selectors.RECONCILE_LIMIT)
    assert mended.healthy
