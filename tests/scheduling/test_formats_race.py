"""A format deleted while showtimes are being given it, on real connections: either the delete
is refused (naming how many showtimes use it) or the showtimes are refused its code; never a
showtime pointing at a deleted format, never an error of another kind."""

import datetime as dt
import random
import threading
from decimal import Decimal

import pytest
from django.db import connection

from marquee.core.errors import InvalidState, ValidationFailed
from marquee.scheduling.formats import format_create, format_delete
from marquee.scheduling.models import Format, Showtime
from marquee.scheduling.services import showtime_update
from tests import factories as f
from tests.booking.test_concurrency import race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

THREADS = 8 if connection.vendor == "postgresql" else 4


@pytest.mark.parametrize("round_", range(3))
def test_a_format_deleted_while_showtimes_take_it(capsys, round_):
    fmt = format_create(code="3d", name="3D", surcharge=Decimal("40.00"))
    starts = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(microsecond=0)
    shows = [f.showtime(hall_obj=f.hall(rows=1, seats=2), starts_at=starts) for _ in range(THREADS - 1)]
    lock = threading.Lock()
    outcome: dict[str, int] = {"given": 0, "refused_code": 0, "deleted": 0, "delete_refused": 0}
    errors: list[str] = []

    def worker(i: int, rng: random.Random) -> None:
        try:
            if i == round_ % THREADS:
                format_delete(format_id=fmt.pk)
                key = "deleted"
            else:
                showtime_update(showtime_id=shows[i - (i > round_ % THREADS)].pk, format_code="3d")
                key = "given"
        except InvalidState:
            key = "delete_refused"
        except ValidationFailed as refused:
            assert set(refused.fields or {}) == {"format"}
            key = "refused_code"
        except Exception as error:  # anything else breaks the rule
            with lock:
                errors.append(f"{type(error).__name__}: {error}")
            return
        with lock:
            outcome[key] += 1

    race(worker, THREADS)
    assert not errors, errors
    exists = Format.objects.filter(pk=fmt.pk).exists()
    in_it = Showtime.objects.filter(format_id=fmt.pk).count()
    if exists:
        assert outcome["deleted"] == 0 and outcome["delete_refused"] == 1
        assert in_it == outcome["given"] >= 1
    else:
        assert outcome["deleted"] == 1 and in_it == 0 and outcome["given"] == 0
        assert outcome["refused_code"] == THREADS - 1
    with capsys.disabled():
        print(f"\nRACE { {'test': 'format delete vs assign', 'database': connection.vendor, **outcome} }")
