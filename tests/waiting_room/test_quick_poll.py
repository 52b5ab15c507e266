"""The waiting room's poll answered in front of Django (marquee.public.quick_poll): the same
answer as Django's, no query, and everything that writes left to Django."""

import datetime as dt
import io
import json
import warnings

import pytest
import time_machine
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse

from marquee.payments.services import payment_record_box_office
from marquee.public.quick_poll import quick_answer
from marquee.waiting_room.models import Arrival
from marquee.waiting_room.passes import place_cookie_name, place_read
from marquee.waiting_room.selectors import sale_status
from marquee.waiting_room.services import arrival_join, queued_sale_end, sale_draw
from tests import factories as f

pytestmark = pytest.mark.django_db


def _environ(sale, client: Client | None = None, query: str = "format=json", **extra) -> dict:
    cookies = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items()) if client else ""
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": reverse("public:waiting_room", args=[sale.pk]),
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "HTTP_COOKIE": cookies,
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
        **extra,
    }


def _through_wsgi(environ: dict) -> tuple[str, dict, dict]:
    """The whole WSGI application as an app server calls it: status, headers, JSON body."""
    seen: dict = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    with warnings.catch_warnings():  # whitenoise: the tests collect no static files
        warnings.simplefilter("ignore")
        from marquee.wsgi import application  # builds Django's handler: only when a test runs
    # As Django's test client does: the test's transaction outlives the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(application(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return seen["status"], seen["headers"], json.loads(body)


def _django(client: Client, sale, **params) -> dict:
    answer = client.get(reverse("public:waiting_room", args=[sale.pk]), {"format": "json", **params})
    assert answer.status_code == 200
    return json.loads(answer.content)


def _same(quick: dict, django: dict) -> None:
    keys = set(django) - {"refresh_seconds", "place"}  # refresh: spread at random before the opening
    assert {k: quick[k] for k in keys} == {k: django[k] for k in keys}
    assert set(quick) == set(django)


@pytest.fixture
def waiting(sale):
    """Three visitors who came before the opening, and the places drawn."""
    clients = [Client() for _ in range(3)]
    with time_machine.travel(sale.opens_at - dt.timedelta(minutes=1), tick=False):
        for client in clients:
            assert _django(client, sale)["state"] == "before"
    return clients


def test_before_the_opening_the_cache_answers_as_django_does(sale, waiting, django_assert_num_queries):
    with time_machine.travel(sale.opens_at - dt.timedelta(seconds=30), tick=False):
        django = _django(waiting[0], sale)
        with django_assert_num_queries(0):
            status, headers, quick = _through_wsgi(_environ(sale, waiting[0]))
    assert status == "200 OK" and headers["Cache-Control"] == "no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert quick["state"] == "before"
    _same(quick, django)


def test_after_the_draw_a_waiting_place_is_answered_without_a_query(sale, waiting, django_assert_num_queries):
    for _ in range(100):  # more came before the opening: these three may be far back
        arrival_join(sale_id=sale.pk)
    with time_machine.travel(sale.opens_at, tick=False):
        assert sale_draw(sale_id=sale.pk) == 103
    far_back = max(waiting, key=lambda c: _rank(c, sale))
    with time_machine.travel(sale.opens_at + dt.timedelta(seconds=1), tick=False):
        _django(Client(), sale)  # somebody's poll put the status in the cache
        # Its place cookie was signed before the draw: the draw's ranks in the cache give it.
        environ = _environ(sale, far_back)
        with django_assert_num_queries(0):
            assert quick_answer(environ) is not None
            quick = _through_wsgi(environ)[2]
        django = _django(far_back, sale)
    assert quick["state"] == "waiting" and quick["position"] == _rank(far_back, sale) - 1
    _same(quick, django)


def test_the_showtime_asked_for_is_kept_in_the_answer(sale, premiere, waiting):
    with time_machine.travel(sale.opens_at - dt.timedelta(seconds=30), tick=False):
        django = _django(waiting[0], sale, showtime=premiere.pk)
        quick = _through_wsgi(_environ(sale, waiting[0], query=f"format=json&showtime={premiere.pk}"))[2]
    assert quick["next"] == django["next"] == reverse("public:showtime", args=[premiere.pk])


