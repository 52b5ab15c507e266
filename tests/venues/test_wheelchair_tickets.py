"""Tickets for a wheelchair space and its companion seat say so, in the email (HTML and text)
and the PDF, where the seat type is."""

import datetime as dt
import email
import email.policy

import pytest

from marquee.notifications.models import MailKind, OutgoingMail
from marquee.notifications.rendering.email import message_bytes, render_mail
from marquee.payments.services import booking_pay
from marquee.venues.services import seat_update
from tests import factories as f
from tests.notifications.helpers import attachment, html_body, pdf_pages_text, text_body

pytestmark = pytest.mark.django_db


def test_the_tickets_name_the_wheelchair_space_and_the_companion_seat():
    starts = f.local_dt(dt.date.today() + dt.timedelta(days=3), 19, 30)
    show = f.showtime(hall_obj=f.hall(rows=1, seats=4), starts_at=starts)
    space, companion, plain = show.hall.seats.order_by("seat_number")[:3]
    held = f.hold(show, seat_ids=[space.pk, companion.pk, plain.pk])
    # Typed after the hold: which customers may book such seats is another rule's business.
    seat_update(seat_id=space.pk, seat_type="wheelchair")
    seat_update(seat_id=companion.pk, seat_type="companion")
    booking_pay(reference=held.booking.reference, method="demo")
    mail = OutgoingMail.objects.filter(booking=held.booking, kind=MailKind.TICKETS).latest("pk")
    message = email.message_from_bytes(message_bytes(render_mail(mail)), policy=email.policy.default)

    for body in (text_body(message), html_body(message)):
        assert body.count("♿ Wheelchair space: a place for a wheelchair, with no seat.") == 1
        assert body.count("♿ Companion seat, beside a wheelchair space.") == 1
    first, second, third = pdf_pages_text(attachment(message, "tickets.pdf"))
    assert "Wheelchair space" in first
    assert "Companion seat" in second
    assert "Wheelchair" not in third and "Companion" not in third
