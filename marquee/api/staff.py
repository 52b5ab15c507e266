"""The staff API (api.md, "Staff"), under /api/v1/admin/, authorised by API keys.

Handlers parse, call one service or selector, and shape the answer; services raise
DomainError subclasses that marquee.api.errors turns into the contract's error body.
Check-in (POST /admin/checkin) lives in marquee.api.checkin.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Body, Query, Router, Status
from ninja.responses import NinjaJSONEncoder

from marquee.api.auth import StaffAuth, staff_actor
from marquee.api.schemas.common import Id, Limit, Offset, page_out, staff_errors
from marquee.api.schemas.payments import (
    BookingMoveIn,
    PaymentCancelIn,
    PaymentMarkPaidIn,
    PaymentStaffBookingOut,
    RefundIn,
    money_out,
)
from marquee.api.schemas.staff import (
    AudiencePage,
    BookingFilters,
    BookingPage,
    CampaignIn,
    CampaignOut,
    CustomerDetailOut,
    CustomerErasureIn,
    CustomerErasureOut,
    CustomerFilters,
    CustomerPage,
    ExpansionOut,
    GenreIn,
    HallIn,
    HallOut,
    HallPatch,
    HallSummaryOut,
    HeatMapOut,
    MovieIn,
    MoviePatch,
    OccupancyOut,
    ReportFilters,
    SalesFilters,
    SalesOut,
    SeatPatch,
    ShowtimeIn,
    ShowtimePage,
    ShowtimePatch,
    StaffBookingOut,
    StaffGenreOut,
    StaffMovieFilters,
    StaffMovieOut,
    StaffSeatOut,
    StaffShowtimeFilters,
    StaffShowtimeOut,
    TariffIn,
    TariffOut,
    TariffPatch,
    audience_out,
    customer_detail_out,
    customer_erasure_out,
    customer_out,
    expansion_out,
    hall_out,
    hall_summary_out,
    heat_map_out,
    occupancy_out,
    sales_out,
    staff_booking_out,
    staff_genre_out,
    staff_movie_out,
    staff_seat_out,
    staff_showtime_out,
    tariff_out,
)
from marquee.booking import moves as booking_moves
from marquee.booking import services as booking_services
from marquee.booking.models import Booking
from marquee.catalog import services as catalog_services
from marquee.core.clock import local_today
from marquee.core.errors import NotFound
from marquee.marketing.services import campaign_start
from marquee.payments import moves as payments_moves
from marquee.payments import services as payments
from marquee.payments.selectors import booking_money
from marquee.payments.services import payment_record_box_office
from marquee.pricing import services as pricing_services
from marquee.privacy.services import customer_erase
from marquee.reports import selectors as reports
from marquee.scheduling import services as scheduling_services
from marquee.settlement import services as settlement_services
from marquee.staff import selectors
from marquee.venues import services as venue_services
from marquee.venues.selectors import seat_in_hall
from marquee.venues.services import RowSpec

router = Router(tags=["staff"])

CATALOG_READ = StaffAuth("manage_catalog", "manage_schedule", "box_office")
CATALOG = StaffAuth("manage_catalog")
VENUES_READ = StaffAuth("manage_venues", "manage_schedule", "box_office")
VENUES = StaffAuth("manage_venues")
SCHEDULE_READ = StaffAuth("manage_schedule", "box_office")
SCHEDULE = StaffAuth("manage_schedule")
TARIFFS_READ = StaffAuth("manage_tariffs", "manage_schedule", "box_office")
TARIFFS = StaffAuth("manage_tariffs")
BOX_OFFICE = StaffAuth("box_office")
CUSTOMERS = StaffAuth("read_customers")
REPORTS = StaffAuth("read_reports")
CAMPAIGNS = StaffAuth("send_campaigns")
ERASE = StaffAuth("erase_customers")


# --- genres ----------------------------------------------------------------------------


@router.get("/genres", response={200: list[StaffGenreOut], **staff_errors()}, auth=CATALOG_READ)
def genres_list(request: HttpRequest) -> Any:
    return [staff_genre_out(g) for g in selectors.genres_all()]


@router.post("/genres", response={201: StaffGenreOut, **staff_errors()}, auth=CATALOG)
def genres_create(request: HttpRequest, payload: GenreIn) -> Any:
    return Status(
        201, staff_genre_out(catalog_services.genre_create(**payload.dict(), staff_user=staff_actor(request)))
    )


@router.get("/genres/{genre_id}", response={200: StaffGenreOut, **staff_errors(404)}, auth=CATALOG_READ)
def genres_get(request: HttpRequest, genre_id: Id) -> Any:
    return staff_genre_out(selectors.genre_get(genre_id=genre_id))


@router.patch("/genres/{genre_id}", response={200: StaffGenreOut, **staff_errors(404)}, auth=CATALOG)
def genres_update(request: HttpRequest, genre_id: Id, payload: GenreIn) -> Any:
    return staff_genre_out(
        catalog_services.genre_update(genre_id=genre_id, **payload.dict(), staff_user=staff_actor(request))
    )


@router.delete("/genres/{genre_id}", response={204: None, **staff_errors(404, 409)}, auth=CATALOG)
def genres_delete(request: HttpRequest, genre_id: Id) -> Any:
    catalog_services.genre_delete(genre_id=genre_id, staff_user=staff_actor(request))
    return HttpResponse(status=204)


# --- movies ----------------------------------------------------------------------------


@router.get("/movies", response={200: list[StaffMovieOut], **staff_errors()}, auth=CATALOG_READ)
def movies_list(request: HttpRequest, filters: Query[StaffMovieFilters]) -> Any:
    return [staff_movie_out(m) for m in selectors.movies_all(listed=filters.listed, search=filters.search)]


@router.post("/movies", response={201: StaffMovieOut, **staff_errors(404)}, auth=CATALOG)
def movies_create(request: HttpRequest, payload: MovieIn) -> Any:
    # Through settlement, which checks the distributor: the catalog does not know distributors.
    movie = settlement_services.movie_create(**payload.dict(), staff_user=staff_actor(request))
    return Status(201, staff_movie_out(selectors.movie_get(movie_id=movie.pk)))


@router.get("/movies/{movie_id}", response={200: StaffMovieOut, **staff_errors(404)}, auth=CATALOG_READ)
def movies_get(request: HttpRequest, movie_id: Id) -> Any:
    return staff_movie_out(selectors.movie_get(movie_id=movie_id))


@router.patch("/movies/{movie_id}", response={200: StaffMovieOut, **staff_errors(404)}, auth=CATALOG)
def movies_update(request: HttpRequest, movie_id: Id, payload: MoviePatch) -> Any:
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    # `"distributor_id": null` is a change (no distributor), not a field left out.
    if "distributor_id" in payload.model_fields_set and payload.distributor_id is None:
        changes["remove_distributor"] = True
    settlement_services.movie_update(movie_id=movie_id, **changes, staff_user=staff_actor(request))
    return staff_movie_out(selectors.movie_get(movie_id=movie_id))


@router.delete("/movies/{movie_id}", response={204: None, **staff_errors(404, 409)}, auth=CATALOG)
def movies_delete(request: HttpRequest, movie_id: Id) -> Any:
    catalog_services.movie_delete(movie_id=movie_id, staff_user=staff_actor(request))
    return HttpResponse(status=204)


@router.get("/movies/{movie_id}/audience", response={200: AudiencePage, **staff_errors(404)}, auth=CUSTOMERS)
def movies_audience(request: HttpRequest, movie_id: Id, limit: Limit = 50, offset: Offset = 0) -> Any:
    """Customers who watched the movie (an addition to api.md)."""
    reports.movie_for_report(movie_id=movie_id)
    return page_out(reports.movie_audience(movie_id=movie_id, limit=limit, offset=offset), audience_out)


# --- halls -----------------------------------------------------------------------------


def _rows(rows: list[Any]) -> list[RowSpec]:
    return [
        RowSpec(
            row=r.row,
            seats=r.seats,
            type=r.type,
            base_price=r.base_price,
            offset=r.offset,
            aisles_after=tuple(r.aisles_after),
        )
        for r in rows
    ]


@router.get("/halls", response={200: list[HallSummaryOut], **staff_errors()}, auth=VENUES_READ)
def halls_list(request: HttpRequest) -> Any:
    return [hall_summary_out(h) for h in selectors.halls_all()]


@router.post("/halls", response={201: HallOut, **staff_errors()}, auth=VENUES)
def halls_create(request: HttpRequest, payload: HallIn) -> Any:
    hall = venue_services.hall_create(
        number=payload.number, name=payload.name, rows=_rows(payload.rows), staff_user=staff_actor(request)
    )
    return Status(201, hall_out(selectors.hall_get(hall_id=hall.pk)))


@router.get("/halls/{hall_id}", response={200: HallOut, **staff_errors(404)}, auth=VENUES_READ)
def halls_get(request: HttpRequest, hall_id: Id) -> Any:
    return hall_out(selectors.hall_get(hall_id=hall_id))


@router.patch("/halls/{hall_id}", response={200: HallOut, **staff_errors(404, 409)}, auth=VENUES)
def halls_update(request: HttpRequest, hall_id: Id, payload: HallPatch) -> Any:
    """`rows` replaces the layout (seats with future sales cannot go); `number`, `name` rename."""
    if payload.rows is not None:
        venue_services.hall_set_layout(hall_id=hall_id, rows=_rows(payload.rows), staff_user=staff_actor(request))
    if payload.number is not None or payload.name is not None:
        venue_services.hall_update(
            hall_id=hall_id, number=payload.number, name=payload.name, staff_user=staff_actor(request)
        )
    return hall_out(selectors.hall_get(hall_id=hall_id))


@router.patch("/halls/{hall_id}/seats/{seat_id}", response={200: StaffSeatOut, **staff_errors(404)}, auth=VENUES)
def halls_seat_update(request: HttpRequest, hall_id: Id, seat_id: Id, payload: SeatPatch) -> Any:
    """One seat's own `type`, `base_price` or `best_zone` (an addition to api.md)."""
    seat = seat_in_hall(selectors.hall_get(hall_id=hall_id), seat_id)
    if seat is None:
        raise NotFound("No such seat in this hall.")
    seat = venue_services.seat_update(
        seat_id=seat.pk,
        seat_type=payload.type,
        base_price=payload.base_price,
        best_zone=payload.best_zone,
        staff_user=staff_actor(request),
    )
    return staff_seat_out(seat)


