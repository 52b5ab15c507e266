"""What venues asks of its seats' sales: a port that booking fills.

Booking stands above venues (its booking seats point at seats), so venues cannot import it;
yet a seat with tickets for a future showtime, or with any booking record at all, must not
be removed. This is dependency inversion: venues names the two questions it asks here, and
booking answers them with its selectors (marquee.booking.selectors.seats_with_future_sales
and seats_ever_sold), registered by `provide` in BookingConfig.ready(). Until answers are
registered, asking raises SalesFactsMissing: answering "no sales" by default would let a
sold seat be deleted.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SeatSales:
    """Booking's answers. Both take seat ids and answer the ids among them that qualify."""

    # (hall id, seat ids) -> those with tickets held or sold for a showtime still to come
    with_future_sales: Callable[[int, Iterable[int]], list[int]]
    # seat ids -> those that any booking ever named, whatever its state
    ever_sold: Callable[[Iterable[int]], set[int]]


_provider: SeatSales | None = None


class SalesFactsMissing(RuntimeError):
    """No app has told venues how to read its seats' sales (marquee.booking does)."""


def provide(provider: SeatSales) -> None:
    """Register the answers (booking's, at start-up); a second call replaces the first."""
    global _provider
    _provider = provider


def _provided() -> SeatSales:
    if _provider is None:
        raise SalesFactsMissing(
            "Venues cannot tell whether seats have sales: no provider is registered "
            "(marquee.booking registers one in BookingConfig.ready())."
        )
    return _provider


def seats_with_future_sales(hall_id: int, seat_ids: Iterable[int]) -> list[int]:
    """The seats among `seat_ids` (of this hall) with tickets held or sold for a future showtime."""
    return _provided().with_future_sales(hall_id, seat_ids)


def seats_ever_sold(seat_ids: Iterable[int]) -> set[int]:
    """The seats among `seat_ids` that any booking ever named (their history must stay)."""
    return _provided().ever_sold(seat_ids)
