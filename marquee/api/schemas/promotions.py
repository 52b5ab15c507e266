"""The staff API's promo code bodies and answers (marquee.api.staff_promotions)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from marquee.api.schemas.common import DAY_MAX, DAY_MIN, CleanIn, Id, Paged, money
from marquee.promotions.models import ALL_DAYS, PromoBatch, PromoCode

Value = Annotated[Decimal, Field(gt=0, max_digits=7, decimal_places=2)]
Uses = Annotated[int, Field(ge=1, le=2**31 - 1)]
Date = Annotated[dt.date, Field(ge=DAY_MIN, le=DAY_MAX)]
IdList = list[Id]


class PromoTermsIn(CleanIn):
    kind: Literal["percent", "amount"] = Field(description="percent off each seat, or an amount off the booking")
    value: Value = Field(examples=["20.00"])
    note: str = Field("", max_length=200)
    valid_from: Date | None = Field(None, description="First day it may be used (cinema's local date), included.")
    valid_until: Date | None = Field(None, description="Last day it may be used, included.")
    days_mask: Annotated[int, Field(ge=1, le=ALL_DAYS)] = Field(
        ALL_DAYS, description="Weekdays of the showtime's start, one bit a day, Monday = 1."
    )
    movie_ids: IdList = Field(default_factory=list, max_length=1000, description="Empty: every movie.")
    format_ids: IdList = Field(default_factory=list, max_length=1000, description="Empty: every format.")
    showtime_ids: IdList = Field(default_factory=list, max_length=1000, description="Empty: every showtime.")
    max_uses: Uses | None = Field(None, description="Uses in total (active bookings); null: no limit.")
    max_uses_per_customer: Uses | None = None
    is_active: bool = True


class PromoCodeIn(PromoTermsIn):
    code: str = Field(max_length=40, examples=["KINO20"], description="Letters, digits, - and _; any case.")


class PromoCodePatch(CleanIn):
    code: str | None = Field(None, max_length=40)
    kind: Literal["percent", "amount"] | None = None
    value: Value | None = None
    note: str | None = Field(None, max_length=200)
    valid_from: Date | None = None
    valid_until: Date | None = None
    days_mask: Annotated[int, Field(ge=1, le=ALL_DAYS)] | None = None
    movie_ids: IdList | None = Field(None, max_length=1000)
    format_ids: IdList | None = Field(None, max_length=1000)
    showtime_ids: IdList | None = Field(None, max_length=1000)
    max_uses: Uses | None = None
    max_uses_per_customer: Uses | None = None
    is_active: bool | None = None


class PromoBatchIn(PromoTermsIn):
    quantity: Annotated[int, Field(ge=1, le=10_000)]
    prefix: str = Field("", max_length=12, description="Up to 12 letters or digits before a dash.")


class PromoCodeFilters(Paged):
    search: str = Field("", max_length=100)
    include_batches: bool = False


class PromoCodeOut(Schema):
    id: int
    code: str
    kind: str
    value: str
    note: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    days_mask: int
    movie_ids: list[int]
    format_ids: list[int]
    showtime_ids: list[int]
    max_uses: int | None
    max_uses_per_customer: int | None
    is_active: bool
    batch_id: int | None
    uses: int = Field(description="Active bookings carrying it now (paid, or held and not lapsed).")


class PromoCodePage(Schema):
    count: int
    results: list[PromoCodeOut]


class PromoBatchOut(Schema):
    id: int
    prefix: str
    quantity: int
    created_at: dt.datetime
    codes: list[str]
    csv_url: str


def promo_code_out(code: PromoCode, uses: int) -> dict[str, Any]:
    """Needs the code's movies, formats and showtimes prefetched (selectors.promo_codes)."""
    return {
        "id": code.pk,
        "code": code.code,
        "kind": code.kind,
        "value": money(code.value),
        "note": code.note,
        "valid_from": code.valid_from,
        "valid_until": code.valid_until,
        "days_mask": code.days_mask,
        "movie_ids": [m.pk for m in code.movies.all()],
        "format_ids": [x.pk for x in code.formats.all()],
        "showtime_ids": [s.pk for s in code.showtimes.all()],
        "max_uses": code.max_uses,
        "max_uses_per_customer": code.max_uses_per_customer,
        "is_active": code.is_active,
        "batch_id": code.batch_id,
        "uses": uses,
    }


def promo_batch_out(batch: PromoBatch, codes: list[str], csv_url: str) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "prefix": batch.prefix,
        "quantity": batch.quantity,
        "created_at": batch.created_at,
        "codes": codes,
        "csv_url": csv_url,
    }
