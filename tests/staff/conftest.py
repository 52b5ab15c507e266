import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from marquee.staff.roles import ADMIN, BOX_OFFICE
from marquee.staff.services import api_key_create


@pytest.fixture(autouse=True)
def _static_root(settings):
    # WhiteNoise warns (an error here) when STATIC_ROOT is missing; tests never collect static,
    # so pages (error pages included) use plain static names instead of the manifest's.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


class Api:
    """The staff API as a client with a key sees it."""

    def __init__(self, client, key: str | None):
        self.client = client
        self.key = key

    def _headers(self):
        return {"Authorization": f"Bearer {self.key}"} if self.key else {}

    def get(self, path, **params):
        return self.client.get(f"/api/v1/admin{path}", params, headers=self._headers())

    def _send(self, method, path, body):
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return getattr(self.client, method)(
            f"/api/v1/admin{path}", data=data, content_type="application/json", headers=self._headers()
        )

    def post(self, path, body=None):
        return self._send("post", path, {} if body is None else body)

    def patch(self, path, body):
        return self._send("patch", path, body)

    def put(self, path, body):
        return self._send("put", path, body)

    def delete(self, path):
        return self.client.delete(f"/api/v1/admin{path}", headers=self._headers())


def staff_user(username: str, group: str | None) -> User:
    user = User.objects.create_user(username, password="pw-unused-0123", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def admin_api(db, client):
    staff_user("ada", ADMIN)
    return Api(client, api_key_create(username="ada").key)


@pytest.fixture
def box_office_api(db, client):
    staff_user("bob", BOX_OFFICE)
    return Api(client, api_key_create(username="bob").key)


@pytest.fixture
def anonymous_api(db, client):
    return Api(client, None)
