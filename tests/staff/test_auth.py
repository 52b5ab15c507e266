"""Who may call the staff API: keys, roles, sessions."""

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from marquee.core.errors import ValidationFailed
from marquee.staff.models import ApiKey
from marquee.staff.permissions import CAPABILITIES, can, capabilities
from marquee.staff.roles import ADMIN, BOX_OFFICE
from marquee.staff.services import api_key_create, api_key_revoke, hash_key
from tests.staff.conftest import Api, staff_user

pytestmark = pytest.mark.django_db


def test_roles_are_made_by_the_migration():
    admin = Group.objects.get(name=ADMIN)
    marquee_perms = Permission.objects.filter(
        content_type__app_label__in=["catalog", "venues", "scheduling", "pricing", "booking", "staff", "marketing"]
    )
    assert set(marquee_perms) <= set(admin.permissions.all())
    box = set(Group.objects.get(name=BOX_OFFICE).permissions.values_list("codename", flat=True))
    assert {"view_booking", "change_booking", "change_bookingseat", "check_in", "view_customer"} <= box
    assert not box & {"add_movie", "change_showtime", "read_reports", "send_campaigns", "change_tariff"}


def test_can_per_role():
    admin, box, nobody = staff_user("a", ADMIN), staff_user("b", BOX_OFFICE), staff_user("c", None)
    assert capabilities(admin) == set(CAPABILITIES)
    assert capabilities(box) == {"box_office", "check_in", "read_customers"}
    assert capabilities(nobody) == set()
    box.is_active = False
    assert not can(box, "box_office")
    root = staff_user("root", None)
    root.is_superuser = True
    assert can(root, "send_campaigns")
    with pytest.raises(ValueError):
        can(admin, "fly")


def test_no_key_or_a_wrong_key_is_401(anonymous_api, admin_api):
    for api in (anonymous_api, Api(admin_api.client, "mq_0123456789ab_nope"), Api(admin_api.client, "garbage\x00")):
        response = api.get("/movies")
        assert response.status_code == 401
        assert response.json()["error"] == "authentication_required"
    response = admin_api.client.get("/api/v1/admin/movies", headers={"Authorization": "Basic Zm9vOmJhcg=="})
    assert response.status_code == 401


def test_revoked_key_and_inactive_user_are_401(admin_api):
    key = ApiKey.objects.get()
    api_key_revoke(api_key_id=key.pk)
    assert admin_api.get("/genres").status_code == 401
    other = staff_user("fay", ADMIN)
    api = Api(admin_api.client, api_key_create(username="fay").key)
    assert api.get("/genres").status_code == 200
    other.is_active = False
    other.save()
    assert api.get("/genres").status_code == 401


def test_command_prints_a_key_once_and_stores_its_hash(db):
    staff_user("gus", ADMIN)
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_key", "gus", "--name", "kiosk", stdout=out, stderr=err)
    key = out.getvalue().strip()
    stored = ApiKey.objects.get()
    assert key.startswith(f"mq_{stored.prefix}_")
    assert stored.key_hash == hash_key(key) and key not in stored.key_hash
    assert stored.name == "kiosk"
    assert "not shown again" in err.getvalue()


def test_command_for_an_unknown_user_fails(db):
    with pytest.raises(CommandError):
        call_command("create_api_key", "nobody", stdout=io.StringIO())


@pytest.mark.parametrize("who", [{"is_staff": False}, {"is_staff": True, "is_active": False}])
def test_keys_are_only_for_active_staff_users(db, who):
    user = User.objects.create_user("kim", password="pw-unused-0123", **who)
    user.groups.add(Group.objects.get(name=ADMIN))  # a role is not staff status
    with pytest.raises(ValidationFailed) as refused:
        api_key_create(username="kim")
    assert "not an active staff user" in refused.value.detail
    assert refused.value.fields == {"username": ["Must be an active user with staff status."]}
    out = io.StringIO()
    with pytest.raises(CommandError, match="'kim' is not an active staff user; API keys are for staff only"):
        call_command("create_api_key", "kim", stdout=out, stderr=io.StringIO())
    assert out.getvalue() == ""
    assert not ApiKey.objects.exists()


def test_a_key_of_a_user_who_lost_staff_status_is_401_as_a_session_is(admin_api):
    user = User.objects.get(username="ada")
    browser = Client()
    browser.force_login(user)
    assert admin_api.get("/genres").status_code == browser.get("/api/v1/admin/genres").status_code == 200
    last_used = ApiKey.objects.get().last_used_at
    user.is_staff = False
    user.save()
    for response in (
        admin_api.get("/genres"),
        admin_api.post("/genres", {"name": "Noir"}),
        browser.get("/api/v1/admin/genres"),
    ):
        assert response.status_code == 401
        assert response.json()["error"] == "authentication_required"
    assert ApiKey.objects.get().last_used_at == last_used  # a refused key is not "used"
    user.is_staff = True
    user.save()
    assert admin_api.get("/genres").status_code == 200  # the key itself was never revoked


def test_last_used_is_written_at_most_once_a_minute(admin_api, django_assert_num_queries):
    start = dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        admin_api.get("/genres")
    assert ApiKey.objects.get().last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        admin_api.get("/genres")
    assert ApiKey.objects.get().last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        admin_api.get("/genres")
    assert ApiKey.objects.get().last_used_at == start + dt.timedelta(seconds=61)


def test_revoke_in_the_admin(admin_client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    staff_user("hal", BOX_OFFICE)
    key = api_key_create(username="hal").api_key
    response = admin_client.post(
        "/admin/staff/apikey/", {"action": "revoke", "_selected_action": [key.pk]}, follow=True
    )
    assert response.status_code == 200
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_a_staff_session_works_with_csrf_on_writes(db):
    user = staff_user("ivy", ADMIN)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.get("/api/v1/admin/genres").status_code == 200
    response = browser.post("/api/v1/admin/genres", {"name": "Noir"}, content_type="application/json")
    assert response.status_code == 401  # no CSRF token: the session is no authority for a write
    token = "abcdefghijklmnopqrstuvwxyzABCDEF"  # a CSRF secret, as the cookie carries it
    browser.cookies["csrftoken"] = token
    response = browser.post(
        "/api/v1/admin/genres", {"name": "Noir"}, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201


def test_customers_session_is_not_staff(db):
    user = User.objects.create_user("cust", password="x-unused-123")
    browser = Client()
    browser.force_login(user)
    assert browser.get("/api/v1/admin/genres").status_code == 401
