"""The staff API of distributors, rental terms and the settlement (additions to api.md):

- GET, POST /api/v1/admin/distributors; GET, PATCH, DELETE …/distributors/{id}
- GET, PUT /api/v1/admin/movies/{id}/rental-terms
- GET /api/v1/admin/reports/settlement?week=YYYY-MM-DD&distributor=  (`format=csv` for CSV)
- POST /api/v1/admin/distributors/{id}/settlement-email?week=  (queues the statement)

Who: whoever reads reports (Admin), as on the staff pages.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from marquee.api.auth import StaffAuth
from marquee.api.schemas import ErrorOut
from marquee.api.schemas_staff import Id, Input, _sane_day, money
from marquee.core.clock import local_today
from marquee.core.money import format_money
from marquee.settlement import selectors, services
from marquee.settlement.models import Distributor, RentalTerm
from marquee.settlement.selectors import DistributorSettlement, MovieSettlement, Settlement, Tally
from marquee.settlement.statement import settlement_csv

router = Router(tags=["staff: settlement"])

REPORTS = StaffAuth("read_reports")

Percentage = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
Amount = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)]


def _errors(*codes: int) -> dict[int, Any]:
    return {code: ErrorOut for code in (401, 403, 422, *codes)}


def _actor(request: HttpRequest) -> Any:
    return getattr(request, "auth", None)


# --- distributors ------------------------------------------------------------------------


class DistributorIn(Input):
    name: str = Field(max_length=200)
    email: str = Field("", max_length=254)
    contact: str = Field("", max_length=200)
    vat_rate: Percentage = Decimal("20.00")
    language: Literal["", "en", "uk"] = ""
    is_active: bool = True


class DistributorPatch(Input):
    name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    contact: str | None = Field(None, max_length=200)
    vat_rate: Percentage | None = None
    language: Literal["", "en", "uk"] | None = None
    is_active: bool | None = None


class DistributorOut(Schema):
    id: int
    name: str
    email: str
    contact: str
    vat_rate: str = Field(description="The VAT included in ticket prices of its films, in percent.")
    language: str
    is_active: bool


def distributor_out(d: Distributor) -> dict[str, Any]:
    return {
        "id": d.pk,
        "name": d.name,
        "email": d.email,
        "contact": d.contact,
        "vat_rate": format_money(d.vat_rate),
        "language": d.language,
        "is_active": d.is_active,
    }


@router.get("/distributors", response={200: list[DistributorOut], **_errors()}, auth=REPORTS)
def distributors_list(request: HttpRequest) -> Any:
    return [distributor_out(d) for d in selectors.distributors_all()]


@router.post("/distributors", response={201: DistributorOut, **_errors()}, auth=REPORTS)
def distributors_create(request: HttpRequest, payload: DistributorIn) -> Any:
    made = services.distributor_create(**payload.dict(), staff_user=_actor(request))
    return Status(201, distributor_out(made))


@router.get("/distributors/{distributor_id}", response={200: DistributorOut, **_errors(404)}, auth=REPORTS)
def distributors_get(request: HttpRequest, distributor_id: Id) -> Any:
    return distributor_out(selectors.distributor_get(distributor_id=distributor_id))


@router.patch("/distributors/{distributor_id}", response={200: DistributorOut, **_errors(404)}, auth=REPORTS)
def distributors_update(request: HttpRequest, distributor_id: Id, payload: DistributorPatch) -> Any:
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    return distributor_out(
        services.distributor_update(distributor_id=distributor_id, **changes, staff_user=_actor(request))
    )


@router.delete("/distributors/{distributor_id}", response={204: None, **_errors(404, 409)}, auth=REPORTS)
def distributors_delete(request: HttpRequest, distributor_id: Id) -> Any:
    """Only a distributor without movies; one with movies answers 409 invalid_state (make it inactive)."""
    services.distributor_delete(distributor_id=distributor_id, staff_user=_actor(request))
    return HttpResponse(status=204)


class SettlementEmailOut(Schema):
    queued: bool
    to: str
    week_start: dt.date


class WeekFilter(Input):
    week: dt.date | None = Field(None, description="Any day of the film week; default this week.")

    _day = field_validator("week")(_sane_day)


@router.post(
    "/distributors/{distributor_id}/settlement-email",
    response={200: SettlementEmailOut, **_errors(404, 409)},
    auth=REPORTS,
)
def distributors_settlement_email(request: HttpRequest, distributor_id: Id, filters: Query[WeekFilter]) -> Any:
    """Queue the film week's statement (PDF attached) to the distributor's email."""
    day = filters.week or local_today()
    mail = services.settlement_email(distributor_id=distributor_id, day=day, staff_user=_actor(request))
    return {"queued": True, "to": mail.to_email, "week_start": selectors.film_week(day)[0]}


# --- rental terms --------------------------------------------------------------------------


class RentalTermIn(Input):
    from_week: int = Field(ge=1, le=520)
    percentage: Percentage
    minimum_per_showtime: Amount | None = None


class RentalTermsIn(Input):
    terms: list[RentalTermIn] = Field(max_length=52)


class RentalTermOut(Schema):
    from_week: int
    percentage: str
    minimum_per_showtime: str | None


def _terms_out(terms: list[RentalTerm]) -> dict[str, Any]:
    return {
        "terms": [
            {
                "from_week": t.from_week,
                "percentage": format_money(t.percentage),
                "minimum_per_showtime": money(t.minimum_per_showtime) if t.minimum_per_showtime is not None else None,
            }
            for t in terms
        ]
    }


class RentalTermsOut(Schema):
    terms: list[RentalTermOut]


@router.get("/movies/{movie_id}/rental-terms", response={200: RentalTermsOut, **_errors(404)}, auth=REPORTS)
def movies_rental_terms(request: HttpRequest, movie_id: Id) -> Any:
    return _terms_out(selectors.movie_rental_terms(movie_id=movie_id))


@router.put("/movies/{movie_id}/rental-terms", response={200: RentalTermsOut, **_errors(404)}, auth=REPORTS)
def movies_rental_terms_set(request: HttpRequest, movie_id: Id, payload: RentalTermsIn) -> Any:
    """Replace the movie's terms: `[]` removes them. Week 1 must be among them."""
    terms = [
        services.TermSpec(from_week=t.from_week, percentage=t.percentage, minimum_per_showtime=t.minimum_per_showtime)
        for t in payload.terms
    ]
    services.rental_terms_set(movie_id=movie_id, terms=terms, staff_user=_actor(request))
    return _terms_out(selectors.movie_rental_terms(movie_id=movie_id))


