"""The sales lock of a showtime: a transaction advisory lock on PostgreSQL, keyed on its id.

Holds (and everything that takes seats as a hold does: keeping seats back, a counter sale,
moving a booking, a late payment retaking its seats) take it shared; cancelling, deleting
or moving a showtime takes it exclusive. So a cancel waits for the holds in flight (and then
cancels them too), and a hold that starts after a cancel sees it. PostgreSQL queues advisory
locks fairly: a cancel is not starved by a stream of holds, as it would be behind a row's
FOR SHARE locks. SQLite's IMMEDIATE transactions already run one writer at a time, so there
it is no lock at all.

It is a lock on a showtime, so it lives with showtimes: booking takes it for its holds and
cancels, scheduling for its moves, neither importing the other for it.
"""

import zlib

from django.db import connection, transaction

# Advisory lock keys for "sales of showtime N": a namespace in the high half, the id in the low.
_SHOWTIME_SALES_LOCK = (zlib.crc32(b"marquee.showtime.sales") & 0x7FFFFFFF) << 32


def showtime_sales_lock_key(showtime_id: int) -> int:
    """The advisory lock key of the showtime's sales, for a statement that takes it together
    with other locks (a hold takes it with its client address's lock, in that order)."""
    return _SHOWTIME_SALES_LOCK | (showtime_id & 0xFFFFFFFF)


def _lock(showtime_id: int, *, exclusive: bool) -> None:
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [showtime_sales_lock_key(showtime_id)])


def showtime_sales_lock(*, showtime_id: int) -> None:
    """For services that change a showtime (cancelling, deleting, moving it): inside their
    transaction, wait for the holds in flight and keep new ones out until commit (PostgreSQL)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("showtime_sales_lock() must run inside transaction.atomic()")
    _lock(showtime_id, exclusive=True)


def showtime_sales_lock_shared(*, showtime_id: int) -> None:
    """For services that take seats (a hold, keeping seats back, moving a booking): inside
    their transaction, the showtime's sales lock shared, as every hold takes it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("showtime_sales_lock_shared() must run inside transaction.atomic()")
    _lock(showtime_id, exclusive=False)