@router.delete("/halls/{hall_id}", response={204: None, **staff_errors(404, 409)}, auth=VENUES)
def halls_delete(request: HttpRequest, hall_id: Id) -> Any:
    venue_services.hall_delete(hall_id=hall_id, staff_user=staff_actor(request))
    return HttpResponse(status=204)


# --- showtimes -------------------------------------------------------------------------


@router.get("/showtimes", response={200: ShowtimePage, **staff_errors()}, auth=SCHEDULE_READ)
def showtimes_list(request: HttpRequest, filters: Query[StaffShowtimeFilters]) -> Any:
    """Showtimes oldest first, a page at a time (`limit`, `offset`); `from`/`to` (local
    dates, both included), `hall`, `movie`, `status` narrow them."""
    page = selectors.showtimes_find(
        start=filters.from_,
        end=filters.to,
        hall_id=filters.hall,
        movie_id=filters.movie,
        status=filters.status,
        limit=filters.limit,
        offset=filters.offset,
    )
    return page_out(page, staff_showtime_out)


@router.post("/showtimes", response={201: StaffShowtimeOut, **staff_errors(404, 409)}, auth=SCHEDULE)
def showtimes_create(request: HttpRequest, payload: ShowtimeIn) -> Any:
    showtime = scheduling_services.showtime_schedule(
        movie_id=payload.movie_id,
        hall_id=payload.hall_id,
        starts_at=payload.starts_at,
        format_code=payload.format,
        language_code=payload.language_version,
        staff_user=staff_actor(request),
    )
    return Status(201, staff_showtime_out(selectors.showtime_get(showtime_id=showtime.pk)))


