"""The showtime's sales lock: only inside a transaction, and on PostgreSQL an advisory
lock held until the transaction ends (shared for holds, exclusive for cancels and moves)."""

import pytest
from django.db import connection, transaction

from marquee.scheduling.locks import showtime_sales_lock, showtime_sales_lock_key, showtime_sales_lock_shared


@pytest.mark.parametrize("lock", [showtime_sales_lock, showtime_sales_lock_shared])
def test_the_lock_refuses_to_run_outside_a_transaction(lock):
    with pytest.raises(RuntimeError, match=r"must run inside transaction\.atomic"):
        lock(showtime_id=1)


def test_the_key_keeps_the_showtime_id_in_its_low_half():
    assert showtime_sales_lock_key(42) & 0xFFFFFFFF == 42
    assert showtime_sales_lock_key(42) >> 32 == showtime_sales_lock_key(43) >> 32 != 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lock", "mode"), [(showtime_sales_lock, "ExclusiveLock"), (showtime_sales_lock_shared, "ShareLock")]
)
def test_on_postgresql_it_is_a_transaction_advisory_lock(lock, mode):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: there the lock takes nothing")
    key = showtime_sales_lock_key(42)
    with transaction.atomic():
        lock(showtime_id=42)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT mode FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
                " AND classid = %s AND objid = %s AND objsubid = 1",
                [key >> 32, key & 0xFFFFFFFF],
            )
            assert [row[0] for row in cursor.fetchall()] == [mode]
