"""The API docs work offline and can be closed (issue 10, point 7)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

DOCS = "/api/v1/docs"


def test_docs_page_loads_only_local_assets(client, settings):
    settings.API_DOCS_PUBLIC = True
    response = client.get(DOCS)
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(u.endswith("api/swagger-ui/swagger-ui-bundle.js") for u in urls)
    assert any(u.endswith("api/swagger-ui/swagger-ui.css") for u in urls)
    assert all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    assert "cdn" not in html.lower()
    # The initializer is a static file, the settings are data.
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert " src=" in tag or 'type="application/json"' in tag, tag
    script_src = response["Content-Security-Policy"].split("script-src ")[1].split(";")[0]
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    for asset in ("api/swagger-ui/swagger-ui-bundle.js", "api/swagger-ui/swagger-ui.css", "api/swagger-ui-init.js"):
        assert finders.find(asset), asset  # shipped with the project's static files


def test_closed_docs_are_for_staff(client, settings):
    settings.API_DOCS_PUBLIC = False
    anonymous = client.get(DOCS)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    # The OpenAPI document is the contract: it stays public for the programs that build on it.
    assert client.get("/api/v1/openapi.json").status_code == 200

    customer = get_user_model().objects.create_user("someone", password="pw-someone-123")
    client.force_login(customer)
    assert client.get(DOCS).status_code == 302

    staff = get_user_model().objects.create_user("clerk", password="pw-clerk-123", is_staff=True)
    client.force_login(staff)
    assert client.get(DOCS).status_code == 200


def test_docs_default_follows_debug():
    import os
    import subprocess
    import sys

    def read(debug: str) -> str:
        env = {**os.environ, "DEBUG": debug, "DJANGO_SETTINGS_MODULE": "marquee.settings"}
        env.pop("API_DOCS_PUBLIC", None)
        code = "from django.conf import settings; print(settings.API_DOCS_PUBLIC)"
        return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout

    assert read("true").strip() == "True"
    assert read("false").strip() == "False"
