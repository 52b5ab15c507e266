"""Sales by channel (online, box office), and comps counted apart from tickets sold.

On top of the hand-worked cinema (tests/reports/conftest.py: 9 tickets online, 1,100.00), the
box office sells at S1 (M1, hall A, no tariff): A1-4 for cash (100.00), A2-3 on the card
terminal (150.00), and gives A1-5 as a comp to the press.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group, User

from marquee.payments.counter import counter_sell
from marquee.reports import selectors as r
from marquee.reports.csv import write_sales_csv
from marquee.reports.models import ShowtimeTallyCell
from marquee.reports.services import showtimes_tally
from marquee.staff.roles import ADMIN
from tests import factories as f
from tests.reports.conftest import seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db) -> User:
    user = User.objects.create_user("boss", is_staff=True)
    user.groups.add(Group.objects.get(name=ADMIN))
    return user


@pytest.fixture
def counter(cinema, admin):
    a = cinema.hall_a
    counter_sell(showtime_id=cinema.s1.pk, seat_ids=[seat(a, 1, 4)], method="cash", staff_user=admin)
    counter_sell(showtime_id=cinema.s1.pk, seat_ids=[seat(a, 2, 3)], method="card_terminal", staff_user=admin)
    counter_sell(
        showtime_id=cinema.s1.pk, seat_ids=[seat(a, 1, 5)], method="comp", comp_reason="Press", staff_user=admin
    )
    return cinema


def _rows(report: r.SalesReport) -> list[tuple[str, int, Decimal, int]]:
    return [(x.key, x.tickets, x.revenue, x.comps) for x in report.rows]


def test_sales_by_channel_count_comps_apart(counter):
    day = counter.day
    by_channel = r.sales(start=day, end=day, group_by="channel")
    assert _rows(by_channel) == [
        ("online", 9, Decimal("1100.00"), 0),
        ("box_office", 2, Decimal("250.00"), 1),
    ]
    assert (by_channel.tickets, by_channel.revenue, by_channel.comps) == (11, Decimal("1350.00"), 1)
    box_office = r.sales(start=day, end=day, group_by="movie", channel="box_office")
    assert _rows(box_office) == [("M1", 2, Decimal("250.00"), 1)]
    online = r.sales(start=day, end=day, group_by="hall", channel="online")
    assert _rows(online) == [("Hall A", 5, Decimal("700.00"), 0), ("Hall B", 4, Decimal("400.00"), 0)]
    # The comp is not a ticket sold, but it fills a seat.
    assert {x.showtime_id: x.sold for x in r.occupancy(start=day, end=day)}[counter.s1.pk] == 5


def test_without_counter_sales_the_answers_are_as_before(cinema):
    report = r.sales(start=cinema.day, end=cinema.day, group_by="hall")
    assert [(x.key, x.tickets, x.revenue) for x in report.rows] == [
        ("Hall A", 5, Decimal("700.00")),
        ("Hall B", 4, Decimal("400.00")),
    ]
    assert report.comps == 0


def test_an_unknown_channel_is_refused(cinema):
    from marquee.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        r.sales(start=cinema.day, end=cinema.day, group_by="movie", channel="phone")


def test_tallies_keep_channels_and_comps(counter):
    def everything():
        return {
            (g, c): _rows(r.sales(start=counter.day, end=counter.day, group_by=g, channel=c))
            for g in r.GROUP_BYS
            for c in ("", *r.CHANNELS)
        }

    with time_machine.travel(f.local_dt(counter.day + dt.timedelta(days=1), 9), tick=False):
        before = everything()
        assert showtimes_tally() == 3
        assert ShowtimeTallyCell.objects.filter(showtime=counter.s1, comp=True, channel="box_office").count() == 1
        assert everything() == before


def test_csv_and_api_by_channel(counter, admin, client):
    out = io.StringIO()
    write_sales_csv(out, r.sales(start=counter.day, end=counter.day, group_by="channel"))
    assert out.getvalue().splitlines() == [
        "channel,tickets,revenue,currency,comps",
        "online,9,1100.00,UAH,0",
        "box_office,2,250.00,UAH,1",
        "TOTAL,11,1350.00,UAH,1",
    ]
    client.force_login(admin)
    period = {"date_from": counter.day.isoformat(), "date_to": counter.day.isoformat()}
    csv = client.get("/staff/reports/sales.csv", {**period, "group_by": "movie", "channel": "box_office"})
    assert csv.content.decode().splitlines()[1:] == ["M1,2,250.00,UAH,1", "TOTAL,2,250.00,UAH,1"]

    day = counter.day.isoformat()
    api = client.get("/api/v1/admin/reports/sales", {"from": day, "to": day, "group_by": "channel"})
    assert api.status_code == 200
    body = api.json()
    assert [(x["key"], x["tickets"], x["revenue"], x["comps"]) for x in body["results"]] == [
        ("online", 9, "1100.00", 0),
        ("box_office", 2, "250.00", 1),
    ]
    assert body["totals"] == {"tickets": 11, "revenue": "1350.00", "comps": 1}
    one = client.get("/api/v1/admin/reports/sales", {"from": day, "to": day, "channel": "online"}).json()
    assert one["totals"] == {"tickets": 9, "revenue": "1100.00", "comps": 0}
    bad = client.get("/api/v1/admin/reports/sales", {"from": day, "to": day, "channel": "phone"})
    assert bad.status_code == 422

    page = client.get("/staff/reports/sales/", period)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Online and at the box office" in html and "Box office" in html
