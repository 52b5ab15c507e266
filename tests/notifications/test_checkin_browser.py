"""The door in a real browser: a scanner types the code and presses Enter, nothing else; two doors
see each other's scans. The camera: tests/browser/test_checkin_camera.py."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect

from marquee.booking.checkin import ticket_code
from marquee.booking.models import BookingSeat
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def door_page(live_server, settings, browser):
    """A staff member's browser, signed in; open_door(showtime) opens that showtime's door."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    door = get_user_model().objects.create_superuser("door", "door@example.com", "x" * 12)
    client = Client()
    client.force_login(door)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(viewport={"width": 900, "height": 700})
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/staff/checkin/")
    yield page
    context.close()


def _scan(page, code: str):
    """A handheld scanner: it types the code into the focused field and presses Enter; the
    answer replaces the screen without leaving the page."""
    page.keyboard.type(code)
    with page.expect_response(lambda r: r.url.endswith("/scan/")):
        page.keyboard.press("Enter")
    return page.get_by_role("alert")


def test_a_scanner_checks_tickets_in_one_after_another(door_page, paid_booking, shoot):
    booking = paid_booking()
    tickets = list(BookingSeat.objects.filter(booking=booking).select_related("seat"))
    page = door_page
    # The show's door is open (from an hour before its start).
    with time_machine.travel(booking.showtime.starts_at - dt.timedelta(minutes=10), tick=True):
        page.reload()  # today's showtimes, now that it is that day
        with page.expect_navigation():
            page.get_by_role("link", name=re.compile(booking.showtime.movie.title)).click()
        for n, ticket in enumerate(tickets, 1):
            # The field keeps the focus, whatever the screen shows: the scanner just types.
            # htmx swaps the answer in after the response arrives: wait for it, not for the old screen.
            alert = _scan(page, ticket_code(ticket.pk))
            expect(alert).to_contain_text(f"Row {ticket.seat.row_number}, seat {ticket.seat.seat_number}")
            expect(alert).to_contain_text("Admitted")
            expect(page.locator("#door-count")).to_have_text(f"{n} / 2 admitted")
        expect(_scan(page, ticket_code(tickets[0].pk))).to_contain_text("Already admitted at")
        shoot(page, "checkin-already")
        expect(_scan(page, "NOT-A-TICKET")).to_contain_text("Not valid")
        assert page.evaluate("document.activeElement.id") == "id_code"
        assert BookingSeat.objects.filter(checked_in_at__isnull=False).count() == len(tickets)


def test_the_door_of_one_showtime_refuses_another_and_admits_it_anyway_on_a_second_press(
    door_page, paid_booking, shoot
):
    tonight = paid_booking()
    later = paid_booking(
        show=f.showtime(starts_at=tonight.showtime.starts_at + dt.timedelta(hours=4)), email="l@example.com"
    )
    other = BookingSeat.objects.filter(booking=later).select_related("seat").first()
    page = door_page
    with time_machine.travel(tonight.showtime.starts_at - dt.timedelta(minutes=10), tick=True):
        page.reload()
        with page.expect_navigation():
            page.get_by_role("link", name=re.compile(tonight.showtime.movie.title)).first.click()
        assert page.locator("#door-count").inner_text() == "0 / 2 admitted"
        alert = _scan(page, ticket_code(other.pk))
        expect(alert).to_contain_text("Wrong showtime")
        expect(alert).to_contain_text(later.showtime.movie.title)
        shoot(page, "checkin-wrong-showtime")
        assert BookingSeat.objects.get(pk=other.pk).checked_in_at is None
        with page.expect_response(lambda r: r.url.endswith("/scan/")):
            page.get_by_role("button", name="Admit anyway").click()
        expect(page.get_by_role("alert")).to_contain_text("Admitted anyway")
    other.refresh_from_db()
    assert other.checked_in_override and other.checked_in_by.username == "door"


def test_a_second_door_sees_the_first_doors_scans(door_page, browser, live_server, paid_booking):
    """Two doors of one showtime: the count each shows follows the other's scans (polling)."""
    booking = paid_booking()
    ticket = BookingSeat.objects.filter(booking=booking).first()
    first = door_page
    second = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    second.add_cookies(first.context.cookies())
    other = second.new_page()
    with time_machine.travel(booking.showtime.starts_at - dt.timedelta(minutes=10), tick=True):
        first.goto(f"{live_server.url}/staff/checkin/{booking.showtime_id}/")
        other.goto(f"{live_server.url}/staff/checkin/{booking.showtime_id}/")
        assert other.locator("#door-count").inner_text() == "0 / 2 admitted"
        _scan(first, ticket_code(ticket.pk))
        expect(other.locator("#door-count")).to_have_text("1 / 2 admitted", timeout=10_000)
    second.close()


def test_a_scanner_faster_than_the_server_loses_no_ticket(door_page, paid_booking, live_server):
    booking = paid_booking()
    tickets = list(BookingSeat.objects.filter(booking=booking))
    page = door_page
    with time_machine.travel(booking.showtime.starts_at - dt.timedelta(minutes=10), tick=True):
        page.goto(f"{live_server.url}/staff/checkin/{booking.showtime_id}/")
        for ticket in tickets:  # no waiting for an answer between the two
            page.keyboard.type(ticket_code(ticket.pk))
            page.keyboard.press("Enter")
        expect(page.locator("#door-count")).to_have_text("2 / 2 admitted")
        expect(page.get_by_role("alert")).to_contain_text("Admitted")
    assert BookingSeat.objects.filter(booking=booking, checked_in_at__isnull=False).count() == 2
