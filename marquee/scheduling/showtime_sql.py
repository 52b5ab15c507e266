"""One showtime of a listed movie with what every page shows of it (movie, hall, format,
language version), read by one statement written once per process.

The showtime page, its seat polls, the checkout and the API's showtime answers start from this
read; through the ORM, compiling `showtimes_all().filter(...)` cost the web process more CPU
than PostgreSQL spent answering it (a third of the showtime page's).
tests/scheduling/test_showtime_sql.py holds it equal, field for field, to the ORM's read.
"""

import functools

from django.db import connection

from marquee.catalog.models import Movie
from marquee.core.joined_read import Join, cache_related, join
from marquee.scheduling.models import Format, LanguageVersion, Showtime
from marquee.venues.models import Hall

# What every page shows of a showtime (scheduling.selectors.SHOWN_WITH), joined to the
# showtime aliased "s": booking/detail_sql.py joins the same to a booking's showtime.
SHOWN_JOINS = [
    (Movie, "m", "JOIN catalog_movie m ON m.id = s.movie_id"),
    (Hall, "h", "JOIN venues_hall h ON h.id = s.hall_id"),
    (Format, "f", "LEFT JOIN scheduling_format f ON f.id = s.format_id"),
    (LanguageVersion, "lv", "LEFT JOIN scheduling_languageversion lv ON lv.id = s.language_version_id"),
]
# The related objects select_related(*SHOWN_WITH) keeps on the showtime, by their aliases above.
SHOWN_RELATED = (("movie", "m"), ("hall", "h"), ("format", "f"), ("language_version", "lv"))
_JOINS = [(Showtime, "s", "scheduling_showtime s"), *SHOWN_JOINS]
_BIGINT_MAX = 2**63 - 1


@functools.cache
def _statement(vendor: str) -> tuple[str, Join]:
    """The statement and its parts, once per process (per database kind: the converters differ)."""
    joined = join(_JOINS)
    return f"{joined.select}\nWHERE s.id = %s AND m.is_listed", joined


def listed_showtime_read(showtime_id: int) -> Showtime | None:
    """The showtime (any status) if its movie is listed, joined as `showtimes_all()` joins it;
    None otherwise (an id no bigint holds among them, as the ORM answers it)."""
    if not 0 < showtime_id <= _BIGINT_MAX:
        return None
    sql, joined = _statement(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [showtime_id])
        row = cursor.fetchone()
    if row is None:
        return None
    showtime = joined.parts["s"].read(row)
    assert isinstance(showtime, Showtime)
    for name, alias in SHOWN_RELATED:
        cache_related(showtime, name, joined.parts[alias].read(row))
    return showtime
