"""Revenue net of refunds (the cinema of tests/reports/conftest.py).

Anna's booking for S2 (M2, hall A, Evening) is 500.00: A1-1 standard 125.00, A2-1 and A2-2
VIP 187.50 each. Staff give back 100.01 of it without cancelling: pro rata by seat price,
each share rounded to the cent, the remainder on the last seat: 25.00 on A1-1, 37.50 on
A2-1, 37.51 on A2-2.
"""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
import time_machine

from marquee.booking.models import Booking
from marquee.core.clock import now
from marquee.payments.models import Payment, PaymentStatus, Refund, RefundStatus, RequestedBy
from marquee.reports import selectors as r
from marquee.reports.services import showtimes_tally
from tests import factories as f

pytestmark = pytest.mark.django_db


def refund(reference: str, amount: str, status: str = RefundStatus.SUCCEEDED) -> Refund:
    booking = Booking.objects.get(reference=reference)
    payment = Payment.objects.filter(booking=booking).first() or Payment.objects.create(
        booking=booking,
        provider="demo",
        amount=booking.total_price,
        currency="UAH",
        status=PaymentStatus.SUCCEEDED,
        idempotency_key=uuid.uuid4().hex,
        succeeded_at=now(),
    )
    if status != RefundStatus.FAILED:
        Payment.objects.filter(pk=payment.pk).update(amount_refunded=payment.amount_refunded + Decimal(amount))
    return Refund.objects.create(
        payment=payment,
        amount=Decimal(amount),
        reason="Sound failed for ten minutes",
        requested_by=RequestedBy.STAFF,
        status=status,
        idempotency_key=uuid.uuid4().hex,
    )


def figures(report):
    return [(row.key, row.tickets, row.revenue) for row in report.rows]


def test_the_refund_is_spread_exactly_to_the_cent():
    assert r.refund_shares(Decimal("100.01"), [Decimal("125.00"), Decimal("187.50"), Decimal("187.50")]) == [
        Decimal("25.00"),
        Decimal("37.50"),
        Decimal("37.51"),
    ]
    assert r.refund_shares(Decimal("10.00"), [Decimal("100.00")] * 3) == [
        Decimal("3.33"),
        Decimal("3.33"),
        Decimal("3.34"),
    ]
    assert r.refund_shares(Decimal("999.00"), [Decimal("10.00"), Decimal("20.00")]) == [
        Decimal("10.00"),
        Decimal("20.00"),
    ]  # never more than the seats cost


@pytest.mark.parametrize(
    ("group_by", "expected"),
    [
        ("movie", [("M1", 6, Decimal("600.00")), ("M2", 3, Decimal("399.99"))]),
        ("hall", [("Hall A", 5, Decimal("599.99")), ("Hall B", 4, Decimal("400.00"))]),
        ("seat_type", [("standard", 7, Decimal("700.00")), ("vip", 2, Decimal("299.99"))]),
        ("tariff", [("Evening", 7, Decimal("799.99")), (r.NO_TARIFF, 2, Decimal("200.00"))]),
    ],
)
def test_a_partial_refund_reduces_revenue_exactly(cinema, group_by, expected):
    refund(cinema.references["b4"], "100.01")

    report = r.sales(start=cinema.day, end=cinema.day, group_by=group_by)

    assert figures(report) == expected
    assert (report.tickets, report.revenue) == (9, Decimal("999.99"))


def test_the_day_total_and_csv_are_net(cinema):
    import io

    from marquee.reports.csv import write_sales_csv

    refund(cinema.references["b4"], "100.01")
    out = io.StringIO()
    write_sales_csv(out, r.sales(start=cinema.day, end=cinema.day, group_by="day"))

    assert out.getvalue().splitlines()[-1] == "TOTAL,9,999.99,UAH,0"


def test_only_succeeded_refunds_of_paid_bookings_count(cinema):
    refund(cinema.references["b4"], "50.00", status=RefundStatus.PENDING)
    refund(cinema.references["b5"], "80.00", status=RefundStatus.FAILED)
    refund(cinema.references["b3"], "100.00")  # the cancelled booking: already out whole

    assert r.sales(start=cinema.day, end=cinema.day, group_by="movie").revenue == Decimal("1100.00")


def test_refunds_after_the_tally_are_taken_off_too(cinema):
    with time_machine.travel(f.local_dt(cinema.day + dt.timedelta(days=1), 9), tick=False):
        assert showtimes_tally() == 3
        refund(cinema.references["b4"], "100.01")

        report = r.sales(start=cinema.day, end=cinema.day, group_by="seat_type")

    assert figures(report) == [("standard", 7, Decimal("700.00")), ("vip", 2, Decimal("299.99"))]


def test_the_customers_report_is_net_and_adds_up_to_sales(cinema):
    refund(cinema.references["b4"], "100.01")

    rows = r.customers_report(start=cinema.day, end=cinema.day).results

    assert [(row.email, row.revenue) for row in rows] == [
        ("anna@example.com", Decimal("599.99")),
        ("boris@example.com", Decimal("400.00")),
    ]
    assert sum(row.revenue for row in rows) == r.sales(start=cinema.day, end=cinema.day, group_by="day").revenue


def test_the_sales_page_and_api_show_net_revenue(cinema, client):
    from django.contrib.auth.models import Group, User
    from django.urls import reverse

    refund(cinema.references["b4"], "100.01")
    admin = User.objects.create_user("admin", is_staff=True)
    admin.groups.add(Group.objects.get(name="Admin"))
    client.force_login(admin)
    period = {"date_from": cinema.day.isoformat(), "date_to": cinema.day.isoformat()}

    csv = client.get(reverse("backoffice:sales_csv"), {**period, "group_by": "movie"}).content.decode()
    api = client.get("/api/v1/admin/reports/sales", {"from": cinema.day.isoformat(), "to": cinema.day.isoformat()})

    assert "M2,3,399.99,UAH,0" in csv.splitlines()
    assert api.json()["totals"]["revenue"] == "999.99"
