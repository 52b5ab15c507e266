"""The customer's data page and the erasure pages in Debian's Chromium, with screenshots
(test-artifacts/browser/privacy-*.png): desktop and phone, English and Ukrainian."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.db import connections

from marquee.booking.models import Customer
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.staff.roles import ADMIN, sync_roles
from tests.privacy.conftest import EMAIL, FIRST

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def contexts(browser):
    opened = []

    def open_context(**kw):
        context = browser.new_context(**kw)
        opened.append(context)
        return context.new_page()

    yield open_context
    for context in opened:
        context.close()
    connections.close_all()


def _sign_in(tab, base: str, settings) -> None:
    before = OutgoingMail.objects.filter(kind=MailKind.SIGN_IN).count()
    tab.goto(f"{base}/my-bookings/")
    tab.fill("input[name=email]", EMAIL)
    tab.click("main button[type=submit]")
    tab.locator("main h1").nth(0).wait_for()
    tab.wait_for_url(f"{base}/my-bookings/")
    tab.locator(f"text={EMAIL}").wait_for()
    assert OutgoingMail.objects.filter(kind=MailKind.SIGN_IN).count() == before + 1
    url = OutgoingMail.objects.filter(kind=MailKind.SIGN_IN).latest("pk").context["url"]
    tab.goto(url.replace(settings.SITE_URL, base))
    tab.click("main form [type=submit]")  # the link asks first (mail scanners open links), then signs in
    tab.wait_for_url(f"{base}/my-bookings/")


def test_customer_sees_downloads_and_withdraws(live_server, contexts, world, settings, shoot):
    tab = contexts(viewport={"width": 1280, "height": 900})
    _sign_in(tab, live_server.url, settings)
    tab.click("a[href='/my-bookings/my-data/']")
    tab.get_by_role("heading", name="Your data").wait_for()
    shoot(tab, "privacy-my-data-desktop-en")
    with tab.expect_download() as download:
        tab.click("text=Download as JSON")
    assert download.value.suggested_filename.startswith("my-data-")
    tab.click("text=Stop recommendation email")
    tab.get_by_text("no more recommendation email").wait_for()
    assert Customer.objects.get(pk=world.customer.pk).marketing_consent is False

    phone = contexts(viewport={"width": 390, "height": 844}, is_mobile=True, locale="uk-UA")
    _sign_in(phone, live_server.url, settings)
    phone.goto(f"{live_server.url}/my-bookings/my-data/")
    phone.get_by_role("heading", name="Ваші дані").wait_for()
    # Nothing wider than the screen but the tables, which scroll in their own box.
    overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    shoot(phone, "privacy-my-data-phone-uk")


def test_admin_erases_from_the_customer_page(live_server, contexts, world, shoot):
    sync_roles(apps)  # a transactional test flushes the groups the migration made
    user = User.objects.create_user(username="admin", password="admin-pass-123", is_staff=True)
    user.groups.add(Group.objects.get(name=ADMIN))
    tab = contexts(viewport={"width": 1280, "height": 900})
    tab.goto(f"{live_server.url}/admin/login/?next=/staff/customers/{world.customer.pk}/")
    tab.fill("#id_username", "admin")
    tab.fill("#id_password", "admin-pass-123")
    tab.click("input[type=submit]")
    tab.click("text=Erase…")
    tab.get_by_role("heading", name="Erase this customer?").wait_for()
    tab.fill("#id_reason", "Asked by email on 6 December")
    shoot(tab, "privacy-erase-confirm")
    tab.click("text=Yes, erase this customer")
    tab.get_by_text("Erased on").wait_for()
    shoot(tab, "privacy-erased-customer")
    assert FIRST not in tab.inner_text("main")
    assert Customer.objects.get(pk=world.customer.pk).erased_at is not None
