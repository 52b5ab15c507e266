"""What scheduling asks of a showtime's sales: a port that booking fills.

Booking stands above scheduling (its bookings point at showtimes), so scheduling cannot
import it; yet a showtime with tickets held or sold must not change hall or movie. This is
dependency inversion: scheduling names the one question it asks here, and booking answers
it with its selector (marquee.booking.selectors.showtime_has_active_sales), registered by
`provide` in BookingConfig.ready(). Until an answer is registered, asking raises
SalesFactsMissing: answering "no sales" by default would let a sold showtime move.
"""

from collections.abc import Callable

type ShowtimeHasActiveSales = Callable[[int], bool]

_has_active_sales: ShowtimeHasActiveSales | None = None


class SalesFactsMissing(RuntimeError):
    """No app has told scheduling how to read a showtime's sales (marquee.booking does)."""


def provide(*, has_active_sales: ShowtimeHasActiveSales) -> None:
    """Register the answer (booking's, at start-up); a second call replaces the first."""
    global _has_active_sales
    _has_active_sales = has_active_sales


def showtime_has_active_sales(showtime_id: int) -> bool:
    """Whether the showtime has seats held or sold (in any not-final booking state)."""
    if _has_active_sales is None:
        raise SalesFactsMissing(
            "Scheduling cannot tell whether a showtime has sales: no provider is registered "
            "(marquee.booking registers one in BookingConfig.ready())."
        )
    return _has_active_sales(showtime_id)
