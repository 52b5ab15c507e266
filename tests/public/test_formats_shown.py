"""A showtime's format and language are shown wherever a customer sees the showtime, the listing
and the schedule filter by them (as links a person clicks), and the seat map's prices include
the format's surcharge."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from marquee.booking.links import manage_link_token
from marquee.core.clock import local_today
from marquee.scheduling.formats import format_create, language_version_create
from marquee.scheduling.services import showtime_update
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def shown(cinema):
    """The Long Night at 18:00 in 3D with subtitles; the rest say nothing of theirs."""
    format_create(code="3d", name="3D", surcharge=Decimal("40.00"))
    format_create(code="imax", name="IMAX", surcharge=Decimal("80.00"))  # no showtime in it
    language_version_create(code="ov-uk-subs", name_en="Original, Ukrainian subtitles", name_uk="Мовою оригіналу")
    first = cinema["shows"][0]
    showtime_update(showtime_id=first.pk, format_code="3d", language_code="ov-uk-subs")
    return cinema


def _html(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_listing_shows_each_showtimes_format_and_filters_by_it(client, shown, settings):
    settings.PUBLIC_CACHE_SECONDS = 60  # each filter is a page of its own in the cache
    cache.clear()
    home = reverse("public:home")
    html = _html(client, home)
    assert "3D · Original, Ukrainian subtitles" in html  # on the time chip
    assert "The Long Night" in html and "Laughing Matters" in html
    # Chips a person can click, for the formats and versions there are showtimes in.
    assert 'href="?format=3d"' in html and 'href="?language=ov-uk-subs"' in html
    assert "?format=imax" not in html
    only_3d = _html(client, home, format="3d")
    assert "The Long Night" in only_3d and "Laughing Matters" not in only_3d
    assert 'href="?format=3d" aria-current="true"' in only_3d
    assert "Laughing Matters" not in _html(client, home, language="ov-uk-subs")
    nothing = _html(client, home, format="no-such-format")
    assert "The Long Night" not in nothing and "No showtimes here yet" in nothing
    assert "Laughing Matters" in _html(client, home)  # the unfiltered page is its own
    both = _html(client, home, genre=shown["drama"].pk, format="3d")
    assert f'href="?genre={shown["drama"].pk}&amp;format=3d&amp;language=ov-uk-subs"' in both
    cache.clear()


def test_the_schedule_shows_and_filters_by_format_and_language(client, shown):
    tomorrow = (local_today() + dt.timedelta(days=1)).isoformat()
    schedule = reverse("public:schedule")
    html = _html(client, schedule, date=tomorrow)
    assert "3D · Original, Ukrainian subtitles" in html
    assert html.count('class="tl-block') == 3
    filtered = _html(client, schedule, date=tomorrow, format="3d")
    assert filtered.count('class="tl-block') == 1
    assert f'href="?date={tomorrow}&amp;format=3d"' in filtered
    assert _html(client, schedule, date=tomorrow, language="klingon").count('class="tl-block') == 0


def test_the_movie_page_seat_map_and_booking_show_it(client, shown):
    first = shown["shows"][0]
    movie = _html(client, reverse("public:movie", args=[shown["film"].pk]))
    assert "3D · Original, Ukrainian subtitles" in movie
    seat_map = _html(client, reverse("public:showtime", args=[first.pk]))
    assert "3D · Original, Ukrainian subtitles" in seat_map
    # 150.00 + 40.00 for 3D (no tariff here), said beside the prices.
    assert "190.00" in seat_map and "150.00" not in seat_map
    assert "per seat for 3D" in seat_map
    other = _html(client, reverse("public:showtime", args=[shown["shows"][1].pk]))
    assert "per seat for" not in other
    seats = list(first.hall.seats.order_by("pk").values_list("pk", flat=True)[:1])
    booking = factories.hold(first, seats).booking
    url = reverse("public:booking", args=[booking.reference])
    client.get(url, {"key": manage_link_token(booking)})  # the key is kept in the session, then the link is clean
    page = _html(client, url)
    assert "3D · Original, Ukrainian subtitles" in page


def test_in_ukrainian_the_language_is_named_in_ukrainian(client, shown):
    client.cookies["django_language"] = "uk"
    html = _html(client, reverse("public:home"))
    assert "3D · Мовою оригіналу" in html
