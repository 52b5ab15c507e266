"""Ticket types through the staff API: create, read, change, delete (or take off sale), the one
default, and the refusals."""

from decimal import Decimal

import pytest

from marquee.audit.models import AuditEntry
from marquee.pricing.models import TicketType
from tests import factories as f

pytestmark = pytest.mark.django_db

CHILD = {
    "code": "child",
    "name_en": "Child",
    "name_uk": "Дитячий",
    "multiplier": "0.6",
    "min_price": "60.00",
    "max_age_rating": 12,
    "position": 1,
}


def test_ticket_types_crud(admin_api):
    created = admin_api.post("/ticket-types", CHILD)
    assert created.status_code == 201, created.content
    child = created.json()
    assert child | {"id": 0} == {
        "id": 0,
        "code": "child",
        "name": "Child",
        "name_en": "Child",
        "name_uk": "Дитячий",
        "door_note": "",
        "door_note_en": "",
        "door_note_uk": "",
        "rule": "multiplier",
        "multiplier": "0.60",
        "amount_off": "0.00",
        "min_price": "60.00",
        "max_age_rating": 12,
        "is_default": False,
        "is_active": True,
        "position": 1,
    }
    assert [t["code"] for t in admin_api.get("/ticket-types").json()] == ["adult", "child"]
    assert admin_api.get(f"/ticket-types/{child['id']}").json() == child
    changed = admin_api.patch(f"/ticket-types/{child['id']}", {"max_age_rating": None, "door_note_en": "Under 14"})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["max_age_rating"], changed.json()["door_note"]) == (None, "Under 14")
    assert admin_api.delete(f"/ticket-types/{child['id']}").status_code == 204
    assert admin_api.get(f"/ticket-types/{child['id']}").status_code == 404
    actions = list(AuditEntry.objects.filter(target_type="tickettype").order_by("pk").values_list("action", flat=True))
    assert actions == ["tickettype.create", "tickettype.update", "tickettype.delete"]


def test_deleting_a_type_some_seat_was_sold_as_takes_it_off_sale(admin_api):
    child = f.ticket_type("child", "Child", multiplier=Decimal("0.6"))
    show = f.showtime()
    seat = show.hall.seats.order_by("pk").first().pk
    f.hold(show, [seat], ticket_types={seat: "child"})
    answer = admin_api.delete(f"/ticket-types/{child.pk}")
    assert answer.status_code == 200, answer.content
    assert answer.json()["is_active"] is False
    assert TicketType.objects.filter(pk=child.pk, is_active=False).exists()


def test_the_default_cannot_be_deleted_nor_taken_off_sale_nor_left_without(admin_api):
    adult = TicketType.objects.get(is_default=True)
    assert admin_api.delete(f"/ticket-types/{adult.pk}").json()["error"] == "invalid_state"
    off = admin_api.patch(f"/ticket-types/{adult.pk}", {"is_active": False})
    assert off.status_code == 422
    assert "is_active" in off.json()["fields"]
    none = admin_api.patch(f"/ticket-types/{adult.pk}", {"is_default": False})
    assert none.status_code == 422
    assert "is_default" in none.json()["fields"]


def test_a_new_default_takes_the_mark_from_the_old(admin_api):
    made = admin_api.post("/ticket-types", {"code": "standard", "name_en": "Standard", "is_default": True})
    assert made.status_code == 201, made.content
    assert list(TicketType.objects.filter(is_default=True).values_list("code", flat=True)) == ["standard"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**CHILD, "code": "Child Ticket"}, "code"),
        ({**CHILD, "multiplier": "1.5"}, "multiplier"),
        ({**CHILD, "multiplier": "0"}, "multiplier"),
        ({**CHILD, "name_en": "", "name_uk": ""}, "name"),
        ({**CHILD, "max_age_rating": 13}, "max_age_rating"),
        ({**CHILD, "amount_off": "-1.00"}, "amount_off"),
        ({**CHILD, "code": "adult"}, "code"),
        ({**CHILD, "rule": "free"}, "rule"),
        ({**CHILD, "unknown": 1}, "unknown"),
    ],
)
def test_a_bad_type_answers_422_naming_the_field(admin_api, body, field):
    answer = admin_api.post("/ticket-types", body)
    assert answer.status_code == 422, answer.content
    assert answer.json()["error"] == "validation_error"
    assert any(field in name for name in answer.json()["fields"]), answer.json()
