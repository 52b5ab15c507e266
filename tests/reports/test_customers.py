import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from marquee.booking.models import Customer
from marquee.core.errors import NotFound, ValidationFailed
from marquee.payments.services import booking_pay
from marquee.reports import selectors as r
from tests import factories as f

pytestmark = pytest.mark.django_db


def after(cinema, hours=23):
    return time_machine.travel(f.local_dt(cinema.day, hours), tick=False)


def test_search_by_name_email_or_phone(cinema):
    Customer.objects.filter(email="boris@example.com").update(first_name="Borys", phone="+380671112233")
    assert [c.email for c in r.customer_search(query="anna").results] == ["anna@example.com"]
    assert [c.email for c in r.customer_search(query="BORYS").results] == ["boris@example.com"]
    assert [c.email for c in r.customer_search(query="1112233").results] == ["boris@example.com"]
    page = r.customer_search(query="koval", limit=2)
    assert (page.count, len(page.results)) == (4, 2)
    assert r.customer_search(query="nobody here").count == 0


def test_watch_history_is_paid_bookings_whose_showtime_has_begun(cinema):
    anna = Customer.objects.get(email="anna@example.com")
    assert r.customer_watch_history(customer_id=anna.pk) == []  # nothing has begun yet
    with after(cinema, 15):
        assert [w.showtime_id for w in r.customer_watch_history(customer_id=anna.pk)] == [cinema.s1.pk]
    with after(cinema):
        watched = r.customer_watch_history(customer_id=anna.pk)
    assert [(w.showtime_id, w.movie_title) for w in watched] == [(cinema.s2.pk, "M2"), (cinema.s1.pk, "M1")]
    carl = Customer.objects.get(email="carl@example.com")
    dora = Customer.objects.get(email="dora@example.com")
    with after(cinema):
        assert r.customer_watch_history(customer_id=carl.pk) == []  # a hold that lapsed
        assert r.customer_watch_history(customer_id=dora.pk) == []  # cancelled


def test_customer_profile_in_a_fixed_number_of_queries(cinema, django_assert_num_queries):
    anna = Customer.objects.get(email="anna@example.com")
    with after(cinema), django_assert_num_queries(5):
        profile = r.customer_profile(customer_id=anna.pk)
    assert [b.reference for b in profile.bookings] == [cinema.references["b4"], cinema.references["b1"]]
    assert [(g.name, g.count) for g in profile.favourite_genres] == [("Comedy", 1), ("Drama", 1)]
    assert len(profile.watched) == 2
    with pytest.raises(NotFound):
        r.customer_profile(customer_id=999999)


def test_favourite_genres_count_showtimes_watched(cinema):
    anna = Customer.objects.get(email="anna@example.com")
    extra = f.showtime(movie_obj=cinema.m1, hall_obj=cinema.hall_b, starts_at=f.local_dt(cinema.day, 10))
    booking_pay(reference=f.hold(extra, email="anna@example.com").booking.reference, method="demo")
    with after(cinema):
        genres = r.customer_favourite_genres(customer_id=anna.pk)
    assert [(g.name, g.count) for g in genres] == [("Drama", 2), ("Comedy", 1)]


def test_movie_audience(cinema, django_assert_max_num_queries):
    with after(cinema), django_assert_max_num_queries(2):
        page = r.movie_audience(movie_id=cinema.m1.pk)
    assert page.count == 2
    assert {(a.email, a.times) for a in page.results} == {("anna@example.com", 1), ("boris@example.com", 1)}
    assert r.movie_audience(movie_id=cinema.m1.pk).count == 0  # before the shows, nobody has watched it


# --- the customers report: anna 2 bookings (S1 2 × 100.00, S2 2 × 187.50 + 125.00),
# boris 1 booking (S3 4 × 100.00); carl's hold and dora's cancelled seat do not count.


