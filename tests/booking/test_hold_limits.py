"""What one customer and one client may hold at once (issue 10, point 1).

One email holds at most MAX_SEATS_PER_BOOKING pending seats per showtime; one client
address at most MAX_PENDING_SEATS_PER_CLIENT pending seats across showtimes. Both are
counted in the database inside the hold's transaction.
"""

import datetime as dt
import json
import threading
from collections import Counter

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client

from marquee.booking.models import Booking, BookingSeat, BookingStatus
from marquee.booking.services import booking_hold
from marquee.core.clock import now
from marquee.core.errors import RateLimited, SeatsUnavailable
from marquee.payments.services import booking_pay
from tests import factories as f

ATTACKER = "203.0.113.66"


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    cache.clear()  # the API's per-minute hold rate counts in the (per-process) cache


def _hold_api(client: Client, show, seat_ids, email: str, **extra):
    body = {
        "showtime_id": show.pk,
        "seat_ids": seat_ids,
        "customer": {"first_name": "Ann", "last_name": "Attacker", "email": email},
    }
    return client.post("/api/v1/bookings", json.dumps(body), content_type="application/json", **extra)


@pytest.mark.django_db
def test_twenty_holds_of_ten_seats_from_one_address_leave_the_showtime_mostly_free(settings):
    settings.API_HOLD_RATE_PER_MINUTE = 0  # the seat limit alone, not the request rate
    show = f.showtime(hall_obj=f.hall(rows=10, seats=20))
    seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    client = Client(REMOTE_ADDR=ATTACKER)
    answers = [_hold_api(client, show, seats[i * 10 : (i + 1) * 10], f"bot{i}@example.com") for i in range(20)]
    codes = Counter(a.status_code for a in answers)
    assert codes == {201: 2, 429: 18}
    refused = answers[-1].json()
    assert refused["error"] == "rate_limited"
    assert refused["limit"] == "seats_per_client"
    assert "20" in refused["detail"]
    held = BookingSeat.objects.filter(showtime=show, status=BookingStatus.PENDING).count()
    assert held == 20  # 180 of 200 seats stay free
    # The two holds that passed stay held, and carry the address they came from.
    assert set(Booking.objects.filter(showtime=show).values_list("client_ip", flat=True)) == {ATTACKER}


@pytest.mark.django_db
def test_a_seat_conflict_still_answers_409_past_the_limit(settings):
    settings.MAX_PENDING_SEATS_PER_CLIENT = 4
    show = f.showtime()
    seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    client = Client(REMOTE_ADDR=ATTACKER)
    assert _hold_api(client, show, seats[:4], "a@example.com").status_code == 201
    taken = _hold_api(client, show, seats[:2], "b@example.com")
    assert taken.status_code == 409 and taken.json()["error"] == "seats_unavailable"
    limited = _hold_api(client, show, seats[4:5], "b@example.com")
    assert limited.status_code == 429 and limited.json()["limit"] == "seats_per_client"
    # Another address is not limited by this one.
    assert _hold_api(Client(REMOTE_ADDR="198.51.100.9"), show, seats[4:6], "c@example.com").status_code == 201


@pytest.mark.django_db
def test_one_email_holds_at_most_max_seats_per_booking_per_showtime(settings):
    settings.MAX_SEATS_PER_BOOKING = 6
    show, other = f.showtime(), f.showtime()
    seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    first = f.hold(show, seats[:4], email="greedy@example.com")
    with pytest.raises(RateLimited) as refused:
        f.hold(show, seats[4:7], email="GREEDY@example.com")  # the same customer, whatever the case
    assert refused.value.extra["limit"] == "seats_per_customer"
    assert refused.value.extra["held"] == 4
    assert "6" in refused.value.detail
    # The seats already held stay held; two more fit; another showtime is its own count.
    assert Booking.objects.get(pk=first.booking.pk).status == BookingStatus.PENDING
    f.hold(show, seats[4:6], email="greedy@example.com")
    f.hold(other, list(other.hall.seats.order_by("pk").values_list("pk", flat=True)[:6]), email="greedy@example.com")
    # Paid seats are bought, not held: they do not count.
    booking_pay(reference=first.booking.reference, method="demo", token=first.token)
    f.hold(show, seats[6:10], email="greedy@example.com")


@pytest.mark.django_db
def test_expired_holds_do_not_count(settings):
    settings.MAX_PENDING_SEATS_PER_CLIENT = 5
    show = f.showtime()
    seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    start = now()
    with time_machine.travel(start, tick=False):
        booking_hold(showtime_id=show.pk, seat_ids=seats[:5], customer=f.buyer("a@example.com"), client_ip=ATTACKER)
        with pytest.raises(RateLimited):
            booking_hold(
                showtime_id=show.pk, seat_ids=seats[5:6], customer=f.buyer("b@example.com"), client_ip=ATTACKER
            )
    with time_machine.travel(start + dt.timedelta(minutes=settings.HOLD_MINUTES, seconds=1), tick=False):
        # Not swept yet: the lapsed hold is still "pending" in the table, and still does not count.
        booking_hold(showtime_id=show.pk, seat_ids=seats[5:10], customer=f.buyer("b@example.com"), client_ip=ATTACKER)