@router.get("/showtimes/{showtime_id}", response={200: StaffShowtimeOut, **staff_errors(404)}, auth=SCHEDULE_READ)
def showtimes_get(request: HttpRequest, showtime_id: Id) -> Any:
    return staff_showtime_out(selectors.showtime_get(showtime_id=showtime_id))


@router.patch("/showtimes/{showtime_id}", response={200: StaffShowtimeOut, **staff_errors(404, 409)}, auth=SCHEDULE)
def showtimes_update(request: HttpRequest, showtime_id: Id, payload: ShowtimePatch) -> Any:
    current = selectors.showtime_get(showtime_id=showtime_id)
    same_hall = payload.hall_id in (None, current.hall_id) and payload.movie_id in (None, current.movie_id)
    # Absent: unchanged; null: none (so the plain None of the schema cannot tell them apart).
    given = payload.model_fields_set
    presentation: dict[str, Any] = {
        name: getattr(payload, field)
        for field, name in (("format", "format_code"), ("language_version", "language_code"))
        if field in given
    }
    if payload.starts_at is not None and same_hall:
        # Only the start moves: allowed with bookings, whose customers are emailed. With a new
        # format or version, both or neither (a start refused keeps the old format too).
        with transaction.atomic():
            if presentation:
                scheduling_services.showtime_update(
                    showtime_id=showtime_id, **presentation, staff_user=staff_actor(request)
                )
            booking_moves.showtime_move(
                showtime_id=showtime_id, starts_at=payload.starts_at, staff_user=staff_actor(request)
            )
    else:
        scheduling_services.showtime_update(
            showtime_id=showtime_id,
            movie_id=payload.movie_id,
            hall_id=payload.hall_id,
            starts_at=payload.starts_at,
            **presentation,
            staff_user=staff_actor(request),
        )
    return staff_showtime_out(selectors.showtime_get(showtime_id=showtime_id))


