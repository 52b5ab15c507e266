"""The cash-up: each staff member's till on one of the cinema's days, as a page and a PDF."""

import datetime as dt
import io
import itertools
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from marquee.core.clock import day_bounds
from marquee.payments.cash_up import cash_up
from marquee.payments.models import Payment, Refund
from marquee.staff.roles import ADMIN, BOX_OFFICE
from tests import factories as f

DAY = dt.date(2026, 3, 10)
_keys = itertools.count()


def _staff(username: str, group: str, first_name: str = "") -> User:
    user = User.objects.create_user(username=username, password="x", is_staff=True, first_name=first_name)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def seats(db):
    show = f.showtime(hall_obj=f.hall(rows=8, seats=10))
    return iter(show.hall.seats.order_by("pk").values_list("pk", flat=True)), show


def _at(day: dt.date, hour: int) -> dt.datetime:
    return day_bounds(day)[0] + dt.timedelta(hours=hour)


def _pay(seats, provider: str, amount: str, taken_by: User | None, when: dt.datetime, status="succeeded") -> Payment:
    free, show = seats
    booking = f.hold(show, [next(free)], email=f"b{next(_keys)}@example.com").booking
    return Payment.objects.create(
        booking=booking,
        provider=provider,
        amount=Decimal(amount),
        currency="UAH",
        status=status,
        idempotency_key=f"k{next(_keys)}",
        taken_by=taken_by,
        succeeded_at=when if status == "succeeded" else None,
    )


def _refund(payment: Payment, amount: str, by: User | None, when: dt.datetime, status="succeeded") -> Refund:
    return Refund.objects.create(
        payment=payment,
        amount=Decimal(amount),
        reason="seats moved",
        requested_by="staff",
        staff_user=by,
        status=status,
        idempotency_key=f"r{next(_keys)}",
        succeeded_at=when if status == "succeeded" else None,
    )


@pytest.fixture
def day_of_sales(seats):
    """Two cashiers' day, an online payment, and the day before and after."""
    anna = _staff("anna", BOX_OFFICE, "Anna")
    bohdan = _staff("bohdan", BOX_OFFICE, "Bohdan")
    cash_a = _pay(seats, "cash", "300.00", anna, _at(DAY, 10))
    _pay(seats, "cash", "150.00", anna, _at(DAY, 12))
    _pay(seats, "card_terminal", "200.00", anna, _at(DAY, 13))
    _pay(seats, "cash", "100.00", bohdan, _at(DAY, 18))
    card_b = _pay(seats, "card_terminal", "250.00", bohdan, _at(DAY, 19))
    _refund(cash_a, "120.00", bohdan, _at(DAY, 20))  # Bohdan gave back cash Anna took
    _refund(card_b, "50.00", bohdan, _at(DAY, 21))
    # Not counted: online, failed, another day, a refund still pending.
    online = _pay(seats, "demo", "999.00", None, _at(DAY, 11))
    _refund(online, "99.00", anna, _at(DAY, 11))
    _pay(seats, "cash", "777.00", anna, _at(DAY, 9), status="failed")
    _pay(seats, "cash", "555.00", anna, _at(DAY - dt.timedelta(days=1), 23))
    _pay(seats, "cash", "444.00", bohdan, _at(DAY + dt.timedelta(days=1), 0))
    _refund(cash_a, "10.00", anna, _at(DAY, 22), status="pending")
    return anna, bohdan


def test_figures_are_exact_per_staff_member_and_in_total(day_of_sales):
    result = cash_up(day=DAY)
    by_name = {line.name: line for line in result.lines}
    assert set(by_name) == {"Anna", "Bohdan"}
    a, b = by_name["Anna"], by_name["Bohdan"]
    assert (a.cash_taken, a.cash_paid_back, a.cash_net) == (Decimal("450.00"), 0, Decimal("450.00"))
    assert (a.card_taken, a.card_paid_back, a.payments) == (Decimal("200.00"), 0, 3)
    assert (b.cash_taken, b.cash_paid_back, b.cash_net) == (Decimal("100.00"), Decimal("120.00"), Decimal("-20.00"))
    assert (b.card_taken, b.card_paid_back, b.card_net, b.payments) == (
        Decimal("250.00"),
        Decimal("50.00"),
        Decimal("200.00"),
        2,
    )
    t = result.total
    assert (t.cash_taken, t.cash_paid_back, t.cash_net) == (Decimal("550.00"), Decimal("120.00"), Decimal("430.00"))
    assert (t.card_taken, t.card_paid_back, t.payments) == (Decimal("450.00"), Decimal("50.00"), 5)


def test_one_staff_member_only(day_of_sales):
    anna, _bohdan = day_of_sales
    result = cash_up(day=DAY, staff_user_id=anna.pk)
    assert [line.name for line in result.lines] == ["Anna"]
    assert result.total.cash_taken == Decimal("450.00")


