"""Numbers read from a back-office address: the one place that turns `?page=` and ids
into integers, bounded so that no value a visitor types reaches the database as an
offset or id it would refuse (a 500): a page past the last one is an empty page."""

from django.http import HttpRequest

MAX_ID = 2**63 - 1  # a database id: a 64-bit integer
# 50 rows a page: a million pages is more than any cinema's customers, and the offset
# stays far inside a 64-bit integer.
MAX_PAGE = 1_000_000


def int_or_none(raw: str | None, *, maximum: int = MAX_ID) -> int | None:
    """A positive whole number written in ASCII digits, at most `maximum`; else None."""
    if not raw or not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(maximum)):
        return None
    value = int(raw)
    return value if 1 <= value <= maximum else None


def page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "")
    if raw.isascii() and raw.isdigit() and raw.strip("0"):
        return int_or_none(raw, maximum=MAX_PAGE) or MAX_PAGE
    return 1