@pytest.mark.django_db
def test_zero_turns_the_client_limit_off_for_load_tests(settings):
    settings.MAX_PENDING_SEATS_PER_CLIENT = 0
    show = f.showtime(hall_obj=f.hall(rows=6, seats=10))
    seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    for i in range(6):
        booking_hold(
            showtime_id=show.pk,
            seat_ids=seats[i * 10 : (i + 1) * 10],
            customer=f.buyer(f"{i}@example.com"),
            client_ip=ATTACKER,
        )
    assert BookingSeat.objects.filter(showtime=show, status=BookingStatus.PENDING).count() == 60


@pytest.mark.django_db
def test_an_ordinary_family_booking_still_works_on_the_site(client):
    show = f.showtime()
    seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    form = {"seat": seats[:5], "first_name": "Olena", "last_name": "Koval", "email": "olena@example.com"}
    response = client.post(f"/showtimes/{show.pk}/checkout/", form)
    assert response.status_code == 302 and "/bookings/" in response["Location"]
    assert BookingSeat.objects.filter(showtime=show, status=BookingStatus.PENDING).count() == 5


@pytest.mark.django_db
def test_the_site_says_which_limit_stopped_a_hold(client, settings):
    settings.MAX_SEATS_PER_BOOKING = 4
    show = f.showtime()
    seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    f.hold(show, seats[:3], email="olena@example.com")
    form = {"seat": seats[3:5], "first_name": "Olena", "last_name": "Koval", "email": "olena@example.com"}
    response = client.post(f"/showtimes/{show.pk}/checkout/", form)
    assert response.status_code == 200
    assert "This email already holds 3 unpaid seats for this showtime" in response.content.decode()

    settings.MAX_PENDING_SEATS_PER_CLIENT = 4
    f.hold(show, seats[5:7], email="someone@example.com", client_ip="127.0.0.1")
    form = {"seat": seats[7:10], "first_name": "Taras", "last_name": "Koval", "email": "taras@example.com"}
    response = client.post(f"/showtimes/{show.pk}/checkout/", form)
    assert response.status_code == 200
    assert "Too many unpaid seats are held from your connection" in response.content.decode()
    assert BookingSeat.objects.filter(showtime=show, seat_id__in=seats[7:10]).count() == 0


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_racing_holds_from_one_address_and_one_email_stay_within_the_limits(settings, capsys):
    """Threads with their own connections hold at once from one address (and, in a second
    wave, for one email): neither count may pass its limit. On PostgreSQL the holds run
    truly in parallel; the address's advisory lock and the customer's row lock serialise
    the counts."""
    settings.MAX_PENDING_SEATS_PER_CLIENT = 12
    threads = 16 if connection.vendor == "postgresql" else 6
    shows = [f.showtime(hall_obj=f.hall(rows=5, seats=10)) for _ in range(3)]
    seats = {s.pk: list(s.hall.seats.order_by("pk").values_list("pk", flat=True)) for s in shows}
    barrier = threading.Barrier(threads)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(i: int, *, client_ip: str, email: str) -> None:
        # Three seats each, never the same seats: the limits alone refuse. The address's
        # holds spread over the showtimes, the email's all reach for one.
        show = shows[0] if email else shows[i % len(shows)]
        slot = i if email else i // len(shows)
        mine = seats[show.pk][slot * 3 : slot * 3 + 3]
        try:
            barrier.wait(timeout=30)
            booking_hold(
                showtime_id=show.pk,
                seat_ids=mine,
                customer=f.buyer(email or f"fan{i}@example.com"),
                client_ip=client_ip,
            )
            outcome = "held"
        except RateLimited as error:
            outcome = error.extra["limit"]
        except SeatsUnavailable:
            outcome = "conflict"
        except Exception as error:
            outcome = f"{type(error).__name__}: {error}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    def wave(**kwargs: str) -> Counter[str]:
        outcomes.clear()
        pool = [threading.Thread(target=run, args=(i,), kwargs=kwargs) for i in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join(timeout=120)
        assert not any(t.is_alive() for t in pool)
        return Counter(outcomes)

    by_address = wave(client_ip=ATTACKER, email="")
    pending = BookingSeat.objects.filter(status=BookingStatus.PENDING, booking__client_ip=ATTACKER).count()
    assert by_address == {"held": 4, "seats_per_client": threads - 4}, by_address
    assert pending == 12

    BookingSeat.objects.all().delete()
    Booking.objects.all().delete()
    barrier.reset()
    by_email = wave(client_ip="", email="one@example.com")
    assert by_email == {"held": 3, "seats_per_customer": threads - 3}, by_email  # 9 of at most 10 seats
    assert BookingSeat.objects.filter(status=BookingStatus.PENDING).count() == 9
    with capsys.disabled():
        print(
            f'\nRACE {{"test": "hold limits", "database": "{connection.vendor}", "threads": {threads}, '
            f'"by_address": {dict(by_address)}, "by_email": {dict(by_email)}}}'
        )
