"""Staff login lockout with django-axes (issue 10, point 4).

Five failed logins for one username, or from one client address, lock it for 15 minutes
with a clear message on the login page; an admin unlocks in the admin or with
`manage.py axes_reset_username`. Logins go through the real login page: axes sees each
request, with the address from marquee.core.client.
"""

import io

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "the-right-password-42"
LOCKED = "Too many failed logins for this username or from this address"


@pytest.fixture
def boss():
    return get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)


def login(client: Client, username: str, password: str, path: str = "/admin/login/?next=/staff/"):
    return client.post(path, {"username": username, "password": password, "next": "/staff/"})


def logged_in(client: Client) -> bool:
    return client.get("/staff/").status_code == 200


def test_forty_wrong_passwords_then_the_right_one_is_refused(boss):
    client = Client(REMOTE_ADDR="203.0.113.10")
    answers = [login(client, "boss", f"guess-{i}").status_code for i in range(40)]
    assert answers[:4] == [200] * 4  # the login form again, with Django's "enter a correct password"
    assert set(answers[4:]) == {429}  # the fifth failure locks
    response = login(client, "boss", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page and "15 minutes" in page and 'id="login-form"' in page
    assert not logged_in(client)
    # From another address the username stays locked, too: the guesses were on this account.
    other = Client(REMOTE_ADDR="198.51.100.10")
    assert login(other, "boss", PASSWORD).status_code == 429
    assert not logged_in(other)


def test_failures_from_one_address_lock_it_for_every_username(boss):
    get_user_model().objects.create_user("clerk", "clerk@example.com", PASSWORD, is_staff=True)
    sprayer = Client(REMOTE_ADDR="203.0.113.11")
    for i in range(5):
        login(sprayer, f"user{i}", "password")
    assert login(sprayer, "clerk", PASSWORD).status_code == 429
    # A forged X-Forwarded-For is not a new address (no TRUSTED_PROXIES).
    forged = sprayer.post(
        "/admin/login/", {"username": "clerk", "password": PASSWORD}, headers={"X-Forwarded-For": "192.0.2.1"}
    )
    assert forged.status_code == 429
    # The same user from an address of their own logs in: it is the address that is locked.
    own = Client(REMOTE_ADDR="198.51.100.11")
    assert login(own, "clerk", PASSWORD).status_code == 302


def test_the_staff_login_page_shows_the_lockout(boss):
    client = Client(REMOTE_ADDR="203.0.113.12")
    assert client.get("/staff/")["Location"].startswith("/admin/login/")
    for i in range(5):
        login(client, "boss", f"nope-{i}")
    response = client.get("/admin/login/?next=/staff/")
    assert response.status_code == 200  # looking at the page is not an attempt
    response = login(client, "boss", PASSWORD)
    assert response.status_code == 429 and LOCKED in response.content.decode()


def test_axes_reset_username_unlocks(boss):
    client = Client(REMOTE_ADDR="203.0.113.13")
    for i in range(5):
        login(client, "boss", f"nope-{i}")
    assert login(client, "boss", PASSWORD).status_code == 429
    call_command("axes_reset_username", "boss", stdout=io.StringIO())
    # The address's own failures were recorded with the username: the reset clears both.
    assert login(client, "boss", PASSWORD).status_code == 302
    assert logged_in(client)


def test_an_admin_unlocks_in_the_admin(boss):
    get_user_model().objects.create_superuser("other", "other@example.com", PASSWORD)
    client = Client(REMOTE_ADDR="203.0.113.14")
    for i in range(5):
        login(client, "boss", f"nope-{i}")
    assert login(client, "boss", PASSWORD).status_code == 429

    admin = Client(REMOTE_ADDR="198.51.100.14")
    assert login(admin, "other", PASSWORD).status_code == 302
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "boss" in listing.content.decode()
    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    response = admin.post(
        "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert login(client, "boss", PASSWORD).status_code == 302


def test_the_admin_role_may_unlock():
    from django.contrib.auth.models import Group

    from marquee.staff.roles import ADMIN

    codenames = set(Group.objects.get(name=ADMIN).permissions.values_list("codename", flat=True))
    assert {"view_accessattempt", "delete_accessattempt"} <= codenames


def test_a_successful_login_forgets_earlier_failures(boss):
    client = Client(REMOTE_ADDR="203.0.113.15")
    for i in range(4):
        login(client, "boss", f"nope-{i}")
    assert login(client, "boss", PASSWORD).status_code == 302
    client.post("/admin/logout/")
    for i in range(4):
        login(client, "boss", f"again-{i}")
    assert login(client, "boss", PASSWORD).status_code == 302
