"""Two bookings racing for one voucher's money (issue 13, point 4): the balance pays one of
them; the other is refused with the reason (422 `voucher_code`) and holds nothing; the
balance is never below zero. Real threads on their own connections: run on PostgreSQL
(`bash .ci/with-postgres …`), where the conditional UPDATE waits on the row lock; on SQLite
the IMMEDIATE transactions queue the two."""

import datetime as dt
import json
import threading
from decimal import Decimal

import pytest
from django.db import connections

from marquee.booking.models import Booking, BookingStatus
from marquee.core.errors import ValidationFailed
from marquee.payments.checkout import checkout_hold
from marquee.payments.models import Payment
from marquee.vouchers.models import Voucher, VoucherEntry
from tests import factories as f

DAY = dt.timedelta(days=1)
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.mark.parametrize("rounds", [5])
def test_two_bookings_racing_for_one_vouchers_balance(demo, show, seats, voucher_of, rounds):
    outcomes: list[list[str]] = []
    for n in range(rounds):
        voucher = voucher_of("200.00", email=f"race{n}@example.com")  # two seats' worth: one booking
        # Each racer on a showtime of its own, other seats, another client address: no seat,
        # showtime or client lock orders them; only the voucher's row (the conditional UPDATE)
        # stands between them.
        starts = show.starts_at + DAY * (2 * n + 1)
        shows = [f.showtime(hall_obj=show.hall, starts_at=starts + DAY * i).pk for i in range(2)]
        barrier = threading.Barrier(2)
        results: list[str] = []
        lock = threading.Lock()

        def run(i: int, showtime_id: int, email: str) -> None:
            try:
                barrier.wait(timeout=30)
                held = checkout_hold(
                    showtime_id=showtime_id,
                    seat_ids=seats[2 * i : 2 * i + 2],
                    customer=f.buyer(email),
                    voucher_code=voucher.code,
                    client_ip=f"203.0.113.{i + 1}",
                )
                outcome = f"held {held.booking.reference}"
            except ValidationFailed as error:
                outcome = f"refused {error.fields}"
            except Exception as error:
                outcome = f"error {error!r}"
            finally:
                connections.close_all()
            with lock:
                results.append(outcome)

        threads = [
            threading.Thread(target=run, args=(i, pk, f"racer{i}-{n}@example.com")) for i, pk in enumerate(shows)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert len(results) == 2, results
        won = [r for r in results if r.startswith("held")]
        lost = [r for r in results if r.startswith("refused")]
        assert len(won) == 1 and len(lost) == 1, results
        assert "Nothing is left on this gift voucher." in lost[0]
        voucher.refresh_from_db()
        assert voucher.balance == Decimal("0.00")
        winner = Booking.objects.get(reference=won[0].split()[1])
        assert winner.status == BookingStatus.PAID  # the voucher covered it whole
        assert Payment.objects.filter(booking__showtime_id__in=shows, provider="voucher").count() == 1
        assert Booking.objects.filter(showtime_id__in=shows).count() == 1  # the refused hold rolled back
        spent = VoucherEntry.objects.filter(voucher=voucher, kind="spent")
        assert spent.count() == 1
        assert min(VoucherEntry.objects.filter(voucher=voucher).values_list("balance_after", flat=True)) >= 0
        outcomes.append(sorted(r.split()[0] for r in results))
    assert Voucher.objects.filter(balance__lt=0).count() == 0
    print("RACE " + json.dumps({"test": "voucher_balance", "rounds": rounds, "outcomes": outcomes}))
