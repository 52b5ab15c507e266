"""One row by a unique lookup, or NotFound: the block every service and selector wrote out.

`rows` is a model class or a QuerySet, so the caller keeps its select_for_update(),
select_related() and annotations; the lookup must name at most one row (a pk, a unique
field), as `.get()` requires. The message is the caller's, translated (or marked with
gettext_noop) as the caller wants it shown.
"""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet

from marquee.core.errors import NotFound


def row_or_not_found[M: Model](
    rows: type[M] | QuerySet[M],
    message: str,
    *,
    fields: dict[str, list[str]] | None = None,
    **lookup: Any,
) -> M:
    """The one row of `rows` matching `lookup`; NotFound(message, fields=fields) if there is none."""
    queryset: QuerySet[M] = rows if isinstance(rows, QuerySet) else rows._default_manager.all()
    try:
        return queryset.get(**lookup)
    except ObjectDoesNotExist:  # .get() raises only its own model's DoesNotExist
        raise NotFound(message, fields=fields) from None
