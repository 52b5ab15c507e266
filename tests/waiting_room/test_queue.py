"""The fair queue end to end through the site and the API: places drawn at random at the
opening, first come after it, let through at the rate, passes that cannot be forged, stretched
or shared for more seats, and "sold out" said to those still waiting."""

import datetime as dt
import json

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from marquee.booking.models import Booking
from marquee.payments.services import payment_record_box_office
from marquee.waiting_room.models import Arrival
from marquee.waiting_room.passes import pass_read, pass_sign, place_cookie_name
from marquee.waiting_room.services import arrival_join, queued_sale_end, queued_sale_set_rate, sale_draw
from tests import factories as f

pytestmark = pytest.mark.django_db


def _status(client: Client, sale, **params) -> dict:
    answer = client.get(reverse("public:waiting_room", args=[sale.pk]), {"format": "json", **params})
    assert answer.status_code == 200, answer.content
    return json.loads(answer.content)


def _spearman(xs: list[int], ys: list[int]) -> float:
    n = len(xs)
    d2 = sum((x - y) ** 2 for x, y in zip(xs, ys, strict=True))
    return 1 - 6 * d2 / (n * (n * n - 1))


def test_places_before_the_opening_are_drawn_at_random_and_after_it_are_first_come(sale):
    start = sale.opens_at - dt.timedelta(minutes=30)
    early = []
    for i in range(400):  # one every few seconds, the earliest first
        with time_machine.travel(start + dt.timedelta(seconds=4 * i), tick=False):
            early.append(arrival_join(sale_id=sale.pk).pk)
    assert not Arrival.objects.filter(rank__isnull=False).exists()  # nobody has a place before the draw
    with time_machine.travel(sale.opens_at, tick=False):
        assert sale_draw(sale_id=sale.pk) == 400
        assert sale_draw(sale_id=sale.pk) == 0  # once only
    ranks = dict(Arrival.objects.values_list("pk", "rank"))
    drawn = [ranks[pk] for pk in early]
    assert sorted(drawn) == list(range(1, 401))  # a permutation of the places
    assert drawn != list(range(1, 401))
    assert abs(_spearman(list(range(1, 401)), drawn)) < 0.25  # coming early does not help
    late = []
    for i in range(5):
        with time_machine.travel(sale.opens_at + dt.timedelta(seconds=1 + i), tick=False):
            late.append(arrival_join(sale_id=sale.pk).rank)
    assert late == sorted(late) and min(late) > 400  # after the opening: at the end, in arrival order


def test_visitors_are_let_through_at_the_rate(sale):
    clients = [Client() for _ in range(5)]
    with time_machine.travel(sale.opens_at - dt.timedelta(minutes=5), tick=False):
        for client in clients:
            assert _status(client, sale)["state"] == "before"
    with time_machine.travel(sale.opens_at + dt.timedelta(seconds=0.5), tick=False):
        cache.clear()
        states = [_status(client, sale)["state"] for client in clients]
        assert states == ["waiting"] * 5  # the draw has run; nobody yet at 60 a minute
    for seconds in (1, 2, 3, 4, 5):
        with time_machine.travel(sale.opens_at + dt.timedelta(seconds=seconds, milliseconds=10), tick=False):
            states = [_status(client, sale)["state"] for client in clients]
            assert states.count("admitted") == seconds  # one a second, in the order drawn
    order = list(Arrival.objects.order_by("admitted_at", "rank").values_list("rank", flat=True))
    assert order == [1, 2, 3, 4, 5]


def test_a_waiting_visitor_sees_the_place_and_an_estimate_and_a_rate_change_counts_on(sale):
    for _ in range(120):
        arrival_join(sale_id=sale.pk)
    with time_machine.travel(sale.opens_at, tick=False):
        sale_draw(sale_id=sale.pk)
    client = Client()
    with time_machine.travel(sale.opens_at + dt.timedelta(seconds=10), tick=False):
        mine = _status(client, sale)  # after the opening: the 121st place, at the end
    assert Arrival.objects.get(joined_at=sale.opens_at + dt.timedelta(seconds=10)).rank == 121
    assert mine["state"] == "waiting" and mine["position"] == 121 - 10
    assert mine["wait_seconds"] == 111  # 60 a minute: a second a place
    with time_machine.travel(sale.opens_at + dt.timedelta(seconds=10), tick=False):
        queued_sale_set_rate(sale_id=sale.pk, admit_per_minute=600, staff_user=None)
    with time_machine.travel(sale.opens_at + dt.timedelta(seconds=11), tick=False):
        cache.clear()
        later = _status(client, sale)
    assert later["position"] == 121 - 20  # ten a second from the change on
    assert later["wait_seconds"] == 11


def test_coming_back_keeps_the_place(sale):
    client = Client()
    with time_machine.travel(sale.opens_at - dt.timedelta(minutes=10), tick=False):
        first = _status(client, sale)
        again = _status(client, sale)
        client.get(reverse("public:waiting_room", args=[sale.pk]))
    assert first["place"] == again["place"]
    assert Arrival.objects.count() == 1
    other = Client()
    with time_machine.travel(sale.opens_at - dt.timedelta(minutes=9), tick=False):
        _status(other, sale)
    assert Arrival.objects.count() == 2


