"""Customers racing for a promo code's last use, on real connections: exactly one gets it,
every other is refused with "used up" (422 through the API), and nothing else goes wrong.
Run on PostgreSQL too (`bash .ci/with-postgres … tests/promotions/test_races.py`): there the
code's row lock decides; on SQLite the IMMEDIATE write transactions queue."""

import datetime as dt
import threading

import pytest
from django.db import connection

from marquee.booking.models import ACTIVE_STATUSES, Booking
from marquee.core.errors import ValidationFailed
from marquee.payments.checkout import checkout_hold
from marquee.promotions import rules
from tests import factories as f
from tests.booking.test_concurrency import race
from tests.promotions.conftest import make_code

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

THREADS = 10 if connection.vendor == "postgresql" else 5


def _show():
    starts = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(microsecond=0)
    return f.showtime(hall_obj=f.hall(rows=2, seats=THREADS), starts_at=starts)


def _run(show, code: str, email_of) -> tuple[list[str], list[str], list[str]]:
    seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    lock = threading.Lock()
    won: list[str] = []
    refused: list[str] = []
    errors: list[str] = []

    def worker(i: int, _rng) -> None:
        try:
            held = checkout_hold(
                showtime_id=show.pk, seat_ids=[seats[i]], customer=f.buyer(email_of(i)), promo_code=code
            )
        except ValidationFailed as error:
            with lock:
                refused.append(error.fields["promo_code"][0])
        except Exception as error:  # anything else is a failure of the rule
            with lock:
                errors.append(f"{type(error).__name__}: {error}")
        else:
            with lock:
                won.append(held.booking.reference)

    race(worker, THREADS)
    return won, refused, errors


def _report(capsys, name: str, won, refused) -> None:
    with capsys.disabled():
        print(
            f"\nRACE {{'test': '{name}', 'database': '{connection.vendor}', 'threads': {THREADS}, "
            f"'won': {len(won)}, 'refused': {len(refused)}}}"
        )


def test_customers_racing_for_the_last_use_exactly_one_gets_it(capsys):
    show = _show()
    code = make_code("LASTONE", max_uses=3)
    # two uses already taken by paid and held bookings: one is left
    for n in range(2):
        f.hold(show, [show.hall.seats.order_by("-pk")[n].pk], email=f"early{n}@example.com")
    Booking.objects.update(promo_code=code, promo_code_text=code.code)
    won, refused, errors = _run(show, "lastone", lambda i: f"fan{i}@example.com")
    assert not errors, errors
    assert len(won) == 1, won
    assert refused == [rules.USED_UP] * (THREADS - 1)
    assert Booking.objects.filter(promo_code=code, status__in=ACTIVE_STATUSES).count() == 3
    # the losers hold nothing
    assert Booking.objects.filter(status__in=ACTIVE_STATUSES).count() == 3
    _report(capsys, "promo last use", won, refused)


def test_one_customer_racing_for_a_once_per_customer_code_gets_it_once(capsys):
    show = _show()
    code = make_code("ONLYONCE", max_uses_per_customer=1)
    won, refused, errors = _run(show, "onlyonce", lambda i: "same@example.com")
    assert not errors, errors
    assert len(won) == 1, won
    assert refused == [rules.ALREADY_USED] * (THREADS - 1)
    assert Booking.objects.filter(promo_code=code, status__in=ACTIVE_STATUSES).count() == 1
    _report(capsys, "promo once per customer", won, refused)
