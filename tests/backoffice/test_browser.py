"""The staff pages' htmx parts in Debian's Chromium: the planner shows a clash as the
form changes, before anything is saved; the layout builder redraws its preview."""

import datetime as dt

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.db import connections

from marquee.core.clock import local_today
from marquee.scheduling.models import Showtime
from marquee.staff.roles import ADMIN, sync_roles
from tests import factories as f

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
    # Let a last htmx request finish, so no server thread holds a connection while the
    # test database is dropped.
    tab.wait_for_load_state("networkidle")
    context.close()
    # ORM calls made while Playwright's loop runs get their own connection (asgiref keys
    # connections by context); close it here, in that same context.
    connections.close_all()


def test_planner_shows_the_clash_before_saving(page):
    hall = f.hall()
    film = f.movie(title="Stalker", duration_min=100)
    day = local_today() + dt.timedelta(days=2)
    f.showtime(movie_obj=f.movie(title="Mirror"), hall_obj=hall, starts_at=f.local_dt(day, 20))

    page.goto(f"{page.base}/staff/schedule/?hall={hall.pk}&week={day.isoformat()}")
    page.select_option("#id_movie", str(film.pk))
    page.fill("#id_date", day.isoformat())
    page.fill("#id_time", "19:00")
    page.locator("#conflicts").get_by_text("is busy").wait_for()
    assert "Mirror" in page.inner_text("#conflicts")

    page.fill("#id_time", "10:00")
    page.locator("#conflicts").get_by_text("No clashes").wait_for()
    assert Showtime.objects.count() == 1

    page.click("button:has-text('Schedule')")
    page.locator(".messages").get_by_text("Scheduled Stalker").wait_for()
    assert Showtime.objects.count() == 2


def test_layout_preview_follows_the_rows(page):
    hall = f.hall(rows=2, seats=4)
    page.goto(f"{page.base}/staff/halls/{hall.pk}/")
    page.fill("#id_rows-2-row", "3")
    page.fill("#id_rows-2-seats", "6")
    page.select_option("#id_rows-2-type", "vip")
    page.fill("#id_rows-2-base_price", "200")
    page.locator("#preview").get_by_text("14 seats in 3 rows").wait_for()
    assert page.locator("#preview .seat-row .seat-vip").count() == 6