def test_customers_report_figures(cinema, django_assert_num_queries):
    Customer.objects.filter(email="anna@example.com").update(
        marketing_consent=True, marketing_consent_at=f.local_dt(cinema.day, 9)
    )
    with django_assert_num_queries(3):
        page = r.customers_report(start=cinema.day, end=cinema.day, limit=50)
    assert page.count == 2
    anna, boris = page.results
    assert (anna.email, anna.bookings, anna.tickets, anna.revenue) == ("anna@example.com", 2, 5, Decimal("700.00"))
    assert (anna.first_visit, anna.last_visit) == (cinema.s1.starts_at, cinema.s2.starts_at)
    assert anna.favourite_genres == ("Comedy", "Drama")  # one showtime of each: a tie, both kept
    assert anna.marketing_consent is True
    assert (boris.email, boris.bookings, boris.tickets, boris.revenue) == ("boris@example.com", 1, 4, Decimal("400.00"))
    assert boris.first_visit == boris.last_visit == cinema.s3.starts_at
    assert (boris.favourite_genre, boris.marketing_consent) == ("Drama", False)
    # The same seats as the sales report: the revenues add up to its total.
    sales = r.sales(start=cinema.day, end=cinema.day, group_by="day")
    assert anna.revenue + boris.revenue == sales.revenue


def test_customers_report_filters_by_hall_and_period(cinema):
    in_a = r.customers_report(start=cinema.day, end=cinema.day, hall_id=cinema.hall_a.pk).results
    assert [(c.email, c.bookings, c.tickets, c.revenue) for c in in_a] == [
        ("anna@example.com", 2, 5, Decimal("700.00"))
    ]
    in_b = r.customers_report(start=cinema.day, end=cinema.day, hall_id=cinema.hall_b.pk).results
    assert [(c.email, c.tickets) for c in in_b] == [("boris@example.com", 4)]
    before = cinema.day - dt.timedelta(days=1)
    assert r.customers_report(start=before - dt.timedelta(days=6), end=before) == r.Page(count=0, results=[])


def test_customers_report_favourite_genre_counts_showtimes(cinema):
    extra = f.showtime(movie_obj=cinema.m1, hall_obj=cinema.hall_b, starts_at=f.local_dt(cinema.day, 10))
    booking_pay(reference=f.hold(extra, email="anna@example.com").booking.reference, method="demo")
    anna = r.customers_report(start=cinema.day, end=cinema.day).results[0]
    assert (anna.bookings, anna.first_visit, anna.favourite_genres) == (3, extra.starts_at, ("Drama",))
    # In hall A alone she saw one drama and one comedy again.
    in_a = r.customers_report(start=cinema.day, end=cinema.day, hall_id=cinema.hall_a.pk).results[0]
    assert in_a.favourite_genres == ("Comedy", "Drama")


def test_customers_report_pages_and_takes_constant_queries(cinema, django_assert_num_queries):
    for n in range(5):
        show = f.showtime(
            movie_obj=cinema.m2, hall_obj=cinema.hall_b, starts_at=f.local_dt(cinema.day, 9) - dt.timedelta(hours=3 * n)
        )
        booking_pay(reference=f.hold(show, email=f"more{n}@example.com").booking.reference, method="demo")
    with django_assert_num_queries(3):
        page = r.customers_report(start=cinema.day - dt.timedelta(days=1), end=cinema.day, limit=3, offset=1)
    assert page.count == 7
    assert page.results[0].email == "boris@example.com"  # after anna, by revenue
    with django_assert_num_queries(3):
        everyone = r.customers_report(start=cinema.day - dt.timedelta(days=1), end=cinema.day)
    assert everyone.count == len(everyone.results) == 7
    with django_assert_num_queries(2):  # past the last page: the figures, then a count; no one to ask more about
        beyond = r.customers_report(start=cinema.day - dt.timedelta(days=1), end=cinema.day, limit=5, offset=10)
    assert (beyond.count, beyond.results) == (7, [])
    assert {c.favourite_genre for c in everyone.results[2:]} == {"Comedy"}


def test_customers_report_refuses_a_bad_period(cinema):
    with pytest.raises(ValidationFailed):
        r.customers_report(start=cinema.day, end=cinema.day - dt.timedelta(days=1))
