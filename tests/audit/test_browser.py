"""The audit in Debian's Chromium: a refund made on a booking's page shows on the audit page
and on the booking's trail with the staff member's name, in English and in Ukrainian."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.db import connections

from marquee.payments.services import payment_record_box_office
from marquee.staff.roles import ADMIN, sync_roles
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(live_server, browser):
    sync_roles(apps)  # a transactional test flushes the groups the migration made
    user = User.objects.create_user(username="oksana", password="oksana-pass-123", is_staff=True)
    user.groups.add(Group.objects.get(name=ADMIN))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(f"{live_server.url}/admin/login/?next=/staff/")
    tab.fill("#id_username", "oksana")
    tab.fill("#id_password", "oksana-pass-123")
    tab.click("input[type=submit]")
    tab.wait_for_url(f"{live_server.url}/staff/")
    tab.base = live_server.url
    tab.ctx = context
    yield tab
    tab.wait_for_load_state("networkidle")
    context.close()
    connections.close_all()


def test_a_refund_shows_on_the_audit_page_with_who_did_it(page):
    show = f.showtime(hall_obj=f.hall(rows=1, seats=4))
    booking = f.hold(show).booking
    payment_record_box_office(reference=booking.reference)

    page.goto(f"{page.base}/staff/bookings/{booking.reference}/")
    refund = page.locator(f"form[action$='/bookings/{booking.reference}/refund/']")
    refund.locator("input[name=amount]").fill("25.00")
    refund.locator("input[name=reason]").fill("Sound was off")
    refund.locator("[type=submit]").click()
    page.locator(".messages").get_by_text("Refund of UAH\xa025.00").wait_for()
    trail = page.locator("section[aria-labelledby=audit-trail-title]")
    assert "oksana" in trail.inner_text() and "Sound was off" in trail.inner_text()

    page.goto(f"{page.base}/staff/audit/")
    page.fill("#id_target", booking.reference)
    page.select_option("#id_actor", "oksana")
    page.click("form.filters [type=submit]")
    page.wait_for_url("**/staff/audit/?*")
    row = page.locator("tbody tr").filter(has_text="Refund")
    assert row.count() == 1
    text = " ".join(row.inner_text().split())  # "to" is for screen readers, beside the arrow
    assert "oksana" in text and "refunded: UAH 0.00 → to UAH 25.00" in text

    page.ctx.add_cookies([{"name": "django_language", "value": "uk", "url": page.base}])
    page.reload()
    assert "Журнал дій" in page.inner_text("h1")
    assert "oksana" in page.locator("tbody tr").filter(has_text="Повернення коштів").inner_text()
