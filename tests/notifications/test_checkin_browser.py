"""The door in a real browser: a scanner types the code and presses Enter, nothing else."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from marquee.booking.checkin import ticket_code
from marquee.booking.models import BookingSeat

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
    tickets = list(BookingSeat.objects.filter(booking=paid_booking()).select_related("seat"))
    page = door_page
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
