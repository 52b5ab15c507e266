"""The sales report by ticket type: live from the seats and, once a showtime is tallied, from
its tally cells, with the same figures; on the page, in the CSV and in the staff API."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from marquee.payments.services import payment_record_box_office
from marquee.reports import selectors as r
from marquee.reports.models import ShowtimeTallyCell
from marquee.reports.services import showtimes_tally
from marquee.staff.roles import ADMIN
from marquee.staff.services import api_key_create
from tests import factories as f
from tests.staff.conftest import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def sold():
    f.ticket_type("child", "Child", multiplier=Decimal("0.5"), max_age_rating=12)
    f.ticket_type("student", "Student", rule="amount_off", amount_off=Decimal("30.00"))
    day = dt.date.today() + dt.timedelta(days=2)
    show = f.showtime(hall_obj=f.hall(rows=1, seats=6), starts_at=f.local_dt(day, 12))
    a, b, c, d, e, _ = show.hall.seats.order_by("pk").values_list("pk", flat=True)
    for seats, types, email in (
        ([a, b, c], {b: "child", c: "child"}, "family@example.com"),
        ([d, e], {e: "student"}, "pair@example.com"),
    ):
        payment_record_box_office(reference=f.hold(show, seats, email=email, ticket_types=types).booking.reference)
    return show, day


def _figures(day):
    return [(row.key, row.tickets, row.revenue) for row in r.sales(start=day, end=day, group_by="ticket_type").rows]


def test_by_ticket_type_live_and_tallied_alike(sold):
    show, day = sold
    expected = [("Adult", 2, Decimal("200.00")), ("Child", 2, Decimal("100.00")), ("Student", 1, Decimal("70.00"))]
    assert _figures(day) == expected
    with time_machine.travel(show.ends_at + dt.timedelta(days=1), tick=False):
        assert showtimes_tally() == 1
        assert set(ShowtimeTallyCell.objects.values_list("ticket_type_name", flat=True)) == {
            "Adult",
            "Child",
            "Student",
        }
        assert _figures(day) == expected


def test_on_the_page_in_the_csv_and_in_the_api(sold, admin_client, client):
    _show, day = sold
    period = {"date_from": day.isoformat(), "date_to": day.isoformat()}
    page = admin_client.get("/staff/reports/sales/", period).content.decode()
    assert "By ticket type" in page and "Child" in page
    csv = admin_client.get("/staff/reports/sales.csv", {**period, "group_by": "ticket_type"}).content.decode()
    assert "Child,2,100.00" in csv
    staff_user("reporter", ADMIN)
    key = api_key_create(username="reporter").key
    answer = client.get(
        "/api/v1/admin/reports/sales",
        {"from": day.isoformat(), "to": day.isoformat(), "group_by": "ticket_type"},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert answer.status_code == 200, answer.content
    assert {"key": "Child", "tickets": 2, "revenue": "100.00"}.items() <= answer.json()["results"][1].items()