def test_another_day_counts_only_its_own(day_of_sales):
    before = cash_up(day=DAY - dt.timedelta(days=1))
    assert [(line.name, line.cash_taken) for line in before.lines] == [("Anna", Decimal("555.00"))]
    assert cash_up(day=DAY - dt.timedelta(days=5)).lines == []


def test_query_count_does_not_grow_with_rows(seats):
    anna = _staff("anna", BOX_OFFICE, "Anna")
    _pay(seats, "cash", "10.00", anna, _at(DAY, 10))
    with CaptureQueriesContext(connection) as few:
        cash_up(day=DAY)
    for i in range(6):
        cashier = _staff(f"c{i}", BOX_OFFICE)
        p = _pay(seats, "cash", "10.00", cashier, _at(DAY, 11))
        _pay(seats, "card_terminal", "20.00", cashier, _at(DAY, 12))
        _refund(p, "5.00", cashier, _at(DAY, 13))
    with CaptureQueriesContext(connection) as many:
        assert len(cash_up(day=DAY).lines) == 7
    assert len(many) == len(few) == 4


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_admin_sees_every_line_and_the_totals(day_of_sales):
    admin = _staff("boss", ADMIN)
    page = _client(admin).get("/staff/cash-up/", {"day": DAY.isoformat()})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Anna" in html and "Bohdan" in html and "<tfoot>" in html
    assert "Comps are free tickets given at the counter" in html
    assert "A shift is the cinema&#x27;s day" in html


def test_box_office_sees_only_its_own_line(day_of_sales):
    anna, _bohdan = day_of_sales
    page = _client(anna).get("/staff/cash-up/", {"day": DAY.isoformat()})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Anna" in html and "Bohdan" not in html and "<tfoot>" not in html
    pdf = _client(anna).get("/staff/cash-up.pdf", {"day": DAY.isoformat()})
    text = _pdf_text(pdf.content)
    assert "Anna" in text and "Bohdan" not in text


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_pdf_has_the_same_figures_and_totals(day_of_sales):
    admin = _staff("boss", ADMIN)
    response = _client(admin).get("/staff/cash-up.pdf", {"day": DAY.isoformat()})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert "Cash-up 2026-03-10" in text
    assert "Anna" in text and "Bohdan" in text and "Total" in text
    for figure in ("UAH\u00a0550.00", "UAH\u00a0120.00", "UAH\u00a0430.00", "UAH\u00a0450.00"):
        assert figure.replace("\u00a0", " ") in text.replace("\u00a0", " ")
    assert "Comps are free tickets given at the counter" in text


@pytest.mark.parametrize(
    "day",
    [
        "",
        "yesterday",
        "2026-02-30",
        "0000-01-01",
        "9999-12-31",
        "1970-12-31",
        "2200-01-01",
        "2026-3-1",
        "٢٠٢٦-٠٣-١٠",
        "2026-03-10\x00",
        "x" * 5000,
        "-1",
    ],
)
def test_hostile_days_are_never_a_500(db, day):
    admin = _staff("boss", ADMIN)
    client = _client(admin)
    page = client.get("/staff/cash-up/", {"day": day})
    assert page.status_code == 200
    if day:
        assert "Showing today." in page.content.decode()
    assert client.get("/staff/cash-up.pdf", {"day": day}).status_code == 200


def test_anonymous_is_sent_to_the_login(db):
    from django.urls import reverse

    anonymous = Client().get("/staff/cash-up/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("admin:login"))
    assert Client().get("/staff/cash-up.pdf").status_code == 302


def test_the_pdf_prints_a_ukrainian_name(seats):
    olena = _staff("olena", BOX_OFFICE, "Олена")
    _pay(seats, "cash", "80.00", olena, _at(DAY, 10))
    response = _client(_staff("boss", ADMIN)).get("/staff/cash-up.pdf", {"day": DAY.isoformat()})
    assert "Олена" in _pdf_text(response.content)


def test_a_refund_no_staff_member_gave_shows_on_its_own_line_for_admin_only(seats):
    anna = _staff("anna", BOX_OFFICE, "Anna")
    payment = _pay(seats, "cash", "100.00", anna, _at(DAY, 10))
    _refund(payment, "40.00", None, _at(DAY, 11))
    lines = {line.name: line for line in cash_up(day=DAY).lines}
    assert lines["Not recorded"].cash_paid_back == Decimal("40.00")
    assert lines["Anna"].cash_net == Decimal("100.00")
    assert [line.name for line in cash_up(day=DAY, staff_user_id=anna.pk).lines] == ["Anna"]


def test_the_nav_links_the_cash_up_for_box_office(db):
    html = _client(_staff("anna", BOX_OFFICE)).get("/staff/").content.decode()
    assert 'href="/staff/cash-up/"' in html
