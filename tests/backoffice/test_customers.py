"""Customers: search, one customer's bookings, watch history and favourite genres, and a
movie's audience."""

from django.urls import reverse

from tests import factories as f
from tests.backoffice.conftest import past_paid_booking


def test_search_by_name_or_email(box_client):
    past_paid_booking(email="olena@example.com")
    page = box_client.get(reverse("backoffice:customers"), {"q": "olena"})
    assert [c.email for c in page.context["found"].results] == ["olena@example.com"]
    assert box_client.get(reverse("backoffice:customers"), {"q": "nobody"}).context["found"].count == 0


def test_customer_page_shows_history_and_favourite_genres(box_client):
    drama = f.genre("Drama")
    watched = past_paid_booking(movie=f.movie(title="Solaris", genres=[drama]))
    upcoming = f.showtime()
    f.hold(upcoming, email="olena@example.com")
    page = box_client.get(reverse("backoffice:customer", args=[watched.customer_id]))
    html = page.content.decode()
    assert [w.movie_title for w in page.context["profile"].watched] == ["Solaris"]
    assert [g.name for g in page.context["profile"].favourite_genres] == ["Drama"]
    assert len(page.context["profile"].bookings) == 2
    assert "Solaris" in html and "Drama" in html


def test_missing_customer_is_404(box_client, db):
    assert box_client.get(reverse("backoffice:customer", args=[999])).status_code == 404


def test_movie_audience(box_client):
    booking = past_paid_booking(email="taras@example.com")
    page = box_client.get(reverse("backoffice:movie_audience", args=[booking.showtime.movie_id]))
    assert [a.email for a in page.context["audience"].results] == ["taras@example.com"]
    assert box_client.get(reverse("backoffice:movie_audience", args=[999])).status_code == 404