# --- the settlement report ---------------------------------------------------------------


class SettlementFilters(WeekFilter):
    distributor: Id | None = None
    format: Literal["json", "csv"] = "json"


class AdmissionsOut(Schema):
    label: str
    admissions: int


class SettlementMovieOut(Schema):
    movie_id: int
    title: str
    week_of_run: int
    showtimes: int
    admissions: int
    comps: int
    admissions_by_ticket_type: list[AdmissionsOut]
    admissions_by_format: list[AdmissionsOut]
    gross: str
    vat_rate: str
    vat: str
    net: str
    percentage: str | None = Field(description="null when the movie has no rental terms.")
    minimum_per_showtime: str | None
    amount_due: str


class SettlementDistributorOut(Schema):
    distributor_id: int | None = Field(description="null for movies without a distributor.")
    name: str
    email: str
    vat_rate: str
    movies: list[SettlementMovieOut]
    admissions: int
    gross: str
    vat: str
    net: str
    amount_due: str


class SettlementOut(Schema):
    week_start: dt.date
    week_end: dt.date
    currency: str
    distributors: list[SettlementDistributorOut]
    admissions: int
    gross: str
    vat: str
    net: str
    amount_due: str


def _tallies(tallies: list[Tally]) -> list[dict[str, Any]]:
    return [{"label": t.label, "admissions": t.admissions} for t in tallies]


def _movie_out(m: MovieSettlement) -> dict[str, Any]:
    return {
        "movie_id": m.movie_id,
        "title": m.title,
        "week_of_run": m.week_of_run,
        "showtimes": m.showtimes,
        "admissions": m.admissions,
        "comps": m.comps,
        "admissions_by_ticket_type": _tallies(m.by_type),
        "admissions_by_format": _tallies(m.by_format),
        "gross": money(m.gross),
        "vat_rate": money(m.vat_rate),
        "vat": money(m.vat),
        "net": money(m.net),
        "percentage": money(m.percentage) if m.has_terms else None,
        "minimum_per_showtime": money(m.minimum_per_showtime) if m.minimum_per_showtime is not None else None,
        "amount_due": money(m.due),
    }


def _block_out(b: DistributorSettlement) -> dict[str, Any]:
    return {
        "distributor_id": b.distributor_id,
        "name": b.name,
        "email": b.email,
        "vat_rate": money(b.vat_rate),
        "movies": [_movie_out(m) for m in b.movies],
        "admissions": b.admissions,
        "gross": money(b.gross),
        "vat": money(b.vat),
        "net": money(b.net),
        "amount_due": money(b.due),
    }


def settlement_out(result: Settlement) -> dict[str, Any]:
    return {
        "week_start": result.week_start,
        "week_end": result.week_end,
        "currency": result.currency,
        "distributors": [_block_out(b) for b in result.distributors],
        "admissions": result.admissions,
        "gross": money(result.gross),
        "vat": money(result.vat),
        "net": money(result.net),
        "amount_due": money(result.due),
    }


@router.get("/reports/settlement", response={200: SettlementOut, **_errors(404)}, auth=REPORTS)
def reports_settlement(request: HttpRequest, filters: Query[SettlementFilters]) -> Any:
    """The film week holding `week` (default: this week), by distributor and movie;
    `distributor` keeps one; `format=csv` answers the same rows as CSV."""
    result = selectors.settlement(day=filters.week or local_today(), distributor_id=filters.distributor)
    if filters.format == "csv":
        response = HttpResponse(settlement_csv(result), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="settlement-{result.week_start.isoformat()}.csv"'
        return response
    return settlement_out(result)
