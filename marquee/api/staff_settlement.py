"""The staff API of distributors, rental terms and the settlement (additions to api.md):

- GET, POST /api/v1/admin/distributors; GET, PATCH, DELETE …/distributors/{id}
- GET, PUT /api/v1/admin/movies/{id}/rental-terms
- GET /api/v1/admin/reports/settlement?week=YYYY-MM-DD&distributor=  (`format=csv` for CSV)
- POST /api/v1/admin/distributors/{id}/settlement-email?week=  (queues the statement)

Who: whoever reads reports (Admin), as on the staff pages.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from marquee.api.auth import StaffAuth, staff_actor
from marquee.api.schemas.common import Id, staff_errors
from marquee.api.schemas.settlement import (
    DistributorIn,
    DistributorOut,
    DistributorPatch,
    RentalTermsIn,
    RentalTermsOut,
    SettlementEmailOut,
    SettlementFilters,
    SettlementOut,
    WeekFilter,
    distributor_out,
    rental_terms_out,
    settlement_out,
)
from marquee.core.clock import local_today
from marquee.settlement import selectors, services
from marquee.settlement.statement import settlement_csv

router = Router(tags=["staff: settlement"])

REPORTS = StaffAuth("read_reports")


# --- distributors ------------------------------------------------------------------------


@router.get("/distributors", response={200: list[DistributorOut], **staff_errors()}, auth=REPORTS)
def distributors_list(request: HttpRequest) -> Any:
    return [distributor_out(d) for d in selectors.distributors_all()]


@router.post("/distributors", response={201: DistributorOut, **staff_errors()}, auth=REPORTS)
def distributors_create(request: HttpRequest, payload: DistributorIn) -> Any:
    made = services.distributor_create(**payload.dict(), staff_user=staff_actor(request))
    return Status(201, distributor_out(made))


@router.get("/distributors/{distributor_id}", response={200: DistributorOut, **staff_errors(404)}, auth=REPORTS)
def distributors_get(request: HttpRequest, distributor_id: Id) -> Any:
    return distributor_out(selectors.distributor_get(distributor_id=distributor_id))


@router.patch("/distributors/{distributor_id}", response={200: DistributorOut, **staff_errors(404)}, auth=REPORTS)
def distributors_update(request: HttpRequest, distributor_id: Id, payload: DistributorPatch) -> Any:
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    return distributor_out(
        services.distributor_update(distributor_id=distributor_id, **changes, staff_user=staff_actor(request))
    )


@router.delete("/distributors/{distributor_id}", response={204: None, **staff_errors(404, 409)}, auth=REPORTS)
def distributors_delete(request: HttpRequest, distributor_id: Id) -> Any:
    """Only a distributor without movies; one with movies answers 409 invalid_state (make it inactive)."""
    services.distributor_delete(distributor_id=distributor_id, staff_user=staff_actor(request))
    return HttpResponse(status=204)


@router.post(
    "/distributors/{distributor_id}/settlement-email",
    response={200: SettlementEmailOut, **staff_errors(404, 409)},
    auth=REPORTS,
)
def distributors_settlement_email(request: HttpRequest, distributor_id: Id, filters: Query[WeekFilter]) -> Any:
    """Queue the film week's statement (PDF attached) to the distributor's email."""
    day = filters.week or local_today()
    mail = services.settlement_email(distributor_id=distributor_id, day=day, staff_user=staff_actor(request))
    return {"queued": True, "to": mail.to_email, "week_start": selectors.film_week(day)[0]}


# --- rental terms --------------------------------------------------------------------------


@router.get("/movies/{movie_id}/rental-terms", response={200: RentalTermsOut, **staff_errors(404)}, auth=REPORTS)
def movies_rental_terms(request: HttpRequest, movie_id: Id) -> Any:
    return rental_terms_out(selectors.movie_rental_terms(movie_id=movie_id))


@router.put("/movies/{movie_id}/rental-terms", response={200: RentalTermsOut, **staff_errors(404)}, auth=REPORTS)
def movies_rental_terms_set(request: HttpRequest, movie_id: Id, payload: RentalTermsIn) -> Any:
    """Replace the movie's terms: `[]` removes them. Week 1 must be among them."""
    terms = [
        services.TermSpec(from_week=t.from_week, percentage=t.percentage, minimum_per_showtime=t.minimum_per_showtime)
        for t in payload.terms
    ]
    services.rental_terms_set(movie_id=movie_id, terms=terms, staff_user=staff_actor(request))
    return rental_terms_out(selectors.movie_rental_terms(movie_id=movie_id))


# --- the settlement report ---------------------------------------------------------------


@router.get("/reports/settlement", response={200: SettlementOut, **staff_errors(404)}, auth=REPORTS)
def reports_settlement(request: HttpRequest, filters: Query[SettlementFilters]) -> Any:
    """The film week holding `week` (default: this week), by distributor and movie;
    `distributor` keeps one; `format=csv` answers the same rows as CSV."""
    result = selectors.settlement(day=filters.week or local_today(), distributor_id=filters.distributor)
    if filters.format == "csv":
        response = HttpResponse(settlement_csv(result), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="settlement-{result.week_start.isoformat()}.csv"'
        return response
    return settlement_out(result)
