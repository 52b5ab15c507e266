"""Report pages and their CSV downloads, checked against figures worked out by hand."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from marquee.backoffice.charts import bar_chart, column_chart
from marquee.booking.models import Customer
from marquee.core.clock import local, local_today
from tests import factories as f
from tests.backoffice.conftest import past_paid_booking
from tests.reports.conftest import cinema  # noqa: F401  (the hand-worked fixture)


@pytest.fixture
def period():
    today = local_today()
    return {
        "date_from": (today - dt.timedelta(days=7)).isoformat(),
        "date_to": (today + dt.timedelta(days=7)).isoformat(),
    }


def _csv(response):
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_occupancy_page_and_csv(admin_client, show, period):
    # 15 seats: 2 sold (paid), 1 held (pending).
    page = admin_client.get(reverse("backoffice:occupancy"), period)
    assert page.status_code == 200
    html = page.content.decode()
    assert "13%" in html  # 2 / 15 sold
    assert page.context["kpis"]["sold"] == 2
    assert page.context["kpis"]["held"] == 1
    # The showtime is tomorrow: its advance sales say nothing yet about needing a screen.
    assert page.context["signal"].weeks == []
    assert "No showtime of this period has begun yet" in html

    rows = _csv(admin_client.get(reverse("backoffice:occupancy_csv"), period))
    assert rows[0][0] == "showtime_id"
    assert rows[1][0] == str(show.pk)
    record = dict(zip(rows[0], rows[1], strict=True))
    assert (record["capacity"], record["sold"], record["held"], record["occupancy"]) == ("15", "2", "1", "0.1333")


def test_occupancy_says_when_another_screen_is_needed(admin_client, period):
    hall = f.hall(rows=1, seats=2)
    past_paid_booking(hall=hall, seats=2, days_ago=1)  # sold out
    page = admin_client.get(reverse("backoffice:occupancy"), period)
    assert "consider adding a screen" in page.content.decode()
    assert 'class="signal signal-expand"' in page.content.decode()


def test_occupancy_filters_by_hall(admin_client, show, period):
    other = f.showtime(hall_obj=f.hall())
    page = admin_client.get(reverse("backoffice:occupancy"), {**period, "hall": other.hall_id})
    assert [r.showtime_id for r in page.context["rows"]] == [other.pk]


def test_a_bad_period_falls_back_to_the_default_with_a_message(admin_client, show):
    page = admin_client.get(reverse("backoffice:occupancy"), {"date_from": "2026-05-10", "date_to": "2026-05-01"})
    assert page.status_code == 200
    assert "The end of the period comes before its start." in page.content.decode()


def test_sales_page_totals_and_charts(admin_client, show, period):
    page = admin_client.get(reverse("backoffice:sales"), period)
    assert page.status_code == 200
    assert page.context["by_day"].tickets == 2
    assert page.context["by_day"].revenue == Decimal("200.00")
    html = page.content.decode()
    assert html.count('<svg class="chart"') == 6  # by day, movie, hall, seat type, tariff, ticket type
    assert "UAH\xa0200.00" in html


@pytest.mark.parametrize("group_by", ["day", "movie", "hall", "seat_type", "tariff", "ticket_type"])
def test_sales_csv(admin_client, show, period, group_by):
    rows = _csv(admin_client.get(reverse("backoffice:sales_csv"), {**period, "group_by": group_by}))
    assert rows[0][:3] == [group_by, "tickets", "revenue"]
    assert rows[-1][:3] == ["TOTAL", "2", "200.00"]


def test_charts_escape_labels_and_scale_bars():
    svg = str(bar_chart([("<b>Big</b>", 100), ("Small", 25)], title="Revenue & more"))
    assert "<b>" not in svg
    assert "&lt;b&gt;Big&lt;/b&gt;" in svg
    assert 'aria-label="Revenue &amp; more"' in svg
    assert 'width="310.0"' in svg and 'width="77.5"' in svg  # 310px span: 100% and 25%
    empty = str(column_chart([], title="Nothing"))
    assert "No data in this period." in empty


def test_share_sold_by_start_hour_counts_showtimes_that_have_begun(admin_client, show, period):
    hall = f.hall(rows=1, seats=4)
    past_paid_booking(hall=hall, seats=2, days_ago=1)  # half sold, begun
    page = admin_client.get(reverse("backoffice:occupancy"), period)
    chart = str(page.context["hour_chart"])
    assert chart.count("<rect") == 1  # tomorrow's showtime is not in it
    assert ">50%<" in chart


def test_heat_map_csv_has_a_line_per_hall_and_day_with_showtimes(admin_client, show, period):
    rows = _csv(admin_client.get(reverse("backoffice:occupancy_heat_csv"), period))
    assert rows[0] == ["date", "hall_number", "hall", "occupancy"]
    day = local(show.starts_at).date()
    assert rows[1:] == [[day.isoformat(), str(show.hall.number), show.hall.name, "0.1333"]]  # 2 of 15 sold


def test_expansion_csv_has_the_weeks_the_page_shows(admin_client, period):
    hall = f.hall(rows=1, seats=2)
    past_paid_booking(hall=hall, seats=2, days_ago=1)  # sold out
    page = admin_client.get(reverse("backoffice:occupancy"), period)
    week = page.context["signal"].weeks[0]
    rows = _csv(admin_client.get(reverse("backoffice:expansion_csv"), period))
    assert rows[0][:6] == ["week_of", "iso_year", "iso_week", "showtimes", "nearly_full", "sold_out"]
    assert rows[1:] == [
        [week.monday.isoformat(), str(week.year), str(week.week), "1", "1", "1", "1.0000", "1.0000", "expand"]
    ]
    other = _csv(admin_client.get(reverse("backoffice:expansion_csv"), {**period, "hall": f.hall().pk}))
    assert other == [rows[0]]  # no showtime in that hall


def test_customers_csv_against_the_hand_worked_cinema(admin_client, cinema):  # noqa: F811
    Customer.objects.filter(email="boris@example.com").update(first_name="=HYPERLINK(1)")
    day = {"date_from": cinema.day.isoformat(), "date_to": cinema.day.isoformat()}
    response = admin_client.get(reverse("backoffice:customers_csv"), day)
    assert f"customers-{cinema.day}-{cinema.day}.csv" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == [
        "customer_id",
        "first_name",
        "last_name",
        "email",
        "bookings",
        "tickets",
        "revenue",
        "currency",
        "first_visit",
        "last_visit",
        "favourite_genre",
        "marketing_consent",
    ]
    d = cinema.day.isoformat()
    assert [r[3:] for r in rows[1:]] == [
        ["anna@example.com", "2", "5", "700.00", "UAH", f"{d} 14:00", f"{d} 19:00", "Comedy, Drama", "no"],
        ["boris@example.com", "1", "4", "400.00", "UAH", f"{d} 19:00", f"{d} 19:00", "Drama", "no"],
    ]
    assert rows[2][1] == "'=HYPERLINK(1)"  # never run as a formula
    only_b = _csv(admin_client.get(reverse("backoffice:customers_csv"), {**day, "hall": cinema.hall_b.pk}))
    assert [r[3] for r in only_b[1:]] == ["boris@example.com"]
    before = (cinema.day - dt.timedelta(days=1)).isoformat()
    empty = _csv(admin_client.get(reverse("backoffice:customers_csv"), {"date_from": before, "date_to": before}))
    assert empty == [rows[0]]


def test_heat_map_csv_against_the_hand_worked_cinema(admin_client, cinema):  # noqa: F811
    # Hall A: S1 2 of 10 sold, S2 3 of 10: 25% on average; hall B: S3 sold out.
    d = cinema.day.isoformat()
    rows = _csv(admin_client.get(reverse("backoffice:occupancy_heat_csv"), {"date_from": d, "date_to": d}))
    assert rows[1:] == [[d, "1", "Hall A", "0.2500"], [d, "2", "Hall B", "1.0000"]]


def test_every_csv_report_has_one_url_and_every_csv_url_a_report():
    """The one CSV view is reached by each download's own URL name, with its row's key."""
    from django.urls import get_resolver

    from marquee.backoffice.reports import CSV_REPORTS, report_csv

    routed = {
        pattern.default_args["report"]: pattern.name
        for pattern in get_resolver("marquee.backoffice.urls").url_patterns
        if getattr(pattern, "callback", None) is report_csv
    }
    assert set(routed) == set(CSV_REPORTS)
    assert sorted(routed.values()) == [
        "customers_csv",
        "expansion_csv",
        "occupancy_csv",
        "occupancy_heat_csv",
        "sales_csv",
    ]


def test_sales_csv_names_its_file_after_the_grouping_and_channel(admin_client, period):
    response = admin_client.get(reverse("backoffice:sales_csv"), {**period, "group_by": "movie", "channel": "online"})
    assert (
        f'filename="sales-by-movie-online-{period["date_from"]}-{period["date_to"]}.csv"'
        in response["Content-Disposition"]
    )
    response = admin_client.get(reverse("backoffice:sales_csv"), {**period, "group_by": "nonsense", "channel": "x"})
    assert f'filename="sales-by-day-{period["date_from"]}-{period["date_to"]}.csv"' in response["Content-Disposition"]