@router.delete(
    "/showtimes/{showtime_id}", response={200: StaffShowtimeOut, 204: None, **staff_errors(404)}, auth=SCHEDULE
)
def showtimes_delete(request: HttpRequest, showtime_id: Id) -> Any:
    """204 when it had no bookings and is gone; otherwise it is cancelled with its bookings
    (their buyers are emailed) and the answer is the cancelled showtime."""
    if payments.showtime_delete(showtime_id=showtime_id, staff_user=staff_actor(request)):
        return HttpResponse(status=204)
    return Status(200, staff_showtime_out(selectors.showtime_get(showtime_id=showtime_id)))


# --- tariffs ---------------------------------------------------------------------------


@router.get("/tariffs", response={200: list[TariffOut], **staff_errors()}, auth=TARIFFS_READ)
def tariffs_list(request: HttpRequest) -> Any:
    return [tariff_out(t) for t in selectors.tariffs_all()]


@router.post("/tariffs", response={201: TariffOut, **staff_errors()}, auth=TARIFFS)
def tariffs_create(request: HttpRequest, payload: TariffIn) -> Any:
    return Status(201, tariff_out(pricing_services.tariff_create(**payload.dict(), staff_user=staff_actor(request))))


@router.get("/tariffs/{tariff_id}", response={200: TariffOut, **staff_errors(404)}, auth=TARIFFS_READ)
def tariffs_get(request: HttpRequest, tariff_id: Id) -> Any:
    return tariff_out(selectors.tariff_get(tariff_id=tariff_id))


@router.patch("/tariffs/{tariff_id}", response={200: TariffOut, **staff_errors(404)}, auth=TARIFFS)
def tariffs_update(request: HttpRequest, tariff_id: Id, payload: TariffPatch) -> Any:
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    return tariff_out(pricing_services.tariff_update(tariff_id=tariff_id, **changes, staff_user=staff_actor(request)))


@router.delete("/tariffs/{tariff_id}", response={204: None, **staff_errors(404)}, auth=TARIFFS)
def tariffs_delete(request: HttpRequest, tariff_id: Id) -> Any:
    pricing_services.tariff_delete(tariff_id=tariff_id, staff_user=staff_actor(request))
    return HttpResponse(status=204)


# --- bookings --------------------------------------------------------------------------


