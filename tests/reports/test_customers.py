import pytest
import time_machine

from marquee.booking.models import Customer
from marquee.core.errors import NotFound
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
    from marquee.booking.services import booking_pay

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