def test_a_forged_or_changed_place_cookie_joins_as_a_new_visitor(sale):
    client = Client()
    with time_machine.travel(sale.opens_at - dt.timedelta(minutes=10), tick=False):
        _status(client, sale)
        client.cookies[place_cookie_name(sale.pk)] = "forged:token"
        _status(client, sale)
    assert Arrival.objects.count() == 2


def test_the_gated_pages_send_the_visitor_to_the_queue(sale, premiere):
    client = Client()
    queue = reverse("public:waiting_room", args=[sale.pk])
    for name in ("showtime", "showtime_seats", "checkout"):
        answer = client.get(reverse(f"public:{name}", args=[premiere.pk]))
        assert answer.status_code == 302 and answer["Location"].startswith(queue), name
    polled = client.get(reverse("public:showtime_seats", args=[premiere.pk]), headers={"HX-Request": "true"})
    assert polled.status_code == 204 and polled["HX-Redirect"].startswith(queue)
    other = f.showtime(hall_obj=premiere.hall, starts_at=premiere.ends_at + dt.timedelta(hours=1))
    assert client.get(reverse("public:showtime", args=[other.pk])).status_code == 200  # not on the sale


def test_the_queue_lets_the_visitor_through_to_the_seat_map_with_a_pass(sale, premiere):
    client = Client()
    with time_machine.travel(sale.opens_at - dt.timedelta(minutes=1), tick=False):
        client.get(reverse("public:waiting_room", args=[sale.pk]), {"showtime": premiere.pk})
    with time_machine.travel(sale.opens_at + dt.timedelta(seconds=2), tick=False):
        cache.clear()
        answer = client.get(reverse("public:waiting_room", args=[sale.pk]), {"showtime": premiere.pk})
        assert answer.status_code == 302 and answer["Location"] == reverse("public:showtime", args=[premiere.pk])
        assert client.get(answer["Location"]).status_code == 200
    with time_machine.travel(sale.opens_at + dt.timedelta(minutes=16), tick=False):  # the pass has expired
        answer = client.get(reverse("public:showtime", args=[premiere.pk]))
        assert answer.status_code == 302
        page = client.get(answer["Location"])
        assert "Your turn came and your pass has expired" in page.content.decode()
        client.post(reverse("public:waiting_room", args=[sale.pk]), {"rejoin": "1"})
    assert Arrival.objects.count() == 2  # back at the end of the queue


def _hold_body(premiere, seats: list[int], email: str = "olena@example.com") -> str:
    return json.dumps(
        {
            "showtime_id": premiere.pk,
            "seat_ids": seats,
            "customer": {"first_name": "Olena", "last_name": "Koval", "email": email},
        }
    )


def test_the_api_asks_for_a_pass(sale, premiere):
    client = Client()
    seats = list(premiere.hall.seats.order_by("pk").values_list("pk", flat=True)[:2])
    answer = client.post("/api/v1/bookings", _hold_body(premiere, seats), content_type="application/json")
    assert answer.status_code == 409
    body = answer.json()
    assert body["error"] == "queue_required"
    assert body["queue_url"].endswith(f"{reverse('public:waiting_room', args=[sale.pk])}?showtime={premiere.pk}")
    assert client.get(f"/api/v1/showtimes/{premiere.pk}/seats").json()["error"] == "queue_required"
    assert not Booking.objects.exists()


def _pass_for(sale) -> tuple[str, Client]:
    client = Client()
    with time_machine.travel(sale.opens_at - dt.timedelta(minutes=1), tick=False):
        _status(client, sale)
    with time_machine.travel(sale.opens_at + dt.timedelta(seconds=2), tick=False):
        cache.clear()
        answer = _status(client, sale)
    assert answer["state"] == "admitted"
    return answer["pass"], client


def test_forged_expired_and_other_sales_passes_are_refused(sale, premiere):
    token, _client = _pass_for(sale)
    arrival = Arrival.objects.get()
    seat_map = f"/api/v1/showtimes/{premiere.pk}/seats"
    with time_machine.travel(sale.opens_at + dt.timedelta(minutes=1), tick=False):
        assert Client().get(seat_map, headers={"X-Queue-Pass": token}).status_code == 200
        forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
        assert Client().get(seat_map, headers={"X-Queue-Pass": forged}).status_code == 409
        other_sale = pass_sign(
            sale_id=sale.pk + 1, arrival_id=arrival.pk, expires_at=sale.opens_at + dt.timedelta(hours=1)
        )
        assert Client().get(seat_map, headers={"X-Queue-Pass": other_sale}).status_code == 409
        assert pass_read(token, sale_id=sale.pk + 1, at=sale.opens_at) is None
    with time_machine.travel(sale.opens_at + dt.timedelta(minutes=15, seconds=3), tick=False):
        assert Client().get(seat_map, headers={"X-Queue-Pass": token}).status_code == 409


