"""Reading promo codes: the staff list and a batch's codes (for its CSV)."""

import csv
import io
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from marquee.catalog.models import Movie
from marquee.core.pages import Page, page_of
from marquee.promotions.models import PromoBatch, PromoCode
from marquee.scheduling.models import Format, Showtime

CSV_COLUMNS = ("code", "kind", "value", "valid_from", "valid_until", "max_uses", "is_active")


def promo_codes(*, search: str = "", include_batches: bool = False) -> QuerySet[PromoCode]:
    """Codes by text, with their movies, formats and showtimes (four queries). Codes of
    batches are left out unless asked for: a batch of 5,000 would bury the promotions."""
    found = PromoCode.objects.all()
    if not include_batches:
        found = found.filter(batch__isnull=True)
    if search:
        found = found.filter(code__icontains=search.strip())
    return found.order_by("code").prefetch_related(
        Prefetch("movies", Movie.objects.order_by("pk")),
        Prefetch("formats", Format.objects.order_by("pk")),
        Prefetch("showtimes", Showtime.objects.order_by("pk")),
    )


def promo_code_detail(promo_code_id: int) -> PromoCode | None:
    if isinstance(promo_code_id, bool) or not 0 < promo_code_id < 2**63:
        return None
    return promo_codes(include_batches=True).filter(pk=promo_code_id).first()


def promo_batches() -> QuerySet[PromoBatch]:
    return PromoBatch.objects.select_related("created_by").order_by("-created_at", "-pk")


def promo_batch(batch_id: int) -> PromoBatch | None:
    if isinstance(batch_id, bool) or not 0 < batch_id < 2**63:
        return None
    return PromoBatch.objects.filter(pk=batch_id).first()


def batch_codes(batch: PromoBatch) -> QuerySet[PromoCode]:
    return PromoCode.objects.filter(batch=batch).order_by("code")


def codes_csv(codes: Iterable[PromoCode]) -> str:
    """Keys for spreadsheets and mail merges (ISO dates, "20.00"), the same in every language."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for c in codes:
        writer.writerow(
            [
                c.code,
                c.kind,
                f"{c.value:.2f}",
                c.valid_from.isoformat() if c.valid_from else "",
                c.valid_until.isoformat() if c.valid_until else "",
                c.max_uses if c.max_uses is not None else "",
                "yes" if c.is_active else "no",
            ]
        )
    return out.getvalue()


# --- reads of the API (issue 14) --------------------------------------------------------------


def promo_codes_page(*, search: str = "", include_batches: bool = False, limit: int, offset: int) -> Page[PromoCode]:
    """A page of `promo_codes` and how many there are in all: five queries."""
    found = promo_codes(search=search, include_batches=include_batches)
    return page_of(found, limit=limit, offset=offset)
