"""Counting what one call sends to the database: every statement, and BEGIN and COMMIT.

Two counters. `round_trips` works on both databases, from Django's side; `wire_round_trips`
(PostgreSQL only) reads what actually went over the wire, and is the judge where both apply.

Django's `execute_wrappers` see each statement (savepoints too), but not the transaction's
own boundaries: psycopg sends BEGIN by itself before the first statement of a transaction
(a round trip of its own), and Django's SQLite backend issues BEGIN IMMEDIATE past the
cursor. So a transaction that ran a statement counts one more for its BEGIN, and its COMMIT
(or ROLLBACK) one more. A transaction that ran nothing sends neither (psycopg skips the
COMMIT of an idle connection), and counts nothing.
"""

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection


@dataclass
class RoundTrips:
    statements: list[str] = field(default_factory=list)
    begins: int = 0
    ends: int = 0
    _open: bool = False

    @property
    def count(self) -> int:
        return len(self.statements) + self.begins + self.ends

    def listing(self) -> str:
        return f"{self.begins} BEGIN, {self.ends} COMMIT/ROLLBACK, statements:\n" + "\n".join(
            f"  {sql[:160]}" for sql in self.statements
        )


@contextmanager
def round_trips() -> Iterator[RoundTrips]:
    seen = RoundTrips()

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not connection.get_autocommit() and not seen._open:
            seen.begins += 1
            seen._open = True
        seen.statements.append(sql)
        return execute(sql, params, many, context)

    original_commit, original_rollback = connection._commit, connection._rollback

    def end(original: Any) -> Any:
        def ended() -> Any:
            if seen._open:
                seen.ends += 1
                seen._open = False
            return original()

        return ended

    connection._commit = end(original_commit)  # type: ignore[method-assign]
    connection._rollback = end(original_rollback)  # type: ignore[method-assign]
    try:
        with connection.execute_wrapper(wrapper):
            yield seen
    finally:
        del connection._commit, connection._rollback


def wire_round_trips(call: Callable[[], object]) -> tuple[int, list[str]]:
    """The round trips `call` makes on the default connection (PostgreSQL), and what the client
    sent, counted on the wire from libpq's own trace: every message the client sends that asks
    the server to answer (a simple `Query`, or the `Sync` that ends an extended-protocol
    exchange) is one round trip, whatever Django or psycopg sent it for (the BEGIN psycopg
    issues on the first statement of a transaction, and the COMMIT, included). What was sent
    is given per round trip."""
    from psycopg import pq

    connection.ensure_connection()
    pgconn = connection.connection.pgconn

    with tempfile.TemporaryFile("w+") as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            call()
        finally:
            pgconn.untrace()
        trace.flush()
        os.lseek(trace.fileno(), 0, os.SEEK_SET)
        sent = [line for line in trace.read().splitlines() if line.startswith("F\t")]
    # One exchange per ask: a simple Query alone, or the Parse, Bind, Describe and Execute
    # messages of the extended protocol (prepared statements) up to their Sync.
    exchanges, pending = [], []
    for line in sent:
        pending.append(line)
        if line.split("\t")[2] in {"Query", "Sync"}:
            exchanges.append("\n".join(pending))
            pending = []
    return len(exchanges), exchanges
