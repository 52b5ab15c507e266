"""Serialising writers that check a rule spanning many rows.

On PostgreSQL a transaction-scoped advisory lock, or a row lock on the parent row,
makes "check, then insert" safe against concurrent writers. On SQLite every write
transaction starts IMMEDIATE (see marquee.env), so writers already run one at a time.
"""

import zlib

from django.db import connection, transaction


def lock_named(name: str) -> None:
    """Hold a lock called `name` until the current transaction ends."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_named() must run inside transaction.atomic()")
    if connection.vendor == "postgresql":
        key = zlib.crc32(name.encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
