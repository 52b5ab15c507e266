"""Seats freed: a port through which booking tells the apps above it that seats came back on sale.

A cancellation, a lapsed hold, house seats released or a refund's cancel frees seats of a
showtime; the waiting list (above booking in the layers) wants to offer them to the first
in line. Booking cannot import it, so it names the event here and the waiting list
registers a callback in its AppConfig.ready() (dependency inversion, as
scheduling/sales_facts.py does for the opposite question).

`seats_freed` is called inside the transaction that frees the seats; the callbacks run once
it commits (never for a rolled-back change), with the showtime ids, outside any transaction.
A callback must be cheap and must not raise: it is told, it does not decide (the waiting
list enqueues a task; its periodic sweep catches anything a callback missed).
"""

import logging
from collections.abc import Callable, Iterable

from django.db import transaction

log = logging.getLogger(__name__)

type SeatsFreedCallback = Callable[[list[int]], None]

_callbacks: dict[str, SeatsFreedCallback] = {}


def register_seats_freed(callback: SeatsFreedCallback) -> None:
    """Call `callback(showtime_ids)` after every commit that freed seats. Registering the same
    function again replaces it (AppConfig.ready may run more than once in tests)."""
    _callbacks[f"{callback.__module__}.{callback.__qualname__}"] = callback


def seats_freed(showtime_ids: Iterable[int]) -> None:
    """Seats of these showtimes are free again once the current transaction commits."""
    ids = sorted(set(showtime_ids))
    if not ids or not _callbacks:
        return
    transaction.on_commit(lambda: _tell(ids))


def _tell(showtime_ids: list[int]) -> None:
    for name, callback in list(_callbacks.items()):
        try:
            callback(showtime_ids)
        except Exception:  # the seats are freed whatever a listener does; the sweep catches up
            log.exception("seats-freed listener %s failed for showtimes %s", name, showtime_ids)
