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


def test_report_readers_see_who_bought_in_the_period_and_its_csv(admin_client):
    bought = past_paid_booking(email="olena@example.com", seats=3)
    other_hall = past_paid_booking(email="taras@example.com", days_ago=3)
    page = admin_client.get(reverse("backoffice:customers"))  # the default period: the last four weeks
    report = page.context["report"]
    assert [(r.email, r.tickets) for r in report.results] == [("olena@example.com", 3), ("taras@example.com", 2)]
    html = page.content.decode()
    assert reverse("backoffice:customers_csv") + "?date_from=" in html
    assert 'name="date_from"' in html

    one_hall = admin_client.get(reverse("backoffice:customers"), {"hall": bought.showtime.hall_id, "q": "taras"})
    assert [r.email for r in one_hall.context["report"].results] == ["olena@example.com"]
    assert [c.email for c in one_hall.context["found"].results] == ["taras@example.com"]  # the search still applies
    assert f"hall={bought.showtime.hall_id}" in one_hall.context["csv_query"]
    assert other_hall.showtime.hall_id != bought.showtime.hall_id


def test_the_box_office_searches_customers_without_the_report(box_client):
    past_paid_booking(email="olena@example.com")
    page = box_client.get(reverse("backoffice:customers"))
    assert "report" not in page.context
    assert reverse("backoffice:customers_csv") not in page.content.decode()
    assert box_client.get(reverse("backoffice:customers_csv")).status_code == 403


def test_the_pager_keeps_the_search_and_the_period(box_client, monkeypatch):
    from marquee.backoffice import customers

    monkeypatch.setattr(customers, "PAGE_SIZE", 1)
    past_paid_booking(email="olena.a@example.com")
    past_paid_booking(email="olena.b@example.com")
    page = box_client.get(reverse("backoffice:customers"), {"q": "olena", "from": "2026-01-01", "page": "1"})
    html = page.content.decode()
    assert page.context["has_next"]
    assert 'href="?q=olena&amp;from=2026-01-01&amp;page=2"' in html
