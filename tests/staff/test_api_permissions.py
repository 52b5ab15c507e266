"""Who may call which staff endpoint: the one table that says so.

Every route of the staff API (marquee.api.staff, marquee.api.checkin) has a row in
MATRIX naming the roles allowed and the status they get; `test_the_matrix_covers_every_staff_route`
keeps the table complete as endpoints are added. Callers: the two roles of
marquee.staff.roles, a staff user with no group (403 everywhere), no key (401), and the
key of a user who has since lost staff status (401, as a session of a non-staff user).
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User

from marquee.booking.checkin import ticket_code
from marquee.booking.models import BookingSeat
from marquee.core.clock import local_today
from marquee.payments.services import booking_pay
from marquee.promotions.services import CodeTerms, promo_batch_create, promo_code_create
from marquee.scheduling.formats import format_create, language_version_create
from marquee.settlement.services import distributor_create
from marquee.staff.roles import ADMIN, BOX_OFFICE
from marquee.staff.services import api_key_create
from marquee.vouchers.services import voucher_issue
from tests import factories as f
from tests.staff.conftest import Api, staff_user

pytestmark = pytest.mark.django_db

ADMIN_ONLY = frozenset({ADMIN})
BOX_OFFICE_TOO = frozenset({ADMIN, BOX_OFFICE})

Body = dict[str, Any] | Callable[[SimpleNamespace], dict[str, Any]] | None


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # `{name}` is filled from the world's attribute `name`
    allowed: frozenset[str]
    ok: int  # what an allowed caller gets for this (valid) request
    body: Body = None

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


MOVIE = {"title": "Dune", "duration_min": 155, "release_year": 2021}
TARIFF = {"name": "Morning", "start_time": "09:00", "end_time": "12:00", "price_multiplier": "0.80"}

MATRIX = [
    # The catalog, halls, schedule and tariffs: the box office reads them (to sell), only Admin writes.
    Call("GET", "/genres", BOX_OFFICE_TOO, 200),
    Call("POST", "/genres", ADMIN_ONLY, 201, {"name": "Noir"}),
    Call("GET", "/genres/{genre}", BOX_OFFICE_TOO, 200),
    Call("PATCH", "/genres/{genre}", ADMIN_ONLY, 200, {"name": "Noir"}),
    Call("DELETE", "/genres/{spare_genre}", ADMIN_ONLY, 204),
    Call("GET", "/movies", BOX_OFFICE_TOO, 200),
    Call("POST", "/movies", ADMIN_ONLY, 201, lambda w: {**MOVIE, "genre_ids": [w.genre]}),
    Call("GET", "/movies/{movie}", BOX_OFFICE_TOO, 200),
    Call("PATCH", "/movies/{movie}", ADMIN_ONLY, 200, {"title": "Dune: Part Two"}),
    Call("DELETE", "/movies/{spare_movie}", ADMIN_ONLY, 204),
    Call("GET", "/halls", BOX_OFFICE_TOO, 200),
    Call("POST", "/halls", ADMIN_ONLY, 201, {"number": 99, "name": "Studio", "rows": [{"row": 1, "seats": 4}]}),
    Call("GET", "/halls/{hall}", BOX_OFFICE_TOO, 200),
    Call("PATCH", "/halls/{hall}", ADMIN_ONLY, 200, {"name": "Renamed"}),
    Call("DELETE", "/halls/{spare_hall}", ADMIN_ONLY, 204),
    Call("PATCH", "/halls/{hall}/seats/{seat}", ADMIN_ONLY, 200, {"best_zone": True}),
    Call("GET", "/showtimes", BOX_OFFICE_TOO, 200),
    Call(
        "POST",
        "/showtimes",
        ADMIN_ONLY,
        201,
        lambda w: {"movie_id": w.movie, "hall_id": w.spare_hall, "starts_at": w.free_slot},
    ),
    Call("GET", "/showtimes/{show}", BOX_OFFICE_TOO, 200),
    Call("PATCH", "/showtimes/{spare_show}", ADMIN_ONLY, 200, lambda w: {"starts_at": w.free_slot}),
    Call("DELETE", "/showtimes/{spare_show}", ADMIN_ONLY, 204),
    Call("GET", "/tariffs", BOX_OFFICE_TOO, 200),
    Call("POST", "/tariffs", ADMIN_ONLY, 201, TARIFF),
    Call("GET", "/tariffs/{tariff}", BOX_OFFICE_TOO, 200),
    Call("PATCH", "/tariffs/{tariff}", ADMIN_ONLY, 200, {"name": "Late"}),
    Call("DELETE", "/tariffs/{tariff}", ADMIN_ONLY, 204),
    Call("GET", "/ticket-types", BOX_OFFICE_TOO, 200),
    Call("POST", "/ticket-types", ADMIN_ONLY, 201, {"code": "senior", "name_en": "Senior", "multiplier": "0.7"}),
    Call("GET", "/ticket-types/{ticket_type}", BOX_OFFICE_TOO, 200),
    Call("PATCH", "/ticket-types/{ticket_type}", ADMIN_ONLY, 200, {"name_en": "Kid"}),
    Call("DELETE", "/ticket-types/{ticket_type}", ADMIN_ONLY, 204),
    # Formats and language versions: the box office reads them (to sell), whoever keeps the schedule writes.
    Call("GET", "/formats", BOX_OFFICE_TOO, 200),
    Call("POST", "/formats", ADMIN_ONLY, 201, {"code": "imax", "name": "IMAX", "surcharge": "80.00"}),
    Call("GET", "/formats/{format}", BOX_OFFICE_TOO, 200),
    Call("PATCH", "/formats/{format}", ADMIN_ONLY, 200, {"surcharge": "45.00"}),
    Call("DELETE", "/formats/{format}", ADMIN_ONLY, 204),
    Call("GET", "/language-versions", BOX_OFFICE_TOO, 200),
    Call("POST", "/language-versions", ADMIN_ONLY, 201, {"code": "en", "name_en": "English"}),
    Call("GET", "/language-versions/{language_version}", BOX_OFFICE_TOO, 200),
    Call("PATCH", "/language-versions/{language_version}", ADMIN_ONLY, 200, {"name_uk": "Українською"}),
    Call("DELETE", "/language-versions/{language_version}", ADMIN_ONLY, 204),
    # The box office's own work.
    Call("GET", "/bookings", BOX_OFFICE_TOO, 200),
    Call("GET", "/bookings/{paid}", BOX_OFFICE_TOO, 200),
    Call("POST", "/bookings/{pending}/mark-paid", BOX_OFFICE_TOO, 200),
    Call("POST", "/bookings/{paid}/refund", BOX_OFFICE_TOO, 200, lambda w: {"amount": "1.00", "reason": "Goodwill"}),
    Call("POST", "/bookings/{paid}/cancel", BOX_OFFICE_TOO, 200),
    Call("POST", "/bookings/{paid}/resend", BOX_OFFICE_TOO, 200),
    Call(
        "POST",
        "/bookings/{paid}/move",
        BOX_OFFICE_TOO,
        200,
        lambda w: {"showtime_id": w.show, "seat_ids": w.free, "method": "cash"},
    ),
    # The world's show is tomorrow: its door is not open, so the door admits it "anyway".
    Call("POST", "/checkin", BOX_OFFICE_TOO, 200, lambda w: {"code": w.code, "showtime_id": w.show, "override": True}),
    # Reading customers (a movie's audience is a list of customers).
    Call("GET", "/customers", BOX_OFFICE_TOO, 200),
    Call("GET", "/customers/{customer}", BOX_OFFICE_TOO, 200),
    Call("GET", "/movies/{movie}/audience", BOX_OFFICE_TOO, 200),
    # Forgetting a customer who asked: Admin only.
    Call("POST", "/customers/{customer}/erase", ADMIN_ONLY, 200, {"reason": "Asked by email"}),
    # Reports and campaigns: Admin only.
    Call("GET", "/reports/occupancy", ADMIN_ONLY, 200),
    Call("GET", "/reports/sales", ADMIN_ONLY, 200),
    Call("GET", "/reports/heat-map", ADMIN_ONLY, 200),
    Call("GET", "/reports/expansion", ADMIN_ONLY, 200),
    Call("POST", "/campaigns/recommendations", ADMIN_ONLY, 200, {}),
    # The ledger: the box office reads payments (its till); the reconciliation is a report.
    Call("GET", "/payments", BOX_OFFICE_TOO, 200),
    Call("GET", "/reports/reconciliation", ADMIN_ONLY, 200),
    # Distributors, rental terms and the settlement: a report and its inputs, Admin only.
    Call("GET", "/distributors", ADMIN_ONLY, 200),
    Call("POST", "/distributors", ADMIN_ONLY, 201, {"name": "Bohdan Films"}),
    Call("GET", "/distributors/{distributor}", ADMIN_ONLY, 200),
    Call("PATCH", "/distributors/{distributor}", ADMIN_ONLY, 200, {"vat_rate": "7"}),
    Call("DELETE", "/distributors/{spare_distributor}", ADMIN_ONLY, 204),
    Call("POST", "/distributors/{distributor}/settlement-email", ADMIN_ONLY, 200),
    Call("GET", "/movies/{movie}/rental-terms", ADMIN_ONLY, 200),
    Call("PUT", "/movies/{movie}/rental-terms", ADMIN_ONLY, 200, {"terms": [{"from_week": 1, "percentage": "55"}]}),
    Call("GET", "/reports/settlement", ADMIN_ONLY, 200),
    # Promo codes: Admin (manage_promotions) only.
    Call("GET", "/promo-codes", ADMIN_ONLY, 200),
    Call("POST", "/promo-codes", ADMIN_ONLY, 201, {"code": "SPRING", "kind": "percent", "value": "10"}),
    Call("GET", "/promo-codes/{promo}", ADMIN_ONLY, 200),
    Call("PATCH", "/promo-codes/{promo}", ADMIN_ONLY, 200, {"value": "15"}),
    Call("DELETE", "/promo-codes/{promo}", ADMIN_ONLY, 200),
    Call("POST", "/promo-batches", ADMIN_ONLY, 201, {"quantity": 3, "kind": "amount", "value": "50"}),
    Call("GET", "/promo-batches/{promo_batch}/codes.csv", ADMIN_ONLY, 200),
    # Gift vouchers (issue 13): the box office finds them and issues one for a complaint.
    Call("GET", "/vouchers", BOX_OFFICE_TOO, 200),
    Call("GET", "/vouchers/{voucher}", BOX_OFFICE_TOO, 200),
    Call("POST", "/vouchers", BOX_OFFICE_TOO, 201, {"amount": "100.00", "reason": "Broken seat"}),
]

NO_GROUP = "staff, no group"
NO_KEY = "no key"
NOT_STAFF = "key of a former staff user"
CALLERS = [ADMIN, BOX_OFFICE, NO_GROUP, NO_KEY, NOT_STAFF]


def expected(call: Call, caller: str) -> tuple[int, str | None]:
    """(status, error code) for `caller` making `call`."""
    if caller in (NO_KEY, NOT_STAFF):
        return 401, "authentication_required"
    if caller in call.allowed:
        return call.ok, None
    return 403, "permission_denied"


@pytest.fixture
def world() -> SimpleNamespace:
    day = local_today() + dt.timedelta(days=3)
    genre, spare_genre = f.genre("Drama"), f.genre("Unused")
    movie, spare_movie = f.movie(genres=[genre]), f.movie(genres=[genre])
    hall, spare_hall = f.hall(), f.hall()
    show = f.showtime(movie_obj=movie, hall_obj=hall)
    spare_show = f.showtime(movie_obj=movie, hall_obj=hall, starts_at=f.local_dt(day, 10))
    seats = list(hall.seats.order_by("pk").values_list("pk", flat=True))
    pending = f.hold(show, seat_ids=seats[:1], email="pending@example.com").booking
    paid = f.hold(show, seat_ids=seats[1:3], email="paid@example.com").booking
    booking_pay(reference=paid.reference, method="demo")
    return SimpleNamespace(
        genre=genre.pk,
        spare_genre=spare_genre.pk,
        movie=movie.pk,
        spare_movie=spare_movie.pk,
        hall=hall.pk,
        seat=seats[-1],
        spare_hall=spare_hall.pk,
        show=show.pk,
        spare_show=spare_show.pk,
        free_slot=f.local_dt(day, 15).isoformat(),
        tariff=f.tariff().pk,
        ticket_type=f.ticket_type("child", "Child", multiplier=Decimal("0.6")).pk,
        pending=pending.reference,
        paid=paid.reference,
        customer=paid.customer_id,
        code=ticket_code(BookingSeat.objects.filter(booking=paid).order_by("pk").first().pk),
        free=seats[4:6],
        distributor=distributor_create(name="Kinomania", email="statements@kinomania.example").pk,
        spare_distributor=distributor_create(name="Spare Films").pk,
        promo=promo_code_create(code="WINTER", terms=CodeTerms(kind="percent", value=Decimal("20"))).pk,
        promo_batch=promo_batch_create(quantity=2, terms=CodeTerms(kind="amount", value=Decimal("30")))[0].pk,
        format=format_create(code="3d", name="3D", surcharge=Decimal("40.00")).pk,
        language_version=language_version_create(code="uk", name_en="Ukrainian").pk,
        voucher=voucher_issue(amount="100.00", reason="Prize", staff_user=None).pk,
    )


def caller_api(client, caller: str) -> Api:
    if caller == NO_KEY:
        return Api(client, None)
    group = {ADMIN: ADMIN, BOX_OFFICE: BOX_OFFICE, NO_GROUP: None, NOT_STAFF: ADMIN}[caller]
    user = staff_user("caller", group)
    api = Api(client, api_key_create(username="caller").key)
    if caller == NOT_STAFF:
        User.objects.filter(pk=user.pk).update(is_staff=False)
    return api


def send(api: Api, call: Call, world: SimpleNamespace):
    path = call.path.format(**vars(world))
    body = call.body(world) if callable(call.body) else call.body
    if call.method == "GET":
        return api.get(path)
    if call.method == "DELETE":
        return api.delete(path)
    return getattr(api, call.method.lower())(path, {} if body is None else body)


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("call", MATRIX, ids=str)
def test_permission_matrix(client, world, call, caller):
    status, code = expected(call, caller)
    response = send(caller_api(client, caller), call, world)
    assert response.status_code == status, response.content
    if code is not None:
        assert response.json()["error"] == code


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def test_the_matrix_covers_every_staff_route(client):
    schema = client.get("/api/v1/openapi.json").json()
    prefix = "/api/v1/admin"
    routes = {
        (method.upper(), _shape(path.removeprefix(prefix)))
        for path, operations in schema["paths"].items()
        if path.startswith(prefix + "/")
        for method in operations
    }
    in_matrix = [(call.method, _shape(call.path)) for call in MATRIX]
    assert len(in_matrix) == len(set(in_matrix)), "a route is in the matrix twice"
    assert set(in_matrix) == routes
