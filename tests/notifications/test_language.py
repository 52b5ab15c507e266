"""Every email is written in the language the customer used: the site's (cookie or
Accept-Language), the API's Accept-Language, and later mails about a booking follow it."""

import datetime as dt
import email
import email.policy
import json
from email.message import EmailMessage

import pytest
from django.urls import reverse
from django.utils import formats, translation

from marquee.booking.models import Booking
from marquee.booking.services import booking_resend
from marquee.core.clock import local
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.notifications.rendering.email import message_bytes, render_mail
from marquee.notifications.services import mail_requeue
from marquee.notifications.worker import mail_deliver_due
from marquee.payments.services import booking_cancel, booking_pay, showtime_cancel
from tests import factories as f
from tests.notifications.helpers import attachment, html_body, pdf_pages_text, text_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def show():
    starts = f.local_dt(dt.date.today() + dt.timedelta(days=3), 19, 30)
    return f.showtime(
        movie_obj=f.movie(title="Тіні забутих предків", duration_min=97),
        hall_obj=f.hall(rows=4, seats=6, vip_rows=(4,), number=7),
        starts_at=starts,
    )


def _seat_ids(show, n=2):
    return list(show.hall.seats.filter(row_number=2).order_by("seat_number").values_list("pk", flat=True)[:n])


def _rendered(mail: OutgoingMail) -> EmailMessage:
    """The message as it would go over the wire, parsed back."""
    return email.message_from_bytes(message_bytes(render_mail(mail)), policy=email.policy.default)


def _mail(booking: Booking, kind: MailKind) -> OutgoingMail:
    return OutgoingMail.objects.filter(booking=booking, kind=kind).latest("pk")