@router.get("/bookings", response={200: BookingPage, **staff_errors()}, auth=BOX_OFFICE)
def bookings_list(request: HttpRequest, filters: Query[BookingFilters]) -> Any:
    page = selectors.bookings_find(
        showtime_id=filters.showtime,
        email=filters.email,
        status=filters.status,
        reference=filters.reference,
        customer_id=filters.customer,
        limit=filters.limit,
        offset=filters.offset,
    )
    return page_out(page, staff_booking_out)


def _reference(raw: str) -> str:
    """A reference as printed (letters and digits); anything else cannot name a booking."""
    reference = raw.strip()
    if not (reference.isascii() and reference.isalnum() and len(reference) <= 12):
        raise NotFound("No such booking.")
    return reference


def _with_money(booking: Booking) -> dict[str, Any]:
    return {**staff_booking_out(booking), **money_out(booking_money(booking.pk), booking)}


@router.get("/bookings/{reference}", response={200: PaymentStaffBookingOut, **staff_errors(404)}, auth=BOX_OFFICE)
def bookings_get(request: HttpRequest, reference: str) -> Any:
    return _with_money(selectors.booking_get(reference=_reference(reference)))


@router.post(
    "/bookings/{reference}/mark-paid", response={200: PaymentStaffBookingOut, **staff_errors(404, 409)}, auth=BOX_OFFICE
)
def bookings_mark_paid(
    request: HttpRequest,
    reference: str,
    payload: PaymentMarkPaidIn | None = Body(None),  # noqa: B008
) -> Any:
    """Staff took the money at the box office: `cash` (the default) or `card_terminal`."""
    booking = payment_record_box_office(
        reference=_reference(reference),
        method=payload.method if payload else "cash",
        staff_user=staff_actor(request),
    )
    return _with_money(selectors.booking_get(reference=booking.reference))


@router.post(
    "/bookings/{reference}/cancel", response={200: PaymentStaffBookingOut, **staff_errors(404, 409)}, auth=BOX_OFFICE
)
def bookings_cancel(
    request: HttpRequest,
    reference: str,
    payload: PaymentCancelIn | None = Body(None),  # noqa: B008
) -> Any:
    """Cancel, with a refund of `full` (the default), `none` or an amount, and a reason."""
    booking = payments.booking_cancel(
        reference=_reference(reference),
        by_staff=True,
        refund=payload.refund if payload else "full",
        reason=payload.reason if payload else "",
        staff_user=staff_actor(request),
    )
    return _with_money(selectors.booking_get(reference=booking.reference))


@router.post(
    "/bookings/{reference}/refund", response={200: PaymentStaffBookingOut, **staff_errors(404, 409)}, auth=BOX_OFFICE
)
def bookings_refund(request: HttpRequest, reference: str, payload: RefundIn) -> Any:
    """Refund part or all of a paid booking without cancelling it (a reason is required)."""
    payments.refund_create(
        reference=_reference(reference), amount=payload.amount, reason=payload.reason, staff_user=staff_actor(request)
    )
    return _with_money(selectors.booking_get(reference=_reference(reference)))


@router.post(
    "/bookings/{reference}/move", response={200: PaymentStaffBookingOut, **staff_errors(404, 409)}, auth=BOX_OFFICE
)
def bookings_move(request: HttpRequest, reference: str, payload: BookingMoveIn) -> Any:
    """Move a paid booking to other seats of its showtime or to another showtime (as many
    seats). Dearer: `method` (cash or card_terminal) takes the difference at the box office;
    cheaper: the difference is refunded through the provider that took the money. The
    customer is emailed the new tickets; the old codes stop working at the door."""
    moved = payments_moves.booking_move(
        reference=_reference(reference),
        showtime_id=payload.showtime_id,
        seat_ids=payload.seat_ids,
        method=payload.method,
        reason=payload.reason,
        staff_user=staff_actor(request),
    )
    return _with_money(selectors.booking_get(reference=moved.booking.reference))


@router.post(
    "/bookings/{reference}/resend", response={200: StaffBookingOut, **staff_errors(404, 409, 429)}, auth=BOX_OFFICE
)
def bookings_resend(request: HttpRequest, reference: str) -> Any:
    booking = booking_services.booking_resend(reference=_reference(reference), staff_user=staff_actor(request))
    return staff_booking_out(selectors.booking_get(reference=booking.reference))


