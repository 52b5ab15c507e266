"""My bookings: a signed sign-in link by email, no account enumeration, every booking listed."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from marquee.notifications.models import MailKind, OutgoingMail
from tests import factories

pytestmark = pytest.mark.django_db


def _sign_in_url(client, email):
    client.post(reverse("public:my_bookings"), {"email": email})
    mail = OutgoingMail.objects.filter(kind=MailKind.SIGN_IN).latest("created_at")
    return mail.context["url"]


def test_same_answer_for_known_and_unknown_addresses(client, cinema):
    factories.hold(cinema["shows"][0], email="olena@example.com")
    known = client.post(reverse("public:my_bookings"), {"email": "OLENA@example.com"})
    unknown = client.post(reverse("public:my_bookings"), {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"')  # both differ per response
    assert csrf.sub("", known.content.decode().replace("OLENA@example.com", "X")) == csrf.sub(
        "", unknown.content.decode().replace("nobody@example.com", "X")
    )
    mails = list(OutgoingMail.objects.filter(kind=MailKind.SIGN_IN))
    assert len(mails) == 1 and mails[0].to_email == "olena@example.com"
    assert mails[0].customer_id is not None
    assert mails[0].context["url"].startswith("http")
    assert "olena" not in mails[0].context["url"]  # the address is not in the link


def test_sign_in_link_lists_every_booking_and_opens_them(client, cinema, settings):
    first = factories.hold(cinema["shows"][0], email="olena@example.com")
    second = factories.hold(cinema["shows"][1], email="olena@example.com")
    stranger = factories.hold(cinema["shows"][2], email="someone@example.com")
    url = _sign_in_url(client, "olena@example.com")
    path = url.removeprefix(settings.SITE_URL)
    assert client.get(path).status_code == 200  # the link asks to confirm: a mail scanner spends nothing
    response = client.post(path, follow=True)
    html = response.content.decode()
    assert first.booking.reference in html and second.booking.reference in html
    assert stranger.booking.reference not in html
    assert client.get(reverse("public:booking", args=[first.booking.reference])).status_code == 200
    assert client.get(reverse("public:booking", args=[stranger.booking.reference])).status_code == 404
    client.post(reverse("public:sign_out"))
    assert client.get(reverse("public:booking", args=[first.booking.reference])).status_code == 404


def test_sign_in_link_expires(client, cinema, settings):
    factories.hold(cinema["shows"][0], email="olena@example.com")
    path = _sign_in_url(client, "olena@example.com").removeprefix(settings.SITE_URL)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)):
        response = client.get(path, follow=True)
    assert "expired" in response.content.decode()
    assert "Signed in as" not in response.content.decode()


def test_tampered_link_is_refused(client, cinema):
    factories.hold(cinema["shows"][0], email="olena@example.com")
    response = client.get(reverse("public:my_bookings_sign_in", args=["1:olena@example.com:abc:def"]), follow=True)
    assert "not valid" in response.content.decode()


def test_my_bookings_constant_queries(client, cinema, settings, django_assert_max_num_queries):
    factories.hold(cinema["shows"][0], email="olena@example.com")
    client.post(_sign_in_url(client, "olena@example.com").removeprefix(settings.SITE_URL))
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("public:my_bookings"))
    factories.hold(cinema["shows"][1], email="olena@example.com")
    factories.hold(cinema["shows"][2], email="olena@example.com")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "Signed in as" in client.get(reverse("public:my_bookings")).content.decode()
