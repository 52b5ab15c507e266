"""The door shows each ticket's type and what to check for it ("Student — Show student ID"):
the staff door screen, in English and Ukrainian, and the API's check-in answer."""

from decimal import Decimal

import pytest

from marquee.booking.checkin import ticket_code
from marquee.booking.models import BookingSeat
from marquee.payments.services import payment_record_box_office
from marquee.staff.roles import ADMIN
from marquee.staff.services import api_key_create
from tests import factories as f
from tests.backoffice.test_checkin_door import _scan, _text, night  # noqa: F401
from tests.staff.conftest import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def student_ticket(night):  # noqa: F811
    f.ticket_type(
        "student",
        "Student",
        name_uk="Студентський",
        rule="amount_off",
        amount_off=Decimal("30.00"),
        door_note_en="Show student ID",
        door_note_uk="Покажіть студентський квиток",
    )
    tonight = night["tonight"]
    seat = tonight.hall.seats.order_by("-pk").first().pk
    booking = f.hold(tonight, [seat], email="student@example.com", ticket_types={seat: "student"}).booking
    payment_record_box_office(reference=booking.reference)
    return BookingSeat.objects.get(booking=booking)


def test_the_door_screen_names_the_type_and_its_note(admin_client, night, student_ticket):  # noqa: F811
    text = _text(_scan(admin_client, night["tonight"], ticket_code(student_ticket.pk)))
    assert text.startswith("Admitted") and "Student — Show student ID" in text


def test_the_door_screen_in_ukrainian(admin_client, night, student_ticket):  # noqa: F811
    admin_client.cookies["django_language"] = "uk"
    text = _text(_scan(admin_client, night["tonight"], ticket_code(student_ticket.pk)))
    assert "Студентський — Покажіть студентський квиток" in text


def test_an_adult_ticket_shows_its_type_without_a_note(admin_client, night):  # noqa: F811
    text = _text(_scan(admin_client, night["tonight"], ticket_code(night["own"][0].pk)))
    assert "Adult" in text and " — " not in text.split("Adult", 1)[1][:3]


def test_the_api_check_in_answer_names_the_type(client, night, student_ticket):  # noqa: F811
    staff_user("door", ADMIN)
    key = api_key_create(username="door").key
    answer = client.post(
        "/api/v1/admin/checkin",
        {"code": ticket_code(student_ticket.pk), "showtime_id": night["tonight"].pk},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert answer.status_code == 200, answer.content
    assert (answer.json()["seat"]["ticket_type"], answer.json()["seat"]["door_note"]) == ("Student", "Show student ID")
