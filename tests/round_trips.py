"""Counting what one call sends to the database: every statement, and BEGIN and COMMIT.

Django's `execute_wrappers` see each statement (savepoints too), but not the transaction's
own boundaries: psycopg sends BEGIN by itself before the first statement of a transaction
(a round trip of its own), and Django's SQLite backend issues BEGIN IMMEDIATE past the
cursor. So a transaction that ran a statement counts one more for its BEGIN, and its COMMIT
(or ROLLBACK) one more. A transaction that ran nothing sends neither (psycopg skips the
COMMIT of an idle connection), and counts nothing.
"""

from collections.abc import Iterator
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
