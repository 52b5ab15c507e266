"""On PostgreSQL a statement is planned once per connection, not once per request: planning
the ORM's joins cost more of the database's CPU than running them (issue 15)."""

import pytest
from django.db import connection

from marquee.catalog.models import Movie

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"),
]


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_statement_run_again_and_again_is_prepared_on_the_server():
    for pk in range(1, 8):
        list(Movie.objects.filter(pk=pk, is_listed=True))
    movie_lookups = [s for s in _prepared() if 'FROM "catalog_movie"' in s and '"is_listed"' in s]
    assert len(movie_lookups) == 1, _prepared()
    assert "$1" in movie_lookups[0]  # the values travel apart: one statement serves every movie
