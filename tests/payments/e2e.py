"""What the end-to-end payments tests share: a showtime to sell, a customer who picks seats
and checks out in Chromium, and one who holds seats through the services with the booking's
token in the test client's session (as the checkout page leaves it)."""

import datetime as dt
import re

from marquee.booking.models import Booking
from marquee.core.clock import local_today
from marquee.public.views import SESSION_TOKENS
from tests import factories as f

CUSTOMER = "olena@example.com"


def a_showtime():
    """The day after tomorrow, seats at UAH 150.00: two of them are UAH 300.00."""
    film = f.movie(title="The Night Projectionist", duration_min=118)
    hall = f.hall(rows=4, seats=6, price="150.00")
    return f.showtime(movie_obj=film, hall_obj=hall, starts_at=f.local_dt(local_today() + dt.timedelta(days=2), 19, 30))


def check_out_in_browser(page, site_url: str, show) -> None:
    """On the real site: two seats on the seat map, the customer's details, the hold; leaves
    the browser on the booking page with its payment buttons."""
    page.goto(f"{site_url}/showtimes/{show.pk}/")
    page.get_by_label(re.compile(r"^Row 2, seat 3, .*free$")).check()
    page.get_by_label(re.compile(r"^Row 2, seat 4, .*free$")).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("First name").fill("Olena")
    page.get_by_label("Last name").fill("Koval")
    page.get_by_label("Email", exact=True).fill(CUSTOMER)
    page.get_by_role("button", name="Hold my seats and continue to payment").click()


def hold_in_session(client, show) -> Booking:
    """Two seats held, the booking's token in the client's session."""
    held = f.hold(show, list(show.hall.seats.order_by("pk").values_list("pk", flat=True)[:2]), email=CUSTOMER)
    session = client.session
    session[SESSION_TOKENS] = {held.booking.reference: held.token}
    session.save()
    return held.booking


def plain(message) -> str:
    """A received email's text, with the non-breaking spaces money is written with as spaces."""
    return message.get_body(("plain",)).get_content().replace("\xa0", " ")
