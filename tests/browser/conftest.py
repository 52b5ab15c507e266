import pytest

# Stripe against localstripe, for the payment pages (a session-wide process, started when asked for).
from tests.stripe_server import localstripe, stripe_settings  # noqa: F401


@pytest.fixture
def site_settings(settings):
    """The live server over plain http on 127.0.0.1, static files from the apps' folders."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.LANGUAGE_CODE = "en"
    return settings


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="en-GB"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


STAFF_PASSWORD = "a-long-staff-password"


@pytest.fixture
def staff_admin(db):
    """An Admin to log in as. The roles are made again: a transactional test before this
    one may have flushed the groups the migrations made."""
    from django.apps import apps
    from django.contrib.auth.models import Group, User

    from marquee.staff.roles import ADMIN, sync_roles

    sync_roles(apps)
    user = User.objects.create_user(username="admin", password=STAFF_PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=ADMIN))
    return user
