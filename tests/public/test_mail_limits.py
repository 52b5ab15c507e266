"""Nobody can flood an inbox through the site (issue 10, point 3).

Sign-in links: at most SIGN_IN_LINKS_PER_HOUR per email and SIGN_IN_LINKS_PER_HOUR_PER_CLIENT
per client address, with the same answer whatever happened; each link signs in once.
Ticket resends: at most TICKET_RESENDS_PER_HOUR per booking.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from marquee.booking.models import Customer
from marquee.core.clock import now
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.payments.services import booking_pay
from tests import factories

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"')  # both differ per response


def _page(response, email: str) -> str:
    return CSRF.sub("", response.content.decode().replace(email, "EMAIL"))


def _ask(client: Client, email: str):
    return client.post(reverse("public:my_bookings"), {"email": email})


def test_twenty_five_requests_send_three_links_and_answer_alike(cinema):
    factories.hold(cinema["shows"][0], email="victim@example.com")
    answers = [_ask(Client(REMOTE_ADDR=f"198.51.100.{i}"), "victim@example.com") for i in range(25)]
    assert OutgoingMail.objects.filter(kind=MailKind.SIGN_IN, to_email="victim@example.com").count() == 3
    unknown = _ask(Client(REMOTE_ADDR="198.51.100.200"), "nobody@example.com")
    # Sent, limited and unknown: one page, so the answer tells nothing.
    pages = {_page(a, "victim@example.com") for a in answers} | {_page(unknown, "nobody@example.com")}
    assert len(pages) == 1
    assert {a.status_code for a in answers} == {200}


def test_one_address_sends_at_most_ten_links_an_hour(cinema, settings):
    for i in range(12):
        factories.hold(
            cinema["shows"][0], seat_ids=[cinema["big"].seats.order_by("pk")[i].pk], email=f"c{i}@example.com"
        )
    sprayer = Client(REMOTE_ADDR="203.0.113.30")
    for i in range(12):
        _ask(sprayer, f"c{i}@example.com")
    assert OutgoingMail.objects.filter(kind=MailKind.SIGN_IN).count() == settings.SIGN_IN_LINKS_PER_HOUR_PER_CLIENT
    # Another address is not held back by this one.
    _ask(Client(REMOTE_ADDR="203.0.113.31"), "c11@example.com")
    assert OutgoingMail.objects.filter(kind=MailKind.SIGN_IN, to_email="c11@example.com").count() == 1


def test_the_limit_lifts_after_an_hour(cinema):
    factories.hold(cinema["shows"][0], email="olena@example.com")
    start = now()
    with time_machine.travel(start, tick=False):
        for _ in range(4):
            _ask(Client(), "olena@example.com")
    with time_machine.travel(start + dt.timedelta(minutes=61), tick=False):
        _ask(Client(), "olena@example.com")
    assert OutgoingMail.objects.filter(kind=MailKind.SIGN_IN).count() == 4


def test_a_sign_in_link_works_once(cinema, settings):
    factories.hold(cinema["shows"][0], email="olena@example.com")
    client = Client()
    _ask(client, "olena@example.com")
    path = OutgoingMail.objects.get(kind=MailKind.SIGN_IN).context["url"].removeprefix(settings.SITE_URL)
    # Opening the link (as a mail scanner would) spends nothing; confirming signs in.
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200
    assert "Signed in as" in client.post(path, follow=True).content.decode()
    client.post(reverse("public:sign_out"))

    stranger = Client()
    for answer in (stranger.get(path), stranger.post(path)):
        assert answer.status_code == 410
        page = answer.content.decode()
        assert "This link was already used" in page and "send you a new one" in page
    assert "Signed in as" not in stranger.get(reverse("public:my_bookings")).content.decode()


def test_a_link_for_an_email_changed_since_signs_nobody_in(cinema, settings):
    factories.hold(cinema["shows"][0], email="olena@example.com")
    client = Client()
    _ask(client, "olena@example.com")
    path = OutgoingMail.objects.get(kind=MailKind.SIGN_IN).context["url"].removeprefix(settings.SITE_URL)
    Customer.objects.filter(email="olena@example.com").update(email="olena.new@example.com")
    assert "not valid" in client.post(path, follow=True).content.decode()


def _paid(cinema, email="buyer@example.com", recipient="friend@example.com"):
    held = factories.hold(cinema["shows"][0], email=email, recipient_name="Friend", recipient_email=recipient)
    booking_pay(reference=held.booking.reference, method="demo", token=held.token)
    return held


def test_a_customer_resends_the_tickets_at_most_three_times_an_hour(cinema):
    held = _paid(cinema)
    client = Client()
    client.get(reverse("public:booking", args=[held.booking.reference]), {"token": held.token})
    url = reverse("public:booking_resend", args=[held.booking.reference])
    answers = [client.post(url, follow=True).content.decode() for _ in range(25)]
    resent = OutgoingMail.objects.filter(kind=MailKind.RESEND, booking=held.booking)
    assert resent.count() == 3
    assert "We are sending the tickets again" in answers[2]
    assert "already sent these tickets again several times in the last hour" in answers[3]
    with time_machine.travel(now() + dt.timedelta(minutes=61), tick=False):
        client.post(url)
    assert resent.count() == 4