# --- customers -------------------------------------------------------------------------


@router.get("/customers", response={200: CustomerPage, **staff_errors()}, auth=CUSTOMERS)
def customers_list(request: HttpRequest, filters: Query[CustomerFilters]) -> Any:
    page = reports.customer_search(query=filters.search, limit=filters.limit, offset=filters.offset)
    return page_out(page, customer_out)


@router.get("/customers/{customer_id}", response={200: CustomerDetailOut, **staff_errors(404)}, auth=CUSTOMERS)
def customers_get(request: HttpRequest, customer_id: Id) -> Any:
    return customer_detail_out(reports.customer_profile(customer_id=customer_id))


@router.post("/customers/{customer_id}/erase", response={200: CustomerErasureOut, **staff_errors(404, 409)}, auth=ERASE)
def customers_erase(request: HttpRequest, customer_id: Id, payload: CustomerErasureIn) -> Any:
    """The person asked to be forgotten (an addition to api.md; Admin only): name, email and
    phone replaced everywhere, bookings kept for the accounts. Erasing twice: 409 invalid_state."""
    erasure = customer_erase(customer_id=customer_id, reason=payload.reason, erased_by=getattr(request, "auth", None))
    return customer_erasure_out(erasure)


# --- reports ---------------------------------------------------------------------------


def _period(filters: ReportFilters) -> tuple[dt.date, dt.date]:
    """Default: `to` 14 days ahead, `from` 44 days before `to` (the last 30 days and the next 14)."""
    start, end = filters.from_, filters.to
    if end is None:
        end = local_today() + dt.timedelta(days=14)
        if start is not None:
            end = max(end, start)
    if start is None:
        start = end - dt.timedelta(days=44)
    return start, end


@router.get("/reports/occupancy", response={200: list[OccupancyOut], **staff_errors()}, auth=REPORTS)
def reports_occupancy(request: HttpRequest, filters: Query[ReportFilters]) -> Any:
    start, end = _period(filters)
    rows = [occupancy_out(r) for r in reports.occupancy(start=start, end=end, hall_id=filters.hall)]
    # A year is some 15,000 rows: rendered straight (as ninja renders them), not re-validated.
    return JsonResponse(rows, safe=False, encoder=NinjaJSONEncoder)


@router.get("/reports/sales", response={200: SalesOut, **staff_errors()}, auth=REPORTS, by_alias=True)
def reports_sales(request: HttpRequest, filters: Query[SalesFilters]) -> Any:
    start, end = _period(filters)
    return sales_out(
        reports.sales(
            start=start, end=end, group_by=filters.group_by, hall_id=filters.hall, channel=filters.channel or ""
        )
    )


@router.get("/reports/heat-map", response={200: HeatMapOut, **staff_errors()}, auth=REPORTS)
def reports_heat_map(request: HttpRequest, filters: Query[ReportFilters]) -> Any:
    """Average share sold by hall and day (an addition to api.md)."""
    start, end = _period(filters)
    return heat_map_out(reports.occupancy_heat_map(start=start, end=end, hall_id=filters.hall))


@router.get("/reports/expansion", response={200: ExpansionOut, **staff_errors()}, auth=REPORTS)
def reports_expansion(request: HttpRequest, filters: Query[ReportFilters]) -> Any:
    """Per ISO week, the share of showtimes ≥ 80% sold and sold out (an addition to api.md)."""
    start, end = _period(filters)
    return expansion_out(reports.expansion_signal(start=start, end=end, hall_id=filters.hall))


# --- campaigns -------------------------------------------------------------------------


@router.post("/campaigns/recommendations", response={200: CampaignOut, **staff_errors()}, auth=CAMPAIGNS)
def campaigns_recommendations(request: HttpRequest, payload: CampaignIn | None = Body(None)) -> Any:  # noqa: B008
    """Small campaigns are queued before the answer; a large one is handed to the worker
    (`"deferred": true`; `queued` then counts the customers it will email)."""
    limit = payload.limit_per_customer if payload is not None else 3
    started = campaign_start(limit_per_customer=limit, started_by=getattr(request, "auth", None))
    return {"queued": started.queued, "deferred": started.deferred}
