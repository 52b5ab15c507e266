"""The booking life cycle of domain.md as one table, with no database.

Services change a booking's state only through a conditional update whose condition
is the `from` side of a transition listed here.
"""

from marquee.booking.models import BookingStatus, CancelReason

TRANSITIONS: dict[tuple[BookingStatus, BookingStatus], frozenset[CancelReason | None]] = {
    (BookingStatus.PENDING, BookingStatus.PAID): frozenset({None}),
    (BookingStatus.PENDING, BookingStatus.CANCELLED): frozenset(
        {CancelReason.CUSTOMER, CancelReason.STAFF, CancelReason.EXPIRED, CancelReason.SHOWTIME_CANCELLED}
    ),
    # A hold that lapsed while its payment was under way, paid once the money arrives, if
    # every seat is still free (booking_settle_paid). The reason is the one it was cancelled for.
    (BookingStatus.CANCELLED, BookingStatus.PAID): frozenset({CancelReason.EXPIRED}),
    (BookingStatus.PAID, BookingStatus.CANCELLED): frozenset(
        {CancelReason.CUSTOMER, CancelReason.STAFF, CancelReason.SHOWTIME_CANCELLED}
    ),
}


def sources_for(dst: BookingStatus, reason: CancelReason | None = None) -> list[BookingStatus]:
    """The states a booking may leave to reach `dst` for `reason`."""
    return [src for (src, d), reasons in TRANSITIONS.items() if d == dst and reason in reasons]
