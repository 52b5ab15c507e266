"""The staff's ticket types page: list, create, edit, delete or take off sale, in both languages,
each change audited, and only for whoever keeps tariffs."""

from decimal import Decimal

import pytest
from django.urls import reverse

from marquee.audit.models import AuditEntry
from marquee.pricing.models import TicketType
from tests import factories as f

pytestmark = pytest.mark.django_db

STUDENT = {
    "code": "student",
    "name_en": "Student",
    "name_uk": "Студентський",
    "door_note_en": "Show student ID",
    "door_note_uk": "Покажіть студентський квиток",
    "rule": "amount_off",
    "multiplier": "1",
    "amount_off": "30.00",
    "min_price": "0",
    "max_age_rating": "",
    "position": "2",
    "is_active": "on",
}


def test_create_a_student_type_from_the_page(admin_client):
    answer = admin_client.post(reverse("backoffice:ticket_types"), STUDENT)
    assert answer.status_code == 302, answer.content.decode()
    student = TicketType.objects.get(code="student")
    assert (student.rule, student.amount_off, student.max_age_rating, student.door_note_uk) == (
        "amount_off",
        Decimal("30.00"),
        None,
        "Покажіть студентський квиток",
    )
    entry = AuditEntry.objects.get(action="tickettype.create")
    assert entry.actor is not None and entry.changes["amount_off"] == "30.00"
    page = admin_client.get(reverse("backoffice:ticket_types")).content.decode()
    assert "Student" in page and "Show student ID" in page and "30.00" in page


def test_the_page_reads_in_ukrainian(admin_client):
    f.ticket_type("child", "Child", name_uk="Дитячий", multiplier=Decimal("0.6"), max_age_rating=12)
    admin_client.cookies["django_language"] = "uk"
    page = admin_client.get(reverse("backoffice:ticket_types")).content.decode()
    assert "Типи квитків" in page
    assert "Дитячий" in page


def test_edit_a_type_keeps_the_seats_already_sold(admin_client):
    child = f.ticket_type("child", "Child", multiplier=Decimal("0.6"))
    show = f.showtime()
    seat = show.hall.seats.order_by("pk").first().pk
    sold = f.hold(show, [seat], ticket_types={seat: "child"}).seats[0]
    form = {**STUDENT, "code": "child", "name_en": "Kid", "rule": "multiplier", "multiplier": "0.5", "amount_off": "0"}
    answer = admin_client.post(reverse("backoffice:ticket_type", args=[child.pk]), form)
    assert answer.status_code == 302
    child.refresh_from_db()
    assert (child.name_en, child.multiplier) == ("Kid", Decimal("0.500"))
    sold.refresh_from_db()
    assert (sold.final_price, sold.ticket_type_name) == (Decimal("60.00"), "Child")
    assert AuditEntry.objects.get(action="tickettype.update").changes["multiplier"] == ["0.60", "0.50"]


def test_delete_a_sold_type_takes_it_off_sale_and_an_unsold_one_goes(admin_client):
    child = f.ticket_type("child", "Child", multiplier=Decimal("0.6"))
    senior = f.ticket_type("senior", "Senior", multiplier=Decimal("0.7"))
    show = f.showtime()
    seat = show.hall.seats.order_by("pk").first().pk
    f.hold(show, [seat], ticket_types={seat: "child"})
    admin_client.post(reverse("backoffice:ticket_type_delete", args=[child.pk]))
    admin_client.post(reverse("backoffice:ticket_type_delete", args=[senior.pk]))
    assert list(TicketType.objects.values_list("code", "is_active")) == [("adult", True), ("child", False)]
    assert {e.action for e in AuditEntry.objects.filter(target_type="tickettype")} == {
        "tickettype.create",
        "tickettype.deactivate",
        "tickettype.delete",
    }


def test_a_bad_form_says_why_in_place(admin_client):
    answer = admin_client.post(reverse("backoffice:ticket_types"), {**STUDENT, "code": "adult"})
    assert answer.status_code == 422
    assert "Another ticket type has this code." in answer.content.decode()


def test_the_box_office_cannot_keep_types(box_client):
    assert box_client.get(reverse("backoffice:ticket_types")).status_code == 403


def test_the_staff_booking_page_shows_each_seat_s_type(admin_client):
    f.ticket_type("child", "Child", multiplier=Decimal("0.6"))
    show = f.showtime()
    a, b = show.hall.seats.order_by("pk").values_list("pk", flat=True)[:2]
    booking = f.hold(show, [a, b], ticket_types={b: "child"}).booking
    page = admin_client.get(reverse("backoffice:booking", args=[booking.reference])).content.decode()
    assert "<td>Adult</td>" in page and "<td>Child</td>" in page
