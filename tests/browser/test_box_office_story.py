"""Issue 12's "done": in Debian's Chromium, a cashier sells two seats at the counter for cash,
prints the tickets and the receipt, moves the booking to other seats, refunds part of it, and
the audit page shows all three with the cashier's name, in English and then in Ukrainian
(switched with the staff bar's language switch)."""

import datetime as dt
import io
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.db import connections
from django.utils import translation
from pypdf import PdfReader

from marquee.audit.labels import ACTION_LABELS
from marquee.audit.models import AuditEntry
from marquee.booking.checkin import ticket_code
from marquee.booking.models import Booking, BookingStatus
from marquee.core.clock import local_today
from marquee.payments.models import Refund
from marquee.staff.roles import ADMIN, sync_roles
from tests import factories as f
from tests.browser.conftest import site_settings  # noqa: F401
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORY = ("booking.sell", "booking.move", "booking.refund")


@pytest.mark.usefixtures("site_settings")
def test_a_counter_sale_moved_and_refunded_in_part_is_on_the_audit_page_in_both_languages(live_server, browser):
    sync_roles(apps)  # a transactional test flushes the groups the migration made
    cashier = User.objects.create_user(username="halyna", password="halyna-pass-123", is_staff=True)
    cashier.groups.add(Group.objects.get(name=ADMIN))
    hall = f.hall(rows=8, seats=10, price="120.00")
    f.showtime(
        movie_obj=f.movie(title="Тіні забутих предків"),
        hall_obj=hall,
        starts_at=f.local_dt(local_today() + dt.timedelta(days=1), 18),
    )
    row3 = list(hall.seats.filter(row_number=3).order_by("seat_number"))
    row6 = list(hall.seats.filter(row_number=6).order_by("seat_number"))
    context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(f"{live_server.url}/admin/login/?next=/staff/sell/")
        page.fill("#id_username", "halyna")
        page.fill("#id_password", "halyna-pass-123")
        page.click("input[type=submit]")
        page.wait_for_url(re.compile(r"/staff/sell/$"))

        # The sale: the showtime, two seats, "Cash".
        page.get_by_role("link", name=re.compile("Тіні забутих предків")).click()
        page.locator(f"label:has(#seat-{row3[4].pk})").click()
        page.locator(f"label:has(#seat-{row3[5].pk})").click()
        page.get_by_role("button", name="Cash", exact=True).click()
        page.wait_for_url(re.compile(r"/staff/sell/sold/\w+/$"))
        booking = Booking.objects.get()
        assert booking.status == BookingStatus.PAID and booking.total_price == 240
        old_codes = [ticket_code(t.pk, t.code_version) for t in booking.seats.all()]

        # Printed: the 80 mm tickets, the A4 sheet and the receipt are PDFs naming the booking.
        for name in ("Print tickets (80 mm)", "Print tickets (A4)", "Print receipt"):
            pdf = page.request.get(live_server.url + page.get_by_role("link", name=name).get_attribute("href"))
            assert pdf.ok and pdf.headers["content-type"] == "application/pdf", name
            text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
            assert booking.reference in text, name
        page.screenshot(path=str(ARTIFACTS / "story-1-sold.png"))

        # The move: same showtime, row 6 instead of row 3 (the same price: nothing to settle).
        page.goto(f"{live_server.url}/staff/bookings/{booking.reference}/")
        page.get_by_role("link", name="Move…").click()
        page.get_by_role("link", name=re.compile("this showtime: other seats")).click()
        # The booking's own seats come ticked: untick them, tick the new ones.
        for seat in (row3[4], row3[5], row6[2]):
            page.locator(f"label:has(input[value='{seat.pk}'])").click()
        page.locator(f"label:has(input[value='{row6[3].pk}'])").click()
        page.get_by_role("button", name="Next: confirm").click()
        page.get_by_role("button", name="Move the booking").click()
        page.wait_for_url(re.compile(rf"/staff/bookings/{booking.reference}/$"))
        assert sorted(booking.seats.values_list("seat_id", flat=True)) == [row6[2].pk, row6[3].pk]
        assert not {ticket_code(t.pk, t.code_version) for t in booking.seats.all()} & set(old_codes)

        # A part refunded: 50.00 of 240.00, handed back in cash.
        refund = page.locator(f"form[action$='/bookings/{booking.reference}/refund/']")
        refund.locator("input[name=amount]").fill("50.00")
        refund.locator("input[name=reason]").fill("Late start")
        refund.locator("[type=submit]").click()
        page.locator(".messages").get_by_text(re.compile("Refund of")).wait_for()
        assert Refund.objects.get(payment__booking=booking).amount == 50
        assert Booking.objects.get(pk=booking.pk).status == BookingStatus.PAID

        recorded = AuditEntry.objects.filter(booking_id=booking.pk, action__in=STORY)
        assert sorted(recorded.values_list("action", "actor_name")) == sorted((a, "halyna") for a in STORY)

        # The audit page, searched by the booking: the three, each with the cashier's name.
        page.goto(f"{live_server.url}/staff/audit/")
        page.fill("#id_target", booking.reference)
        page.click("form.filters [type=submit]")
        page.wait_for_url("**/staff/audit/?*")
        for action in STORY:
            row = page.locator("tbody tr").filter(has_text=str(ACTION_LABELS[action]))
            assert row.count() == 1 and "halyna" in row.inner_text(), action
        page.screenshot(path=str(ARTIFACTS / "story-2-audit-en.png"), full_page=True)

        # In Ukrainian, through the staff bar's switch.
        page.get_by_role("button", name="Українська").click()
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == "uk"
        with translation.override("uk"):
            labels = {action: str(ACTION_LABELS[action]) for action in STORY}
        for action, label in labels.items():
            assert label != str(ACTION_LABELS[action]) or action == "booking.refund"
            row = page.locator("tbody tr").filter(has_text=label)
            assert row.count() == 1 and "halyna" in row.inner_text(), label
        page.screenshot(path=str(ARTIFACTS / "story-3-audit-uk.png"), full_page=True)
    finally:
        page.wait_for_load_state("networkidle")
        context.close()
        connections.close_all()