def _checkout(client, show) -> Booking:
    response = client.post(
        reverse("public:checkout", args=[show.pk]),
        {
            "seat": _seat_ids(show),
            "first_name": "Olena",
            "last_name": "Koval",
            "email": "olena@example.com",
            "phone": "+380501234567",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    booking = Booking.objects.latest("pk")
    paid = client.post(reverse("public:booking_pay", args=[booking.reference]), {"method": "demo"})
    assert paid.status_code == 302
    booking.refresh_from_db()
    return booking


def _uk_day(show) -> str:
    with translation.override("uk"):
        return formats.date_format(local(show.starts_at), "j E Y")


def test_booking_on_the_ukrainian_site_gets_ukrainian_tickets(client, show):
    client.post(reverse("set_language"), {"language": "uk", "next": reverse("public:home")})
    booking = _checkout(client, show)
    assert booking.language == "uk"
    mail = _mail(booking, MailKind.TICKETS)
    assert mail.language == "uk"

    message = _rendered(mail)
    assert message["Subject"] == f"Ваші квитки: Тіні забутих предків, {_uk_day(show)}"
    text, html = text_body(message), html_body(message)
    for body in (text, html):
        assert "Вітаємо, Olena Koval!" in body
        assert "Код бронювання:" in body
        assert "Квиток 1 з 2" in body
        assert _uk_day(show) in body  # "… листопада 2026": the month in the genitive, as on the site
        assert "Here are your tickets" not in body and "Booking reference" not in body
    assert "ряд 2, місце 1" in text
    assert "<strong>Ряд 2</strong> · <strong>Місце 1</strong>" in html
    assert '<html lang="uk">' in html

    pages = pdf_pages_text(attachment(message, "tickets.pdf"))
    assert len(pages) == 2
    # The labels are drawn in capitals ("Ряд" → "РЯД").
    assert "РЯД" in pages[0] and "МІСЦЕ" in pages[0] and "Квиток 1 з 2" in pages[0]
    assert "Вхід для однієї особи: Olena Koval" in pages[0]
    assert "ROW" not in pages[0]
    ics = attachment(message, "showtime.ics").decode()
    assert "Бронювання " + booking.reference in ics and "зала 7" in ics


def test_booking_on_the_english_site_stays_english(client, show):
    booking = _checkout(client, show)
    assert booking.language == "en"
    message = _rendered(_mail(booking, MailKind.TICKETS))
    assert message["Subject"].startswith("Your tickets: Тіні забутих предків")
    text = text_body(message)
    assert "Hello Olena Koval," in text
    assert "row 2, seat 1" in text and "Booking reference:" in text
    assert "Ваші квитки" not in text and "Вітаємо" not in text
    pages = pdf_pages_text(attachment(message, "tickets.pdf"))
    assert "ROW" in pages[0] and "Admits one: Olena Koval" in pages[0]


def test_api_follows_accept_language(client, show):
    body = {
        "showtime_id": show.pk,
        "seat_ids": _seat_ids(show, 1),
        "customer": {"first_name": "Olena", "last_name": "Koval", "email": "olena@example.com"},
    }
    response = client.post(
        "/api/v1/bookings", data=json.dumps(body), content_type="application/json", headers={"Accept-Language": "uk"}
    )
    assert response.status_code == 201, response.content
    booking = booking_pay(reference=response.json()["reference"], method="demo")
    assert booking.language == "uk"
    message = _rendered(_mail(booking, MailKind.TICKETS))
    assert message["Subject"].startswith("Ваші квитки:")
    assert "Сплачено:" in text_body(message)


def test_api_with_a_language_we_do_not_speak_writes_in_the_default(client, show):
    body = {
        "showtime_id": show.pk,
        "seat_ids": _seat_ids(show, 1),
        "customer": {"first_name": "Olena", "last_name": "Koval", "email": "olena@example.com"},
    }
    response = client.post(
        "/api/v1/bookings", data=json.dumps(body), content_type="application/json", headers={"Accept-Language": "de"}
    )
    assert response.status_code == 201, response.content
    booking = booking_pay(reference=response.json()["reference"], method="demo")
    assert booking.language in {"", "en"}
    assert _rendered(_mail(booking, MailKind.TICKETS))["Subject"].startswith("Your tickets:")


def test_later_mails_about_a_ukrainian_booking_are_ukrainian(show, smtp_server):
    booking = booking_pay(reference=f.hold(show, _seat_ids(show), language="uk").booking.reference, method="demo")

    booking_resend(reference=booking.reference)
    resent = _mail(booking, MailKind.RESEND)
    assert resent.language == "uk"
    message = _rendered(resent)
    assert message["Subject"].startswith("Ваші квитки (надіслано повторно):")
    assert "Надсилаємо ваші квитки ще раз." in text_body(message)
    assert "РЯД" in pdf_pages_text(attachment(message, "tickets.pdf"))[0]

    # Staff's "resend" of a message (once it went out) keeps its language.
    while mail_deliver_due():
        pass
    assert mail_requeue(mail_id=resent.pk).language == "uk"

    booking_cancel(reference=booking.reference)
    cancelled = _rendered(_mail(booking, MailKind.CANCELLATION))
    assert cancelled["Subject"].startswith("Бронювання скасовано:")
    assert "Ваше бронювання " + booking.reference + " скасовано" in text_body(cancelled)


def test_a_gift_recipient_is_told_of_the_cancellation_in_the_bookings_language(show):
    held = f.hold(show, _seat_ids(show), language="uk", recipient_name="Тарас", recipient_email="taras@example.com")
    booking = booking_pay(reference=held.booking.reference, method="demo")
    booking_cancel(reference=booking.reference)
    mail = OutgoingMail.objects.get(booking=booking, kind=MailKind.CANCELLATION, to_email="taras@example.com")
    message = _rendered(mail)
    assert message["Subject"].startswith("Подаровані вам квитки скасовано: Тіні забутих предків")
    text, html = text_body(message), html_body(message)
    assert text.startswith("Вітаємо, Тарас!")
    assert "Квитки на «Тіні забутих предків»" in text and "які вам подарував(-ла) Olena, скасовано" in text
    assert "Квитки на <strong>Тіні забутих предків</strong>" in html and "Вони більше не дійсні." in html
    assert "повернуться" not in text and "грн" not in text.lower() and "UAH" not in text


def test_showtime_cancelled_apology_is_in_the_bookings_language(show):
    uk = booking_pay(reference=f.hold(show, _seat_ids(show, 1), language="uk").booking.reference, method="demo")
    en_seat = show.hall.seats.filter(row_number=3).order_by("pk").values_list("pk", flat=True)[:1]
    en = booking_pay(reference=f.hold(show, list(en_seat), email="ivan@example.com").booking.reference, method="demo")
    showtime_cancel(showtime_id=show.pk)

    uk_message = _rendered(_mail(uk, MailKind.SHOWTIME_CANCELLED))
    assert uk_message["Subject"].startswith("Перепрошуємо: сеанс «Тіні забутих предків»")
    assert "Нам дуже прикро" in html_body(uk_message)
    en_message = _rendered(_mail(en, MailKind.SHOWTIME_CANCELLED))
    assert en_message["Subject"].startswith("We are sorry:")


def test_sign_in_link_in_the_language_of_the_page(client, show):
    f.hold(show, _seat_ids(show, 1))
    client.post(reverse("set_language"), {"language": "uk", "next": reverse("public:home")})
    client.post(reverse("public:my_bookings"), {"email": "olena@example.com"})
    mail = OutgoingMail.objects.get(kind=MailKind.SIGN_IN)
    assert mail.language == "uk"
    message = _rendered(mail)
    assert message["Subject"].startswith("Посилання для входу на сайт")
    assert "Скористайтеся цим посиланням" in text_body(message)


def test_unknown_language_on_hold_falls_back_to_the_default(show):
    booking = f.hold(show, _seat_ids(show, 1), language="xx").booking
    assert booking.language == ""


def test_a_ukrainian_receipt_names_the_recipient_without_declining_the_name_and_prices_in_hryvnias(show):
    held = f.hold(
        show, _seat_ids(show), language="uk", recipient_name="Оксана Шевчук", recipient_email="oksana@example.com"
    )
    booking = booking_pay(reference=held.booking.reference, method="demo")
    message = _rendered(_mail(booking, MailKind.RECEIPT))
    text, html = text_body(message), html_body(message)
    assert "Отримувач: Оксана Шевчук (oksana@example.com)" in text
    assert "Отримувач: <strong>Оксана Шевчук</strong>" in html
    assert "отримувачу Оксана" not in text + html
    with translation.override("uk"):
        total = formats.number_format(booking.total_price, 2)
    assert f"{total}\xa0грн" in text and "UAH" not in text
