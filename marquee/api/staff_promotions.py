"""The staff API's promo codes (under /api/v1/admin/): codes, and batches of single-use codes
with their CSV. Handlers parse, call one service or selector, and shape the answer."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status

from marquee.api.auth import StaffAuth, staff_actor
from marquee.api.schemas.common import Id, page_out, staff_errors
from marquee.api.schemas.promotions import (
    PromoBatchIn,
    PromoBatchOut,
    PromoCodeFilters,
    PromoCodeIn,
    PromoCodeOut,
    PromoCodePage,
    PromoCodePatch,
    promo_batch_out,
    promo_code_out,
)
from marquee.booking.promo import promo_code_uses
from marquee.core.clock import now as clock_now
from marquee.core.errors import NotFound
from marquee.promotions import selectors, services

router = Router(tags=["staff: promo codes"])
PROMOTIONS = StaffAuth("manage_promotions")


def _one(code_id: int) -> dict[str, Any]:
    found = selectors.promo_code_detail(code_id)
    if found is None:
        raise NotFound("No such promo code.")
    return promo_code_out(found, promo_code_uses([found.pk], clock_now())[found.pk])


def _terms(payload: PromoCodeIn | PromoBatchIn) -> services.CodeTerms:
    data = payload.dict(exclude={"code", "quantity", "prefix"})
    for field in ("movie_ids", "format_ids", "showtime_ids"):
        data[field] = tuple(data[field])
    return services.CodeTerms(**data)


@router.get("/promo-codes", response={200: PromoCodePage, **staff_errors()}, auth=PROMOTIONS)
def promo_codes_list(request: HttpRequest, filters: Query[PromoCodeFilters]) -> Any:
    """Codes by text, with their uses; codes of batches only with `include_batches`."""
    page = selectors.promo_codes_page(
        search=filters.search, include_batches=filters.include_batches, limit=filters.limit, offset=filters.offset
    )
    uses = promo_code_uses([c.pk for c in page.results], clock_now())
    return page_out(page, lambda code: promo_code_out(code, uses[code.pk]))


@router.post("/promo-codes", response={201: PromoCodeOut, **staff_errors()}, auth=PROMOTIONS)
def promo_codes_create(request: HttpRequest, payload: PromoCodeIn) -> Any:
    made = services.promo_code_create(code=payload.code, terms=_terms(payload), staff_user=staff_actor(request))
    return Status(201, _one(made.pk))


@router.get("/promo-codes/{code_id}", response={200: PromoCodeOut, **staff_errors(404)}, auth=PROMOTIONS)
def promo_codes_get(request: HttpRequest, code_id: Id) -> Any:
    return _one(code_id)


@router.patch("/promo-codes/{code_id}", response={200: PromoCodeOut, **staff_errors(404)}, auth=PROMOTIONS)
def promo_codes_update(request: HttpRequest, code_id: Id, payload: PromoCodePatch) -> Any:
    """Only the fields sent change (null for `valid_from`, `valid_until`, `max_uses` or
    `max_uses_per_customer` removes that limit); bookings already made keep their discount."""
    changes = payload.dict(exclude_unset=True)
    code = changes.pop("code", None)
    for field in ("movie_ids", "format_ids", "showtime_ids"):
        if field in changes:
            changes[field] = tuple(changes[field] or ())
    for field in ("kind", "value", "note", "days_mask", "is_active"):
        if changes.get(field, "") is None:
            del changes[field]
    services.promo_code_update(promo_code_id=code_id, code=code, changes=changes, staff_user=staff_actor(request))
    return _one(code_id)


@router.delete("/promo-codes/{code_id}", response={200: PromoCodeOut, **staff_errors(404)}, auth=PROMOTIONS)
def promo_codes_deactivate(request: HttpRequest, code_id: Id) -> Any:
    """Deactivates the code (answers it, `is_active` false): bookings that used it refer to it,
    so it is kept; holds that carry it keep their discount."""
    services.promo_code_deactivate(promo_code_id=code_id, staff_user=staff_actor(request))
    return _one(code_id)


def _csv_url(batch_id: int) -> str:
    return reverse("api:promo_batch_csv", kwargs={"batch_id": batch_id})


@router.post("/promo-batches", response={201: PromoBatchOut, **staff_errors()}, auth=PROMOTIONS)
def promo_batches_create(request: HttpRequest, payload: PromoBatchIn) -> Any:
    """`quantity` single-use codes with these terms (their `max_uses` is 1), answered in full."""
    batch, codes = services.promo_batch_create(
        quantity=payload.quantity, prefix=payload.prefix, terms=_terms(payload), staff_user=staff_actor(request)
    )
    return Status(201, promo_batch_out(batch, [c.code for c in codes], _csv_url(batch.pk)))


@router.get(
    "/promo-batches/{batch_id}/codes.csv",
    response={200: None, **staff_errors(404)},
    auth=PROMOTIONS,
    url_name="promo_batch_csv",
    openapi_extra={"responses": {200: {"description": "The codes as CSV", "content": {"text/csv": {}}}}},
)
def promo_batch_csv(request: HttpRequest, batch_id: Id) -> HttpResponse:
    batch = selectors.promo_batch(batch_id)
    if batch is None:
        raise NotFound("No such batch.")
    response = HttpResponse(selectors.codes_csv(selectors.batch_codes(batch)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="promo-codes-{batch.pk}.csv"'
    return response
