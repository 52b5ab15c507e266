"""The door in a real browser: a scanner types the code and presses Enter, nothing else."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from marquee.booking.checkin import ticket_code
from marquee.booking.models import BookingSeat
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def door_page(live_server, settings, browser):
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


def test_a_scanner_checks_tickets_in_one_after_another(door_page, paid_booking, shoot):
    booking = paid_booking()
    tickets = list(BookingSeat.objects.filter(booking=booking).select_related("seat"))
    page = door_page
    # The show's door is open (from an hour before its start).
    with time_machine.travel(booking.showtime.starts_at - dt.timedelta(minutes=10), tick=True):
        for ticket in tickets:
            # The field has the focus on every page: the scanner just types.
            page.keyboard.type(ticket_code(ticket.pk))
            with page.expect_navigation():
                page.keyboard.press("Enter")
            alert = page.get_by_role("alert")
            assert "Admit" in alert.inner_text()
            assert f"Row {ticket.seat.row_number}, seat {ticket.seat.seat_number}" in alert.inner_text()
        page.keyboard.type(ticket_code(tickets[0].pk))
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "Already checked in" in page.get_by_role("alert").inner_text()
        shoot(page, "checkin-already")
        page.keyboard.type("NOT-A-TICKET")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "Not valid" in page.get_by_role("alert").inner_text()
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
        page.reload()  # the list of today's showtimes, now that it is that day
        with page.expect_navigation():
            page.get_by_role("link", name=tonight.showtime.movie.title).first.click()
        assert "admitted 0 of 2 expected" in page.locator("[data-door]").inner_text()
        page.keyboard.type(ticket_code(other.pk))
        with page.expect_navigation():
            page.keyboard.press("Enter")
        alert = page.get_by_role("alert")
        assert "Wrong showtime" in alert.inner_text() and later.showtime.movie.title in alert.inner_text()
        shoot(page, "checkin-wrong-showtime")
        assert BookingSeat.objects.get(pk=other.pk).checked_in_at is None
        with page.expect_navigation():
            page.get_by_role("button", name="Admit anyway").click()
        assert "Admitted for another showtime" in page.get_by_role("alert").inner_text()
    other.refresh_from_db()
    assert other.checked_in_override and other.checked_in_by.username == "door"
