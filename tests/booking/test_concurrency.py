"""Many customers reach for the same seats in the same instant: every seat is sold once.

Each thread has its own database connection (closed at the thread's end). PostgreSQL runs
32 threads, SQLite 8 (its writers queue on one lock: conflicts must still be answered as
conflicts, never as "database is locked"). The numbers are printed with the results.
"""

import datetime as dt
import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client

from marquee.booking.models import ACTIVE_STATUSES, Booking, BookingSeat, BookingStatus
from marquee.booking.services import CustomerDetails, booking_hold
from marquee.core.errors import RateLimited, SalesClosed, SeatsUnavailable
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.payments.services import booking_pay, showtime_cancel
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

ON_POSTGRES = connection.vendor == "postgresql"
THREADS = 32 if ON_POSTGRES else 8
ATTEMPTS = 4  # per thread
POOL = 12  # seats everyone fights over


@pytest.fixture(autouse=True, scope="module")
def _static_root_exists() -> None:
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@dataclass
class Outcome:
    won: list[tuple[str, list[int]]] = field(default_factory=list)  # reference, seats
    lost: list[tuple[list[int], list[int]]] = field(default_factory=list)  # asked, named
    limited: list[str] = field(default_factory=list)  # holds refused by a hold limit (their code)
    errors: list[str] = field(default_factory=list)
    lock = threading.Lock()


def race(worker: Callable[[int, random.Random], None], threads: int) -> float:
    """Run `worker(i, rng)` in `threads` threads released together; the wall time taken."""
    barrier = threading.Barrier(threads)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            worker(i, random.Random(i))
        finally:
            connections.close_all()

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    started = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in pool), "a thread hung"
    return time.perf_counter() - started


def asked_seats(rng: random.Random, pool: list[int]) -> list[int]:
    return rng.sample(pool, rng.randint(1, 4))


def assert_sold_once(show, outcome: Outcome) -> None:
    active = list(
        BookingSeat.objects.filter(showtime=show, status__in=ACTIVE_STATUSES).values_list("seat_id", flat=True)
    )
    assert len(active) == len(set(active)), "a seat is held twice"
    won_seats = [s for _, seats in outcome.won for s in seats]
    assert Counter(won_seats) == Counter(active)
    for asked, named in outcome.lost:
        assert named, "a conflict must name the seats"
        assert set(named) <= set(asked)
        assert set(named) <= set(active), "a named seat must really be taken"
    # Each booking is whole: all its seats or none.
    for reference, seats in outcome.won:
        booking = Booking.objects.get(reference=reference)
        assert sorted(booking.seats.values_list("seat_id", flat=True)) == sorted(seats)


def report(capsys, name: str, outcome: Outcome, elapsed: float) -> None:
    line = {
        "test": name,
        "database": connection.vendor,
        "threads": THREADS,
        "attempts": THREADS * ATTEMPTS,
        "winners": len(outcome.won),
        "conflicts": len(outcome.lost),
        "errors": len(outcome.errors),
        "seconds": round(elapsed, 2),
    }
    with capsys.disabled():
        print("\nRACE " + json.dumps(line))


