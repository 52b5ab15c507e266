"""The door in a real browser: a scanner types the code and presses Enter, nothing else."""

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from marquee.booking.checkin import ticket_code
from marquee.booking.models import BookingSeat

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


@pytest.fixture(scope="session", autouse=True)
def _static_root_before_the_live_server():
    # The live server starts before function fixtures; WhiteNoise warns (an error) without it.
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture
def door_page(live_server, settings):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run .ci/install-browser")
    from playwright.sync_api import sync_playwright

    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    get_user_model().objects.create_superuser("door", "door@example.com", "x" * 12)
    client = Client()
    client.login(username="door", password="x" * 12)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            context = browser.new_context(viewport={"width": 900, "height": 700})
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
            page = context.new_page()
            page.goto(f"{live_server.url}/staff/checkin/")
            yield page
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def test_a_scanner_checks_tickets_in_one_after_another(door_page, paid_booking):
    tickets = list(BookingSeat.objects.filter(booking=paid_booking()).select_related("seat"))
    page = door_page
    for ticket in tickets:
        # The field has the focus on every page: the scanner just types.
        page.keyboard.type(ticket_code(ticket.pk))
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        alert = page.get_by_role("alert")
        assert "Admit" in alert.inner_text()
        assert f"Row {ticket.seat.row_number}, seat {ticket.seat.seat_number}" in alert.inner_text()
    page.keyboard.type(ticket_code(tickets[0].pk))
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "Already checked in" in page.get_by_role("alert").inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "checkin-already.png"), full_page=True)
    page.keyboard.type("NOT-A-TICKET")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "Not valid" in page.get_by_role("alert").inner_text()
    assert BookingSeat.objects.filter(checked_in_at__isnull=False).count() == len(tickets)
