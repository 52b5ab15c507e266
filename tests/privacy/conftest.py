"""A customer with a full history, made through the real services: paid and pending bookings,
a gift they gave and one they received, mail sent (and one refused by the server), a
check-in, a recommendation campaign and a sign-in link."""

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.test import Client

from marquee.booking.checkin import ticket_check_in, ticket_code
from marquee.booking.models import Booking, Customer
from marquee.booking.services import CustomerDetails, booking_hold
from marquee.core.clock import local_today
from marquee.marketing.services import campaign_send_recommendations
from marquee.notifications.worker import mail_deliver_due
from marquee.payments.services import booking_pay
from marquee.public.views import SESSION_CUSTOMER
from marquee.staff.roles import ADMIN, BOX_OFFICE
from marquee.waitlist.services import waitlist_join
from tests import factories as f
from tests.notifications.conftest import SMTPServer

EMAIL = "Olesia.Zhuravska@Example.COM"
FIRST, LAST, PHONE = "Olesia", "Zhuravska", "+380671112233"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
        }
    }
    server.start()
    yield server
    server.stop()


def deliver() -> None:
    while mail_deliver_due():
        pass


def person(email: str = EMAIL, first: str = FIRST, last: str = LAST, phone: str = PHONE) -> CustomerDetails:
    return CustomerDetails(first_name=first, last_name=last, email=email, phone=phone)


@dataclass
class World:
    customer: Customer
    gift: Booking  # paid, given by the customer to Taras
    own: Booking  # paid, for the customer, one ticket checked in
    pending: Booking  # a hold
    received: Booking  # paid by Petro, a gift to the customer
    other: Booking  # a stranger's booking, nothing to do with the customer
    watched_movie_title: str
    recommended_title: str


@pytest.fixture
def world(db, smtp, client):
    drama = f.genre("Drama")
    seen = f.movie(title="Quiet Harbour", genres=[drama])
    tipped = f.movie(title="Northern Lights Again", genres=[drama])
    hall = f.hall(rows=4, seats=6)
    tomorrow = local_today() + dt.timedelta(days=1)
    show = f.showtime(movie_obj=seen, hall_obj=hall, starts_at=f.local_dt(tomorrow, 18))
    later = f.showtime(movie_obj=tipped, hall_obj=hall, starts_at=f.local_dt(tomorrow + dt.timedelta(days=2), 18))
    seats = list(hall.seats.order_by("pk").values_list("pk", flat=True))

    gift = booking_hold(
        showtime_id=show.pk,
        seat_ids=seats[0:2],
        customer=person(),
        recipient_name="Taras Bondar",
        recipient_email="taras.bondar@example.net",
        gift_message=f"Happy birthday! Love, {FIRST} ({PHONE})",
        marketing_consent=True,
    ).booking
    booking_pay(reference=gift.reference, method="demo")
    own = booking_hold(showtime_id=show.pk, seat_ids=seats[2:4], customer=person(email=EMAIL.lower())).booking
    booking_pay(reference=own.reference, method="demo")
    received = booking_hold(
        showtime_id=later.pk,
        seat_ids=seats[4:5],
        customer=person(email="petro@example.org", first="Petro", last="Melnyk", phone="+380931234567"),
        recipient_name=f"{FIRST} {LAST}",
        recipient_email=EMAIL.upper(),
        gift_message=f"For {FIRST}, see you there",
    ).booking
    booking_pay(reference=received.reference, method="demo")
    other = f.hold(later, seats[6:7], email="stranger@example.org").booking
    booking_pay(reference=other.reference, method="demo")
    deliver()

    # A sign-in link the mail server refuses, naming the address in its answer.
    smtp.handler.reply = f"550 5.1.1 <{EMAIL}>: mailbox for {FIRST} {LAST} unavailable"
    client.post("/my-bookings/", {"email": EMAIL})
    deliver()
    smtp.handler.reply = None

    # The show begins: a ticket is admitted at the door; then a campaign recommends the next film.
    with time_machine.travel(show.starts_at - dt.timedelta(minutes=5), tick=False):
        ticket_check_in(code=ticket_code(own.seats.order_by("pk").first().pk))
    with time_machine.travel(show.starts_at + dt.timedelta(minutes=30), tick=False):
        campaign_send_recommendations()
        deliver()
    pending = booking_hold(showtime_id=later.pk, seat_ids=seats[8:10], customer=person()).booking
    # A sold-out late show: the customer joins its waiting list (an email saying so goes out).
    tiny = f.hall(rows=1, seats=1)
    late = f.showtime(movie_obj=tipped, hall_obj=tiny, starts_at=f.local_dt(tomorrow, 23))
    sold = f.hold(late, list(tiny.seats.values_list("pk", flat=True)), email="stranger@example.org").booking
    booking_pay(reference=sold.reference, method="demo")
    waitlist_join(showtime_id=late.pk, first_name=FIRST, last_name=LAST, email=EMAIL, seats=2)
    deliver()
    customer = Customer.objects.get(pk=gift.customer_id)
    return World(
        customer=customer,
        gift=gift,
        own=own,
        pending=pending,
        received=received,
        other=other,
        watched_movie_title=seen.title,
        recommended_title=tipped.title,
    )


def signed_in(client: Client, customer: Customer) -> Client:
    """The session "My bookings" sign-in leaves (test_export signs in through the link once)."""
    session = client.session
    session[SESSION_CUSTOMER] = customer.pk
    session.save()
    return client


def staff(username: str, group: str | None) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username, is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def admin_user(db):
    return staff("ada", ADMIN)


@pytest.fixture
def box_user(db):
    return staff("bob", BOX_OFFICE)