def test_sold_out_is_answered_from_the_cache_even_to_a_newcomer(sale, premiere, waiting):
    seats = list(premiere.hall.seats.order_by("pk").values_list("pk", flat=True))
    with time_machine.travel(sale.opens_at + dt.timedelta(seconds=0.5), tick=False):
        _django(waiting[0], sale)
        for i in range(0, len(seats), 5):
            booking = f.hold(premiere, seats[i : i + 5], email=f"b{i}@example.com").booking
            payment_record_box_office(reference=booking.reference)
    with time_machine.travel(sale.opens_at + dt.timedelta(seconds=2), tick=False):
        cache.delete(f"waiting_room:status:{sale.pk}")  # its second is over
        _django(waiting[1], sale)
        for client in (waiting[2], Client()):
            environ = _environ(sale, client)
            assert quick_answer(environ) is not None
            _same(_through_wsgi(environ)[2], _django(client, sale))
    assert Arrival.objects.count() == 3  # the newcomer did not join a sold-out queue


def test_whatever_writes_goes_to_django(sale, waiting):
    newcomer = _environ(sale)  # no place yet: it joins
    with time_machine.travel(sale.opens_at - dt.timedelta(seconds=30), tick=False):
        _django(waiting[0], sale)
        assert quick_answer(newcomer) is None
        assert quick_answer(_environ(sale, waiting[0], REQUEST_METHOD="POST")) is None
        assert quick_answer(_environ(sale, waiting[0], query="")) is None  # the HTML page
        assert quick_answer(_environ(sale, waiting[0], query="format=json&x=1")) is None
        forged = _environ(sale, HTTP_COOKIE=f"{place_cookie_name(sale.pk)}=forged:token")
        assert quick_answer(forged) is None
        status, _, joined = _through_wsgi(newcomer)
        assert status == "200 OK" and joined["state"] == "before" and "place" in joined
    assert Arrival.objects.count() == 4
    with time_machine.travel(sale.opens_at + dt.timedelta(seconds=0.5), tick=False):
        assert quick_answer(_environ(sale, waiting[0])) is None  # the places are not drawn yet
        _django(waiting[0], sale)  # draws them
    first = min(waiting, key=lambda c: _rank(c, sale))
    # Two let through by now: the first of the three (the newcomer may have drawn place 1).
    with time_machine.travel(sale.opens_at + dt.timedelta(seconds=2, milliseconds=10), tick=False):
        _django(Client(), sale)
        assert quick_answer(_environ(sale, first)) is None  # its turn: Django issues the pass
        assert _through_wsgi(_environ(sale, first))[2]["state"] == "admitted"
    queued_sale_end(sale_id=sale.pk, staff_user=None)
    with time_machine.travel(sale.opens_at + dt.timedelta(seconds=3), tick=False):
        assert quick_answer(_environ(sale, waiting[1])) is None  # not in the cache any more
        _django(waiting[1], sale)
        assert quick_answer(_environ(sale, waiting[1])) is None  # ended: Django sends it on


def test_the_page_draws_the_place_number_the_script_moves(sale, waiting):
    for _ in range(100):
        arrival_join(sale_id=sale.pk)
    with time_machine.travel(sale.opens_at + dt.timedelta(seconds=1), tick=False):
        page = waiting[0].get(reverse("public:waiting_room", args=[sale.pk])).content.decode()
    assert "data-queue-position>" in page and "data-queue-minutes>" in page and 'hx-trigger="queue-changed"' in page
    # Every state's words are on the page, the present one shown: the script switches them.
    assert '<div data-queue-state="waiting">' in page
    assert '<div data-queue-state="before" hidden>' in page and '<div data-queue-state="sold_out" hidden>' in page
    assert f'data-poll="{reverse("public:waiting_room", args=[sale.pk])}?format=json"' in page
    assert "public/waiting_room" in page and ".js" in page


def _rank(client: Client, sale) -> int:
    place = place_read(client.cookies[place_cookie_name(sale.pk)].value, sale.pk)
    assert place is not None
    return Arrival.objects.get(pk=place.arrival_id).rank


def test_a_stale_status_is_read_again_by_one_request_while_the_others_answer_from_it(
    sale, waiting, django_assert_num_queries
):
    with time_machine.travel(sale.opens_at - dt.timedelta(seconds=30), tick=False):
        read = sale_status(sale.pk)
    with time_machine.travel(sale.opens_at - dt.timedelta(seconds=28), tick=False):  # two seconds on: stale
        assert quick_answer(_environ(sale, waiting[0])) is None  # nobody reads it yet: Django will
        with django_assert_num_queries(2):
            again = sale_status(sale.pk)  # this request takes the refresh and reads it
        assert again.read_at > read.read_at
    with time_machine.travel(sale.opens_at - dt.timedelta(seconds=26), tick=False):
        cache.add(f"waiting_room:status-refresh:{sale.pk}", 1, 60)  # another request is reading it
        with django_assert_num_queries(0):
            assert sale_status(sale.pk) == again  # the others answer from the stale one
            assert quick_answer(_environ(sale, waiting[0])) is not None