@pytest.fixture
def show():
    hall = f.hall(rows=4, seats=10)
    return f.showtime(hall_obj=hall, starts_at=(dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(microsecond=0))


def test_database_is_a_file_that_threads_share():
    if connection.vendor == "sqlite":
        assert connection.settings_dict["NAME"] not in ("", ":memory:")
        assert "mode=memory" not in str(connection.settings_dict["NAME"])


@pytest.mark.parametrize("pool_size", [POOL, 40])
def test_threads_racing_through_the_service_never_sell_a_seat_twice(show, capsys, pool_size):
    pool = list(show.hall.seats.order_by("pk").values_list("pk", flat=True)[:pool_size])
    outcome = Outcome()

    def worker(i: int, rng: random.Random) -> None:
        for attempt in range(ATTEMPTS):
            asked = asked_seats(rng, pool)
            # A few shared customers, in varying case: their rows are raced for too.
            email = f"Fan{i % 5}@Example.com" if attempt % 2 else f"fan{i % 5}@example.com"
            details = CustomerDetails(first_name=f"Fan{i}", last_name="Race", email=email)
            try:
                result = booking_hold(showtime_id=show.pk, seat_ids=asked, customer=details)
            except SeatsUnavailable as error:
                with outcome.lock:
                    outcome.lost.append((asked, list(error.extra["seat_ids"])))
            except RateLimited as error:
                # Five customers share the attempts: one that holds MAX_SEATS_PER_BOOKING
                # unpaid seats of the showtime is refused more.
                with outcome.lock:
                    outcome.limited.append(error.extra["limit"])
            except Exception as error:
                with outcome.lock:
                    outcome.errors.append(f"{type(error).__name__}: {error}")
            else:
                with outcome.lock:
                    outcome.won.append((result.booking.reference, asked))

    elapsed = race(worker, THREADS)
    report(capsys, f"service, {pool_size} seats", outcome, elapsed)
    assert outcome.errors == []
    assert len(outcome.won) + len(outcome.lost) + len(outcome.limited) == THREADS * ATTEMPTS
    assert set(outcome.limited) <= {"seats_per_customer"}
    assert outcome.won and outcome.lost
    assert_sold_once(show, outcome)
    held = Counter(
        email.lower()
        for email in BookingSeat.objects.filter(showtime=show, status=BookingStatus.PENDING).values_list(
            "booking__customer__email", flat=True
        )
    )
    assert max(held.values()) <= settings.MAX_SEATS_PER_BOOKING, held


def test_threads_racing_through_the_http_api_never_sell_a_seat_twice(show, capsys, settings):
    settings.API_HOLD_RATE_PER_MINUTE = 0  # every request comes from one address here
    settings.MAX_PENDING_SEATS_PER_CLIENT = 0
    pool = list(show.hall.seats.order_by("pk").values_list("pk", flat=True)[:POOL])
    outcome = Outcome()

    def worker(i: int, rng: random.Random) -> None:
        client = Client()
        for _ in range(ATTEMPTS):
            asked = asked_seats(rng, pool)
            body = {
                "showtime_id": show.pk,
                "seat_ids": asked,
                "customer": {"first_name": "Web", "last_name": str(i), "email": f"web{i}@example.com"},
            }
            try:
                response = client.post("/api/v1/bookings", json.dumps(body), content_type="application/json")
                answer = response.json()
            except Exception as error:
                with outcome.lock:
                    outcome.errors.append(f"{type(error).__name__}: {error}")
                continue
            with outcome.lock:
                if response.status_code == 201:
                    outcome.won.append((answer["reference"], asked))
                elif response.status_code == 409 and answer["error"] == "seats_unavailable":
                    outcome.lost.append((asked, answer["seat_ids"]))
                else:
                    outcome.errors.append(f"{response.status_code}: {answer}")

    elapsed = race(worker, THREADS)
    report(capsys, "http", outcome, elapsed)
    assert outcome.errors == []
    assert outcome.won and outcome.lost
    assert_sold_once(show, outcome)


def test_threads_paying_one_booking_at_once_pay_it_once(show, capsys):
    seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True)[:2])
    held = f.hold(show, seats)
    answers: list[str] = []
    lock = threading.Lock()

    def worker(i: int, rng: random.Random) -> None:
        try:
            booking = booking_pay(reference=held.booking.reference, method="demo", token=held.token)
            answer = f"{booking.status}@{booking.paid_at.isoformat()}"
        except Exception as error:
            answer = f"{type(error).__name__}: {error}"
        with lock:
            answers.append(answer)

    threads = min(THREADS, 8)
    elapsed = race(worker, threads)
    line = {"test": "pay", "database": connection.vendor, "threads": threads, "seconds": round(elapsed, 2)}
    with capsys.disabled():
        print("\nRACE " + json.dumps(line))
    assert len(set(answers)) == 1 and answers[0].startswith("paid@"), answers
    assert Booking.objects.get(pk=held.booking.pk).status == BookingStatus.PAID
    assert OutgoingMail.objects.filter(booking=held.booking, kind=MailKind.TICKETS).count() == 1


def test_a_showtime_cancelled_during_a_rush_keeps_no_active_booking(show, capsys):
    """Holds in flight when staff cancel the showtime either finish first (and are then
    cancelled with it) or see it cancelled: none survives on a cancelled showtime."""
    seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    answers: Counter[str] = Counter()
    lock = threading.Lock()

    def worker(i: int, rng: random.Random) -> None:
        if i == THREADS // 2:
            time.sleep(0.002)
            showtime_cancel(showtime_id=show.pk)
            return
        for attempt in range(ATTEMPTS):
            details = CustomerDetails(first_name="R", last_name=str(i), email=f"rush{i}@example.com")
            asked = [seats[(i * ATTEMPTS + attempt) % len(seats)]]
            try:
                booking_hold(showtime_id=show.pk, seat_ids=asked, customer=details)
                answer = "held"
            except (SalesClosed, SeatsUnavailable) as error:
                answer = error.code
            except Exception as error:
                answer = f"{type(error).__name__}: {error}"
            with lock:
                answers[answer] += 1

    elapsed = race(worker, THREADS)
    line = {"test": "cancel during rush", "database": connection.vendor, "threads": THREADS, **answers}
    with capsys.disabled():
        print("\nRACE " + json.dumps(line | {"seconds": round(elapsed, 2)}))
    assert set(answers) <= {"held", "sales_closed", "seats_unavailable"}, answers
    assert not Booking.objects.filter(showtime=show, status__in=ACTIVE_STATUSES).exists()
    assert not BookingSeat.objects.filter(showtime=show, status__in=ACTIVE_STATUSES).exists()
