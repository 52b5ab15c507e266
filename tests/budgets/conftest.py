"""Query budgets: every public page and API endpoint runs the same number of SQL queries
in a cinema five times bigger (more halls, showtimes, seats and bookings)."""

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def queries_of(call: Callable[[], HttpResponse], ok: tuple[int, ...] = (200, 201)) -> list[str]:
    """The SQL one request runs, with the cache emptied first (so nothing cached hides a query)."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code in ok, response.content[:400]
    return [q["sql"] for q in captured.captured_queries]


def same_budget(small: list[str], big: list[str]) -> None:
    """The big cinema takes exactly as many queries as the small one; show both lists if not."""
    if len(big) != len(small):

        def listing(queries: list[str]) -> str:
            return "\n".join(f"  {q[:150]}" for q in queries)

        pytest.fail(
            f"{len(small)} queries in the small cinema, {len(big)} in the 5x one.\n"
            f"Small:\n{listing(small)}\nBig:\n{listing(big)}"
        )
