"""A sold-out showtime and the helpers the waiting list's tests share."""

from dataclasses import dataclass

import pytest

from marquee.booking.services import HoldResult
from marquee.notifications.worker import mail_deliver_due
from marquee.payments.services import booking_pay
from marquee.scheduling.models import Showtime
from marquee.waitlist.services import Joined, waitlist_join
from tests import factories as f
from tests.backoffice.conftest import box_client  # noqa: F401 - a box-office staff client
from tests.notifications.conftest import smtp_server  # noqa: F401 - the real SMTP server fixture


@dataclass
class SoldOut:
    show: Showtime
    sales: list[HoldResult]  # one paid booking per row, in row order (each holds its whole row)


def sell_out(*, rows: int = 2, seats: int = 4) -> SoldOut:
    """A showtime whose every seat is sold: one paid booking per row, by buyer<row>@example.com."""
    show = f.showtime(hall_obj=f.hall(rows=rows, seats=seats))
    sales = []
    for row in range(1, rows + 1):
        seat_ids = list(show.hall.seats.filter(row_number=row).order_by("seat_number").values_list("pk", flat=True))
        held = f.hold(show, seat_ids, email=f"buyer{row}@example.com")
        booking_pay(reference=held.booking.reference, method="demo", token=held.token)
        sales.append(held)
    return SoldOut(show=show, sales=sales)


@pytest.fixture
def sold_out() -> SoldOut:
    return sell_out()


def join(show: Showtime, email: str, seats: int = 2, **kw) -> Joined:
    return waitlist_join(
        showtime_id=show.pk,
        first_name=kw.pop("first_name", "Taras"),
        last_name=kw.pop("last_name", "Shevchenko"),
        email=email,
        seats=seats,
        **kw,
    )


def deliver() -> int:
    """Send every queued message now, through the real worker code."""
    return mail_deliver_due()