def test_sharing_a_pass_gives_no_more_seats(sale, premiere, settings):
    settings.MAX_SEATS_PER_BOOKING = 4
    token, _client = _pass_for(sale)
    seats = list(premiere.hall.seats.order_by("pk").values_list("pk", flat=True))
    with time_machine.travel(sale.opens_at + dt.timedelta(minutes=1), tick=False):
        answers = [
            Client().post(
                "/api/v1/bookings",
                _hold_body(premiere, seats[2 * i : 2 * i + 2], email=f"friend{i}@example.com"),
                content_type="application/json",
                headers={"X-Queue-Pass": token},
            )
            for i in range(4)
        ]
    assert [a.status_code for a in answers] == [201, 201, 429, 429]
    assert answers[2].json()["limit"] == "seats_per_pass"
    assert Arrival.objects.get().seats_used == 4
    assert sum(b.seats.count() for b in Booking.objects.all()) == 4


def test_a_failed_hold_gives_its_seats_back_to_the_pass(sale, premiere):
    token, _client = _pass_for(sale)
    seats = list(premiere.hall.seats.order_by("pk").values_list("pk", flat=True))
    with time_machine.travel(sale.opens_at + dt.timedelta(minutes=1), tick=False):
        f.hold(premiere, seats[:1], email="first@example.com")
        taken = Client().post(
            "/api/v1/bookings",
            _hold_body(premiere, seats[:2]),
            content_type="application/json",
            headers={"X-Queue-Pass": token},
        )
    assert taken.status_code == 409 and taken.json()["error"] == "seats_unavailable"
    assert Arrival.objects.get().seats_used == 0


def test_the_site_checkout_counts_its_seats_against_the_pass(sale, premiere):
    _token, client = _pass_for(sale)
    seats = list(premiere.hall.seats.order_by("pk").values_list("pk", flat=True)[:2])
    with time_machine.travel(sale.opens_at + dt.timedelta(minutes=1), tick=False):
        answer = client.post(
            reverse("public:checkout", args=[premiere.pk]),
            {"seat": seats, "first_name": "Olena", "last_name": "Koval", "email": "olena@example.com"},
        )
    assert answer.status_code == 302 and "/bookings/" in answer["Location"], answer.content[:2000]
    assert Arrival.objects.get().seats_used == 2


def test_sold_out_is_said_at_once_to_those_waiting(sale, premiere):
    waiting = [Client() for _ in range(3)]
    with time_machine.travel(sale.opens_at - dt.timedelta(minutes=1), tick=False):
        for client in waiting:
            _status(client, sale)
    seats = list(premiere.hall.seats.order_by("pk").values_list("pk", flat=True))
    with time_machine.travel(sale.opens_at + dt.timedelta(seconds=0.5), tick=False):
        cache.clear()
        assert _status(waiting[0], sale)["state"] == "waiting"
        for i in range(0, len(seats), 5):  # every seat sold while they wait
            booking = f.hold(premiere, seats[i : i + 5], email=f"b{i}@example.com").booking
            payment_record_box_office(reference=booking.reference)
    with time_machine.travel(sale.opens_at + dt.timedelta(seconds=0.5 + 1.01), tick=False):  # the status's second
        cache.clear()  # time_machine does not age the cache's entries: what a second does to it
        states = [_status(client, sale)["state"] for client in waiting]
        assert states == ["sold_out"] * 3
        page = waiting[1].get(reverse("public:waiting_room", args=[sale.pk]))
        html = page.content.decode()
        assert 'data-state="sold_out"' in html and '<div data-queue-state="sold_out">' in html  # shown
        assert '<div data-queue-state="waiting" hidden>' in html
        newcomer = Client()
        assert _status(newcomer, sale)["state"] == "sold_out"
    assert Arrival.objects.count() == 3  # the newcomer is not queued for nothing


def test_ending_the_sale_opens_the_showtime_to_everyone(sale, premiere):
    queued_sale_end(sale_id=sale.pk, staff_user=None)
    cache.clear()
    assert Client().get(reverse("public:showtime", args=[premiere.pk])).status_code == 200


def test_a_showtime_scheduled_later_for_a_movie_on_sale_is_gated_within_seconds(premiere):
    from marquee.core.clock import now
    from marquee.waiting_room.selectors import GATES_SECONDS
    from marquee.waiting_room.services import queued_sale_create

    sale = queued_sale_create(
        movie_id=premiere.movie_id, opens_at=now() + dt.timedelta(hours=1), admit_per_minute=60, staff_user=None
    )
    client = Client()
    queue = reverse("public:waiting_room", args=[sale.pk])
    assert client.get(reverse("public:showtime", args=[premiere.pk]))["Location"].startswith(queue)
    later = f.showtime(
        movie_obj=premiere.movie, hall_obj=premiere.hall, starts_at=premiere.ends_at + dt.timedelta(hours=2)
    )
    with time_machine.travel(now() + dt.timedelta(seconds=GATES_SECONDS + 1)):
        answer = client.get(reverse("public:showtime", args=[later.pk]))
    assert answer.status_code == 302 and answer["Location"].startswith(queue)
