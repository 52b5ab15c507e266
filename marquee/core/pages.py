"""A page of a longer list, with how many there are in all: what the staff API's paged answers
(`{"count": …, "results": […]}`) are made of."""

from dataclasses import dataclass

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class Page[T]:
    count: int  # in the whole list, not on this page
    results: list[T]


def page_of[M: Model](rows: QuerySet[M], *, limit: int, offset: int) -> Page[M]:
    """The rows from `offset`, at most `limit` of them, and how many `rows` has: two queries.
    `rows` must be ordered, or the pages may overlap."""
    return Page(count=rows.count(), results=list(rows[offset : offset + limit]))
