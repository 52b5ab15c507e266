"""The staff API takes rows with offsets and aisles, answers each seat's column and zone, and
changes one seat; the public seat map answers where each seat stands."""

from decimal import Decimal

import pytest

from marquee.staff.roles import ADMIN
from marquee.staff.services import api_key_create
from marquee.venues.models import Seat
from marquee.venues.services import RowSpec, hall_set_layout
from tests import factories as f
from tests.staff.conftest import Api, staff_user

pytestmark = pytest.mark.django_db

PRICE = Decimal("100.00")


@pytest.fixture
def admin_api(client) -> Api:
    staff_user("ada", ADMIN)
    return Api(client, api_key_create(username="ada").key)


def test_a_hall_made_through_the_api_has_its_aisles(admin_api):
    body = {
        "number": 9,
        "name": "Two aisles",
        "rows": [
            {"row": 1, "seats": 10, "base_price": "100.00", "aisles_after": [3, 7]},
            {"row": 2, "seats": 6, "type": "standard", "offset": 2, "aisles_after": [3]},
        ],
    }
    response = admin_api.post("/halls", body)
    assert response.status_code == 201, response.content
    seats = response.json()["seats"]
    row_one = [s["column"] for s in seats if s["row"] == 1]
    assert row_one == [1, 2, 3, 5, 6, 7, 8, 10, 11, 12]
    assert [s["column"] for s in seats if s["row"] == 2] == [3, 4, 5, 7, 8, 9]
    assert all(isinstance(s["best_zone"], bool) for s in seats)
    assert {"id", "row", "number", "type", "base_price", "column", "best_zone"} == set(seats[0])


def test_patching_rows_moves_the_aisle_and_keeps_the_seats(admin_api):
    hall = f.hall(rows=2, seats=4)
    ids = sorted(hall.seats.values_list("pk", flat=True))
    rows = [{"row": r, "seats": 4, "base_price": "100.00", "aisles_after": [2]} for r in (1, 2)]
    response = admin_api.patch(f"/halls/{hall.pk}", {"rows": rows})
    assert response.status_code == 200, response.content
    seats = response.json()["seats"]
    assert sorted(s["id"] for s in seats) == ids
    assert [s["column"] for s in seats if s["row"] == 1] == [1, 2, 4, 5]


@pytest.mark.parametrize(
    "row",
    [
        {"row": 1, "seats": 4, "aisles_after": [4]},
        {"row": 1, "seats": 4, "offset": -1},
        {"row": 1, "seats": 4, "offset": 500},
        {"row": 1, "seats": 4, "aisles_after": ["a"]},
    ],
)
def test_a_layout_that_does_not_fit_answers_a_validation_error(admin_api, row):
    response = admin_api.post("/halls", {"number": 9, "name": "Bad", "rows": [row]})
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"


def test_one_seat_becomes_a_wheelchair_space_outside_the_zone(admin_api):
    hall = f.hall(rows=1, seats=3)
    seat = hall.seats.get(seat_number=2)
    response = admin_api.patch(f"/halls/{hall.pk}/seats/{seat.pk}", {"type": "wheelchair", "best_zone": False})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": seat.pk,
        "row": 1,
        "number": 2,
        "type": "wheelchair",
        "base_price": "100.00",
        "column": 2,
        "best_zone": False,
    }
    seat.refresh_from_db()
    assert (seat.seat_type, seat.best_zone) == ("wheelchair", False)


def test_a_seat_of_another_hall_is_not_found(admin_api):
    hall = f.hall(rows=1, seats=1)
    other = f.hall(rows=1, seats=1).seats.get()
    response = admin_api.patch(f"/halls/{hall.pk}/seats/{other.pk}", {"best_zone": True})
    assert response.status_code == 404
    assert Seat.objects.get(pk=other.pk).best_zone  # untouched (a one-seat hall is all zone)


def test_the_public_seat_map_answers_each_seats_column_and_zone(client):
    hall = f.hall(rows=3, seats=4)
    show = f.showtime(hall_obj=hall)
    aisle = [RowSpec(row=r, seats=4, base_price=PRICE, aisles_after=(2,)) for r in (1, 2, 3)]
    hall_set_layout(hall_id=hall.pk, rows=aisle)
    seats = client.get(f"/api/v1/showtimes/{show.pk}/seats").json()["seats"]
    assert [(s["number"], s["column"]) for s in seats if s["row"] == 1] == [(1, 1), (2, 2), (3, 4), (4, 5)]
    zone = {(s["row"], s["number"]) for s in seats if s["best_zone"]}
    assert zone == set(hall.seats.filter(best_zone=True).values_list("row_number", "seat_number"))
    assert zone  # the middle row's middle seats
