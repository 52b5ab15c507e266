"""Even answers made before our handlers run (unknown paths, wrong methods) keep the error shape."""

import pytest


@pytest.mark.django_db
def test_unknown_api_path_answers_json_not_found(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "No such endpoint."}


@pytest.mark.django_db
def test_wrong_method_answers_json_with_allow(client):
    response = client.delete("/api/v1/genres")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
    assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_site_pages_keep_their_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
