"""The waiting list on the site (the showtime page's form, joining, leaving by the link), in the
API, and on the staff pages."""

import json

import pytest
from django.test import Client

from marquee.notifications.models import MailKind, OutgoingMail
from marquee.waitlist.links import leave_token
from marquee.waitlist.models import EntryStatus, WaitlistEntry
from tests import factories as f
from tests.waitlist.conftest import join

pytestmark = pytest.mark.django_db

FORM = {"first_name": "Taras", "last_name": "Koval", "email": "taras@example.com", "seats": "2"}


def test_the_showtime_page_offers_the_line_only_when_sold_out(sold_out):
    client = Client()
    page = client.get(f"/showtimes/{sold_out.show.pk}/").content.decode()
    assert f'action="/showtimes/{sold_out.show.pk}/waitlist/"' in page
    open_show = f.showtime(hall_obj=f.hall(rows=1, seats=2))
    page = client.get(f"/showtimes/{open_show.pk}/").content.decode()
    assert "/waitlist/" not in page
    # Asked anyway: seats are there, and the way to them.
    page = client.get(f"/showtimes/{open_show.pk}/waitlist/").content.decode()
    assert "Seats are available" in page and f'href="/showtimes/{open_show.pk}/"' in page
    assert client.post(f"/showtimes/{open_show.pk}/waitlist/", FORM).status_code == 200
    assert not WaitlistEntry.objects.exists()


def test_joining_on_the_site_answers_the_place_and_again_says_already(sold_out):
    client = Client()
    join(sold_out.show, "first@example.com")
    joined = client.post(f"/showtimes/{sold_out.show.pk}/waitlist/", FORM, HTTP_ACCEPT_LANGUAGE="uk")
    assert joined.status_code == 200
    assert "Ваше місце в черзі: 2." in joined.content.decode()
    entry = WaitlistEntry.objects.get(email="taras@example.com")
    assert (entry.seats, entry.language, entry.status) == (2, "uk", EntryStatus.WAITING)
    again = client.post(f"/showtimes/{sold_out.show.pk}/waitlist/", FORM).content.decode()
    assert "You are already on the waiting list" in again and "Your place in line: 2." in again


def test_the_form_shows_what_is_wrong(sold_out):
    page = Client().post(f"/showtimes/{sold_out.show.pk}/waitlist/", {**FORM, "email": "nope", "seats": "99"})
    assert page.status_code == 200
    assert page.context["form"].errors.keys() == {"email", "seats"}
    assert not WaitlistEntry.objects.exists()


def test_leaving_asks_first_then_leaves(sold_out):
    entry = join(sold_out.show, "first@example.com").entry
    client = Client()
    path = f"/waitlist/leave/{leave_token(entry)}/"
    assert "Leave the waiting list?" in client.get(path).content.decode()
    assert WaitlistEntry.objects.get(pk=entry.pk).status == EntryStatus.WAITING  # a GET changes nothing
    assert "You have left the waiting list" in client.post(path).content.decode()
    assert WaitlistEntry.objects.get(pk=entry.pk).status == EntryStatus.LEFT
    assert client.get(f"/waitlist/leave/{entry.pk}:forged/").status_code == 404


def test_the_api_joins_and_refuses_while_seats_are_free(sold_out):
    client = Client()
    url = f"/api/v1/showtimes/{sold_out.show.pk}/waitlist"
    body = {"first_name": "Taras", "last_name": "Koval", "email": "taras@example.com", "seats": 2}
    made = client.post(url, body, content_type="application/json")
    assert (made.status_code, made.json()) == (201, {"position": 1, "status": "waiting", "already": False})
    again = client.post(url, body, content_type="application/json")
    assert (again.status_code, again.json()["already"]) == (200, True)
    assert OutgoingMail.objects.filter(kind=MailKind.WAITLIST_JOINED).count() == 1

    open_show = f.showtime(hall_obj=f.hall(rows=1, seats=2))
    refused = client.post(f"/api/v1/showtimes/{open_show.pk}/waitlist", body, content_type="application/json")
    assert (refused.status_code, refused.json()["error"]) == (409, "invalid_state")
    missing = client.post("/api/v1/showtimes/999999/waitlist", body, content_type="application/json")
    assert (missing.status_code, missing.json()["error"]) == (404, "not_found")
    bad = client.post(url, json.dumps({**body, "seats": 0, "extra": 1}), content_type="application/json")
    assert (bad.status_code, bad.json()["error"]) == (422, "validation_error")
    too_many = client.post(url, {**body, "email": "x@example.com", "seats": 11}, content_type="application/json")
    assert too_many.status_code == 422 and "seats" in too_many.json()["fields"]


def test_staff_see_the_lines_and_one_line_in_order(sold_out, box_client):
    join(sold_out.show, "first@example.com", seats=2)
    join(sold_out.show, "second@example.com", seats=1)
    listing = box_client.get("/staff/waitlists/").content.decode()
    assert f'href="/staff/waitlists/{sold_out.show.pk}/"' in listing
    line = box_client.get(f"/staff/waitlists/{sold_out.show.pk}/").content.decode()
    assert line.index("first@example.com") < line.index("second@example.com")
    assert box_client.get("/staff/waitlists/999999/").status_code == 404
    assert Client().get("/staff/waitlists/").status_code == 302  # to the staff sign-in
