"""Each public page renders with data, in a constant number of queries."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from marquee.core.clock import local_today
from tests import factories

pytestmark = pytest.mark.django_db


def _grow(cinema, extra_movies: int = 6):
    """More of everything: more movies, showtimes, halls and bookings."""
    day = local_today() + dt.timedelta(days=2)
    for i in range(extra_movies):
        film = factories.movie(title=f"Extra {i}", genres=[cinema["drama"]])
        hall = factories.hall(rows=3, seats=5)
        show = factories.showtime(movie_obj=film, hall_obj=hall, starts_at=factories.local_dt(day, 12 + i))
        factories.hold(show, email=f"guest{i}@example.com")
        factories.showtime(
            movie_obj=film, hall_obj=hall, starts_at=factories.local_dt(local_today() + dt.timedelta(days=1), 10)
        )


def _pages(cinema):
    show = cinema["shows"][0]
    return [
        reverse("public:home"),
        reverse("public:home") + f"?genre={cinema['drama'].pk}",
        reverse("public:movie", args=[cinema["film"].pk]),
        reverse("public:schedule") + f"?date={(local_today() + dt.timedelta(days=1)).isoformat()}",
        reverse("public:showtime", args=[show.pk]),
        reverse("public:showtime_seats", args=[show.pk]),
        reverse("public:poster", args=[cinema["film"].pk]),
        reverse("public:my_bookings"),
    ]


def test_every_page_renders(client, cinema):
    for url in _pages(cinema):
        response = client.get(url)
        assert response.status_code == 200, url
        # Django's {# #} comments end at the line: one spread over two lines shows as text.
        assert b"{#" not in response.content and b"{%" not in response.content, url


def test_home_lists_movies_with_todays_and_tomorrows_times(client, cinema):
    html = client.get(reverse("public:home")).content.decode()
    assert "The Long Night" in html
    assert "Laughing Matters" in html
    assert "18:00" in html and "21:00" in html and "14:00" in html
    assert reverse("public:poster", args=[cinema["film"].pk]) in html  # generated artwork
    assert reverse("public:schedule") + "?date=" in html  # the 14-day strip


def test_genre_filter(client, cinema):
    html = client.get(reverse("public:home") + f"?genre={cinema['drama'].pk}").content.decode()
    assert "The Long Night" in html
    assert "Laughing Matters" not in html


def test_coming_soon(client, cinema):
    later = factories.movie(title="Far Future", genres=[cinema["drama"]])
    factories.showtime(
        movie_obj=later,
        hall_obj=cinema["small"],
        starts_at=factories.local_dt(local_today() + dt.timedelta(days=12), 12),
    )
    html = client.get(reverse("public:home")).content.decode()
    assert html.index("Coming soon") < html.index("Far Future")


def test_movie_page_shows_facts_and_seats_left(client, cinema):
    factories.hold(cinema["shows"][0])  # 2 of 24 seats held
    html = client.get(reverse("public:movie", args=[cinema["film"].pk])).content.decode()
    assert "12+" in html
    assert "1 h 50 min" in html
    assert "Drama" in html
    assert "22 seats left" in html
    assert "8 seats left" in html


def test_unlisted_movie_is_404(client, cinema):
    hidden = factories.movie(title="Secret", is_listed=False)
    assert client.get(reverse("public:movie", args=[hidden.pk])).status_code == 404


def test_schedule_places_showtimes_per_hall(client, cinema):
    day = (local_today() + dt.timedelta(days=1)).isoformat()
    html = client.get(reverse("public:schedule") + f"?date={day}").content.decode()
    assert cinema["big"].name in html and cinema["small"].name in html
    assert html.count('class="tl-block') == 3
    assert client.get(reverse("public:schedule") + "?date=nonsense").status_code == 200


def test_seat_map_announces_each_seat(client, cinema):
    show = cinema["shows"][0]
    held = factories.hold(show)
    html = client.get(reverse("public:showtime", args=[show.pk])).content.decode()
    assert html.count('type="checkbox" name="seat"') == 24
    assert 'aria-label="Row 4, seat 1, VIP, UAH\xa0150.00, free"' in html
    assert "Row 1, seat 1, Standard, UAH\xa0150.00, held by another customer" in html
    seat_ids = [bs.seat_id for bs in held.booking.seats.all()]
    for pk in seat_ids:
        assert f'id="seat-{pk}"' in html
    assert "Screen" in html


def test_seat_fragment_keeps_selection_and_reports_lost_seats(client, cinema):
    show = cinema["shows"][0]
    seats = list(show.hall.seats.order_by("pk"))
    factories.hold(show, seat_ids=[seats[0].pk])
    url = reverse("public:showtime_seats", args=[show.pk]) + f"?seat={seats[0].pk}&seat={seats[5].pk}"
    html = client.get(url).content.decode()
    assert f'value="{seats[5].pk}" id="seat-{seats[5].pk}"' in html
    assert html.count(" checked>") == 1
    assert 'hx-swap-oob="true"' in html
    assert "row 1, seat 1" in html


def test_poster_is_a_cacheable_svg(client, cinema):
    url = reverse("public:poster", args=[cinema["film"].pk])
    response = client.get(url)
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "max-age" in response["Cache-Control"]
    assert b"LONG NIGHT" in response.content.upper()
    assert client.get(url).content == response.content  # deterministic
    again = client.get(url, headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304
    assert client.get(reverse("public:poster", args=[999999])).status_code == 404


@pytest.mark.parametrize("index", range(8))
def test_pages_take_a_constant_number_of_queries(client, cinema, django_assert_max_num_queries, index):
    url = _pages(cinema)[index]
    client.get(url)
    with django_assert_max_num_queries(8) as small:
        client.get(url)
    _grow(cinema)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_seat_fragment_answers_no_change_while_nothing_changed(client, cinema):
    show = cinema["shows"][0]
    url = reverse("public:showtime_seats", args=[show.pk])
    html = client.get(url).content.decode()
    version = re.search(r'name="v" value="([0-9a-f]+)"', html).group(1)
    assert client.get(url, {"v": version}).status_code == 204
    factories.hold(show)
    changed = client.get(url, {"v": version})
    assert changed.status_code == 200
    assert "held by another customer" in changed.content.decode()


def test_todays_timeline_marks_now(client, cinema):
    import time_machine

    from marquee.core.clock import cinema_tz

    noon = dt.datetime.combine(local_today(), dt.time(12), tzinfo=cinema_tz())
    with time_machine.travel(noon):
        html = client.get(reverse("public:schedule")).content.decode()
    assert 'class="tl-now"' in html and "data-now=" in html
    other_day = client.get(reverse("public:schedule") + f"?date={(local_today() + dt.timedelta(days=3)).isoformat()}")
    assert 'class="tl-now"' not in other_day.content.decode()


def test_not_found_page_keeps_the_site_look(client, cinema):
    response = client.get("/movies/999999/")
    assert response.status_code == 404
    assert "This page is not showing" in response.content.decode()


def test_poster_escapes_the_title(client, cinema):
    from xml.etree import ElementTree

    odd = factories.movie(title='Rock & Roll <script>"x"</script> Über-long title that wraps')
    response = client.get(reverse("public:poster", args=[odd.pk]))
    ElementTree.fromstring(response.content)  # well-formed: nothing leaked into the markup
    assert b"<script>" not in response.content
