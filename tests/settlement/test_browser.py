"""In Chromium: staff give a movie its distributor's terms, read the film week's settlement and
email it to the distributor (one browser test for the part; the page sweep runs axe on the pages)."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.db import connections

from marquee.notifications.models import MailKind, OutgoingMail
from marquee.staff.roles import ADMIN, sync_roles
from tests import factories as f
from tests.settlement.conftest import THURSDAY, distributor, sell, show_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(live_server, browser):
    sync_roles(apps)  # a transactional test flushes the groups the migration made
    user = User.objects.create_user(username="admin", password="admin-pass-123", is_staff=True)
    user.groups.add(Group.objects.get(name=ADMIN))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(f"{live_server.url}/admin/login/?next=/staff/")
    tab.fill("#id_username", "admin")
    tab.fill("#id_password", "admin-pass-123")
    tab.click("input[type=submit]")
    tab.wait_for_url(f"{live_server.url}/staff/")
    tab.base = live_server.url
    yield tab
    tab.wait_for_load_state("networkidle")
    context.close()
    connections.close_all()


def test_terms_then_the_settlement_then_the_email(page, shoot):
    kino = distributor()
    film = f.movie(title="The Tribe", distributor_id=kino.pk)
    sell(show_at(film, THURSDAY, 19, price="123.45"), 3)

    page.goto(f"{page.base}/staff/distributors/{kino.pk}/")
    terms = page.locator(f"#movie-{film.pk}")
    terms.locator("input[name=from_week]").first.fill("1")
    terms.locator("input[name=percentage]").first.fill("55")
    terms.get_by_role("button", name="Save the terms").click()
    page.locator(".messages").get_by_text("Saved the rental terms").wait_for()

    page.goto(f"{page.base}/staff/settlement/?week={THURSDAY.isoformat()}")
    row = page.get_by_role("row", name="The Tribe")
    assert "UAH 169.74" in row.inner_text().replace("\xa0", " ")  # 370.35 gross, 308.62 net, 55 %
    page.get_by_role("button", name="Email to the distributor").click()
    page.locator(".messages").get_by_text("statements@kinomania.example").wait_for()
    shoot(page, "settlement-emailed")
    assert OutgoingMail.objects.filter(kind=MailKind.SETTLEMENT, to_email="statements@kinomania.example").count() == 1
