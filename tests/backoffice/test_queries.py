"""The heavy pages run a fixed number of queries, whatever the number of showtimes,
bookings and seats: measured with one showtime, then held to it with many."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marquee.core.clock import local_today
from marquee.payments.services import payment_record_box_office
from tests import factories as f
from tests.backoffice.conftest import past_paid_booking


def _count(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def _more_showtimes(hall, n: int = 6) -> None:
    """n more showtimes over the week in two halls, each with a paid and a pending booking.

    From the day after tomorrow: the `show` fixture starts tomorrow at this time of day, and a
    showtime tomorrow morning in its hall made the test fail when run in the morning."""
    halls = [hall, f.hall(rows=2, seats=4)]
    for i in range(n):
        day = local_today() + dt.timedelta(days=2 + i % 5)
        show = f.showtime(hall_obj=halls[i % 2], starts_at=f.local_dt(day, 10 + 3 * (i // 5 + i % 2)))
        seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
        booking = f.hold(show, seats[:2], email=f"buyer{i}@example.com").booking
        payment_record_box_office(reference=booking.reference)
        f.hold(show, seats[2:3], email=f"holder{i}@example.com")


@pytest.fixture
def week():
    today = local_today()
    return {
        "date_from": (today - dt.timedelta(days=7)).isoformat(),
        "date_to": (today + dt.timedelta(days=7)).isoformat(),
    }


@pytest.mark.parametrize("name", ["planner", "occupancy", "sales", "dashboard"])
def test_pages_take_constant_queries(admin_client, show, week, name, django_assert_max_num_queries):
    url = reverse(f"backoffice:{name}")
    params = {"hall": show.hall_id, "week": local_today().isoformat()} if name == "planner" else week
    few = _count(admin_client, url, params)
    _more_showtimes(show.hall)
    past_paid_booking(hall=show.hall)
    with django_assert_max_num_queries(few):
        admin_client.get(url, params)


def test_customers_page_with_its_period_report_takes_constant_queries(
    admin_client, week, django_assert_max_num_queries
):
    past_paid_booking(email="olena@example.com")
    url = reverse("backoffice:customers")
    few = _count(admin_client, url, week)
    for i in range(4):
        past_paid_booking(days_ago=3 + i, email=f"buyer{i}@example.com", seats=1 + i % 2)
    with django_assert_max_num_queries(few):
        page = admin_client.get(url, week)
    assert page.context["report"].count == 5


def test_customer_page_takes_constant_queries(admin_client, django_assert_max_num_queries):
    first = past_paid_booking(email="olena@example.com")
    url = reverse("backoffice:customer", args=[first.customer_id])
    few = _count(admin_client, url, {})
    for days_ago in (3, 4, 5, 6):
        past_paid_booking(days_ago=days_ago, email="olena@example.com", seats=3)
    with django_assert_max_num_queries(few):
        page = admin_client.get(url)
    assert len(page.context["profile"].watched) == 5


def test_movie_audience_takes_constant_queries(admin_client, django_assert_max_num_queries):
    first = past_paid_booking(email="a@example.com")
    movie = first.showtime.movie
    url = reverse("backoffice:movie_audience", args=[movie.pk])
    few = _count(admin_client, url, {})
    for i in range(4):
        past_paid_booking(movie=movie, days_ago=3 + i, email=f"b{i}@example.com")
    with django_assert_max_num_queries(few):
        page = admin_client.get(url)
    assert page.context["audience"].count == 5


@pytest.mark.parametrize("name", ["showtime", "bookings"])
def test_showtime_and_bookings_pages_take_constant_queries(admin_client, show, name, django_assert_max_num_queries):
    url = reverse("backoffice:showtime", args=[show.pk]) if name == "showtime" else reverse("backoffice:bookings")
    params = {} if name == "showtime" else {"showtime": show.pk}
    few = _count(admin_client, url, params)
    seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    for i, seat in enumerate(seats[3:9]):
        booking = f.hold(show, [seat], email=f"more{i}@example.com").booking
        payment_record_box_office(reference=booking.reference)
    with django_assert_max_num_queries(few):
        admin_client.get(url, params)
