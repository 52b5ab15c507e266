"""The showtime page's seat map is kept like the API's (SEAT_MAP_CACHE_SECONDS): drawn once
per change of its seats, never served stale after a hold, a payment or a cancellation commits."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marquee.core.clock import now
from marquee.payments.services import booking_cancel, booking_pay
from marquee.scheduling.models import Showtime, ShowtimeStatus
from tests import factories as f


@pytest.fixture
def cached(settings):
    settings.SEAT_MAP_CACHE_SECONDS = 60  # long enough that only a change can refresh a map here
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def show(cinema):
    return cinema["shows"][0]


def seat_states(client, show, **headers) -> dict[int, str]:
    response = client.get(f"/showtimes/{show.pk}/", headers=headers)
    assert response.status_code == 200
    html = response.content.decode()
    return {int(pk): state for state, pk in re.findall(r'is-(free|held|sold)"[^>]*><input[^>]*value="(\d+)"', html)}


def without_nonces(html: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"', b"", html)


def test_a_cached_page_reads_the_same_with_one_query(client, show, settings):
    settings.SEAT_MAP_CACHE_SECONDS = 0
    fresh = client.get(f"/showtimes/{show.pk}/").content
    settings.SEAT_MAP_CACHE_SECONDS = 60
    cache.clear()
    first = client.get(f"/showtimes/{show.pk}/").content
    with CaptureQueriesContext(connection) as queries:
        again = client.get(f"/showtimes/{show.pk}/").content
    assert without_nonces(fresh) == without_nonces(first) == without_nonces(again)
    assert len(queries) == 1  # the showtime itself (its status and start decide what is on sale)


def test_every_change_of_seats_redraws_the_page(client, show, cached, django_capture_on_commit_callbacks):
    seat_ids = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    assert set(seat_states(client, show).values()) == {"free"}
    assert len(seat_states(client, show)) == len(seat_ids)

    with django_capture_on_commit_callbacks(execute=True):
        held = f.hold(show, seat_ids[:2])
    assert [seat_states(client, show)[i] for i in seat_ids[:3]] == ["held", "held", "free"]

    with django_capture_on_commit_callbacks(execute=True):
        booking_pay(reference=held.booking.reference, method="demo")
    assert [seat_states(client, show)[i] for i in seat_ids[:2]] == ["sold", "sold"]

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(reference=held.booking.reference, by_staff=True)
    assert [seat_states(client, show)[i] for i in seat_ids[:2]] == ["free", "free"]


def test_a_cancelled_showtime_is_not_drawn_on_sale_from_the_cache(client, show, cached):
    assert 'type="checkbox" name="seat"' in client.get(f"/showtimes/{show.pk}/").content.decode()
    # Past the services, so that nothing tells the cache: on sale or not is part of its key.
    Showtime.objects.filter(pk=show.pk).update(status=ShowtimeStatus.CANCELLED, cancelled_at=now())
    html = client.get(f"/showtimes/{show.pk}/").content.decode()
    assert "This showtime has been cancelled." in html
    boxes = re.findall(r'<input type="checkbox" name="seat"[^>]*>', html)
    assert boxes and all(" disabled" in box for box in boxes)


def test_each_language_has_its_own_page(client, show, cached):
    english = client.get(f"/showtimes/{show.pk}/").content.decode()
    ukrainian = client.get(f"/showtimes/{show.pk}/", headers={"accept-language": "uk"}).content.decode()
    assert 'aria-label="Row 1, seat 1' in english
    assert 'aria-label="Row 1, seat 1' not in ukrainian


def test_a_poll_with_the_current_version_is_answered_from_the_cache(
    client, show, cached, django_capture_on_commit_callbacks
):
    html = client.get(f"/showtimes/{show.pk}/").content.decode()
    version = re.search(r'name="v" value="([0-9a-f]+)"', html).group(1)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/showtimes/{show.pk}/seats/", {"v": version}).status_code == 204
    assert len(queries) == 1
    with django_capture_on_commit_callbacks(execute=True):
        f.hold(show, list(show.hall.seats.order_by("pk").values_list("pk", flat=True)[:1]))
    changed = client.get(f"/showtimes/{show.pk}/seats/", {"v": version})
    assert changed.status_code == 200
    assert 'class="seat seat-standard is-held"' in changed.content.decode()


def _rendered(response) -> set[str]:
    return {template.name for template in response.templates}


def test_the_legend_and_seat_form_are_rendered_once_per_version_of_the_seats(
    client, show, cached, django_capture_on_commit_callbacks
):
    url = f"/showtimes/{show.pk}/"
    seat_ids = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    first = client.get(url)
    assert "public/_showtime_main.html" in _rendered(first)
    again = client.get(url)
    assert "public/_showtime_main.html" not in _rendered(again)
    assert without_nonces(again.content) == without_nonces(first.content)

    # A visitor's own picks are never served from, or stored in, what everyone shares.
    picked = client.get(url, {"seat": seat_ids[3]})
    assert "public/_showtime_main.html" in _rendered(picked)
    assert re.search(rf'value="{seat_ids[3]}"[^>]*checked', picked.content.decode())
    assert not re.search(rf'value="{seat_ids[3]}"[^>]*checked', client.get(url).content.decode())

    with django_capture_on_commit_callbacks(execute=True):
        f.hold(show, seat_ids[:1])
    after = client.get(url)
    assert "public/_showtime_main.html" in _rendered(after)
    assert seat_states(client, show)[seat_ids[0]] == "held"
