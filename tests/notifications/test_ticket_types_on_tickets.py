"""The tickets email and the PDF name each ticket's type and its note for the door, in the
booking's language."""

import datetime as dt
import email
import email.policy
from decimal import Decimal

import pytest

from marquee.booking.services import CustomerDetails, booking_hold
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.notifications.rendering.email import message_bytes, render_mail
from marquee.payments.services import booking_pay
from tests import factories as f
from tests.notifications.helpers import attachment, html_body, pdf_pages_text, text_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def show():
    f.ticket_type(
        "student",
        "Student",
        name_uk="Студентський",
        rule="amount_off",
        amount_off=Decimal("30.00"),
        door_note_en="Show student ID",
        door_note_uk="Покажіть студентський квиток",
    )
    starts = f.local_dt(dt.date.today() + dt.timedelta(days=3), 19, 30)
    return f.showtime(movie_obj=f.movie(title="Dovbush"), hall_obj=f.hall(rows=1, seats=4), starts_at=starts)


def _tickets(show, language: str):
    a, b = show.hall.seats.order_by("pk").values_list("pk", flat=True)[:2]
    held = booking_hold(
        showtime_id=show.pk,
        seat_ids=[a, b],
        customer=CustomerDetails(first_name="Olena", last_name="Koval", email="olena@example.com"),
        language=language,
        ticket_types={b: "student"},
    )
    booking_pay(reference=held.booking.reference, method="demo")
    mail = OutgoingMail.objects.filter(booking=held.booking, kind=MailKind.TICKETS).latest("pk")
    return email.message_from_bytes(message_bytes(render_mail(mail)), policy=email.policy.default)


def test_the_email_and_the_pdf_show_the_type_and_the_door_note(show):
    message = _tickets(show, "en")
    for body in (text_body(message), html_body(message)):
        assert "Adult" in body and "Student" in body and "Show student ID" in body
    adult, student = pdf_pages_text(attachment(message, "tickets.pdf"))
    assert "Adult" in adult and "Show student ID" not in adult
    assert "Student — Show student ID" in student


def test_in_ukrainian_they_read_in_ukrainian(show):
    message = _tickets(show, "uk")
    assert "Покажіть студентський квиток" in text_body(message)
    student = pdf_pages_text(attachment(message, "tickets.pdf"))[1]
    assert "Студентський — Покажіть студентський квиток" in student
