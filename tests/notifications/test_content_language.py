"""The tickets email and its PDF name the movie and the tariff in the booking's language."""

import datetime as dt
import email
import email.policy

import pytest

from marquee.booking.services import CustomerDetails, booking_hold
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.notifications.rendering.email import message_bytes, render_mail
from marquee.payments.services import booking_pay
from marquee.pricing.services import tariff_update
from tests import factories as f
from tests.notifications.helpers import attachment, html_body, pdf_pages_text, text_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def show():
    evening = f.tariff(name="Evening", start=dt.time(0), end=dt.time(23, 59))
    tariff_update(tariff_id=evening.pk, name_uk="Вечірній")
    movie = f.movie(title="Shadows of Forgotten Ancestors", title_uk="Тіні забутих предків", duration_min=97)
    starts = f.local_dt(dt.date.today() + dt.timedelta(days=3), 19, 30)
    return f.showtime(movie_obj=movie, hall_obj=f.hall(rows=2, seats=4), starts_at=starts)


def tickets_for(show, language: str):
    seat = show.hall.seats.order_by("pk").first()
    held = booking_hold(
        showtime_id=show.pk,
        seat_ids=[seat.pk],
        customer=CustomerDetails(first_name="Olena", last_name="Koval", email="olena@example.com"),
        language=language,
    )
    booking_pay(reference=held.booking.reference, method="demo")
    mail = OutgoingMail.objects.filter(booking=held.booking, kind=MailKind.TICKETS).latest("pk")
    return email.message_from_bytes(message_bytes(render_mail(mail)), policy=email.policy.default)


def test_a_ukrainian_booking_gets_ukrainian_titles_in_the_email_and_the_pdf(show):
    message = tickets_for(show, "uk")
    assert "Тіні забутих предків" in message["Subject"]
    for body in (text_body(message), html_body(message)):
        assert "Тіні забутих предків" in body and "Вечірній" in body
        assert "Shadows of Forgotten Ancestors" not in body and "Evening" not in body
    page = pdf_pages_text(attachment(message, "tickets.pdf"))[0]
    assert "Тіні забутих предків" in page and "Вечірній" in page
    assert "Shadows" not in page


def test_an_english_booking_gets_english_titles(show):
    message = tickets_for(show, "en")
    assert "Shadows of Forgotten Ancestors" in message["Subject"]
    page = pdf_pages_text(attachment(message, "tickets.pdf"))[0]
    assert "Shadows of Forgotten" in page and "Evening" in page  # the PDF wraps the long title
    assert "Тіні" not in page


def test_a_tariff_renamed_since_the_booking_keeps_the_name_that_was_sold(show):
    seat = show.hall.seats.order_by("pk").first()
    held = booking_hold(
        showtime_id=show.pk,
        seat_ids=[seat.pk],
        customer=CustomerDetails(first_name="Olena", last_name="Koval", email="olena@example.com"),
        language="uk",
    )
    tariff_update(tariff_id=held.seats[0].tariff_id, name="Prime time")
    booking_pay(reference=held.booking.reference, method="demo")
    mail = OutgoingMail.objects.filter(booking=held.booking, kind=MailKind.TICKETS).latest("pk")
    message = email.message_from_bytes(message_bytes(render_mail(mail)), policy=email.policy.default)
    assert "Evening" in text_body(message)
