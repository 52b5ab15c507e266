"""The tickets (email and PDF) say the showtime's format and language, in the reader's language:
"3D · Original, Ukrainian subtitles"."""

import datetime as dt
import email
import email.policy
from decimal import Decimal

import pytest

from marquee.notifications.models import MailKind, OutgoingMail
from marquee.notifications.rendering.email import message_bytes, render_mail
from marquee.payments.services import booking_pay
from marquee.scheduling.formats import format_create, language_version_create
from marquee.scheduling.services import showtime_update
from tests import factories as f
from tests.notifications.helpers import attachment, html_body, pdf_pages_text, text_body

pytestmark = pytest.mark.django_db


def _paid_tickets(*, language: str, presentation: bool = True):
    format_create(code="3d", name="3D", surcharge=Decimal("40.00"))
    language_version_create(
        code="ov-uk-subs", name_en="Original, Ukrainian subtitles", name_uk="Мовою оригіналу, українські субтитри"
    )
    show = f.showtime(starts_at=f.local_dt(dt.date.today() + dt.timedelta(days=3), 19, 30))
    if presentation:
        showtime_update(showtime_id=show.pk, format_code="3d", language_code="ov-uk-subs")
    seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True)[:1])
    booking = f.hold(show, seats, language=language).booking
    booking_pay(reference=booking.reference, method="demo")
    mail = OutgoingMail.objects.filter(booking=booking, kind=MailKind.TICKETS).latest("pk")
    return email.message_from_bytes(message_bytes(render_mail(mail)), policy=email.policy.default)


def test_the_tickets_say_the_format_and_language():
    message = _paid_tickets(language="en")
    assert "3D · Original, Ukrainian subtitles" in text_body(message)
    assert "3D · Original, Ukrainian subtitles" in html_body(message)
    (page,) = pdf_pages_text(attachment(message, "tickets.pdf"))
    assert "3D · Original, Ukrainian subtitles" in page


def test_in_ukrainian_the_language_is_named_in_ukrainian():
    message = _paid_tickets(language="uk")
    assert "3D · Мовою оригіналу, українські субтитри" in text_body(message)
    (page,) = pdf_pages_text(attachment(message, "tickets.pdf"))
    assert "Мовою оригіналу" in page


def test_a_showtime_that_says_nothing_prints_no_line():
    message = _paid_tickets(language="en", presentation=False)
    # No presentation line: the booking's reference, link and ticket codes are random and may
    # hold "3D" themselves (reference X73DU4W4 did), so lines are looked at, not the text.
    lines = [line.strip() for line in text_body(message).splitlines()]
    assert not any(line.startswith("3D") for line in lines)
    assert "subtitles" not in text_body(message) and "subtitles" not in html_body(message)
