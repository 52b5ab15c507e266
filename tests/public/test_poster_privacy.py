"""An unlisted movie stays private: its generated poster answers 404 like its page and the API."""

import pytest
from django.urls import reverse

from marquee.catalog.services import movie_update
from tests import factories

pytestmark = pytest.mark.django_db


def test_unlisted_movie_poster_is_not_found(client):
    secret = factories.movie(title="Secret Premiere", is_listed=False)
    assert client.get(reverse("public:movie", args=[secret.pk])).status_code == 404
    assert client.get(f"/api/v1/movies/{secret.pk}").status_code == 404
    response = client.get(reverse("public:poster", args=[secret.pk]))
    assert response.status_code == 404
    assert b"Secret Premiere" not in response.content and b"SECRET PREMIERE" not in response.content.upper()


def test_poster_appears_once_the_movie_is_listed(client):
    film = factories.movie(title="Soon Listed", is_listed=False)
    movie_update(movie_id=film.pk, is_listed=True)
    response = client.get(reverse("public:poster", args=[film.pk]))
    assert response.status_code == 200
    assert b"SOON" in response.content.upper()
