"""Staff resends of tickets are limited too (issue 10, point 3), with a message that says so."""

import json

import pytest

from marquee.booking.models import Booking, BookingStatus
from marquee.core.errors import RateLimited
from marquee.notifications.models import MailKind, MailStatus, OutgoingMail
from marquee.notifications.services import mail_requeue

pytestmark = pytest.mark.django_db


def _paid(show) -> Booking:
    return Booking.objects.get(showtime=show, status=BookingStatus.PAID)


def test_the_box_office_resends_at_most_three_times_an_hour(box_client, show):
    booking = _paid(show)
    url = f"/staff/bookings/{booking.reference}/resend/"
    pages = [box_client.post(url, follow=True).content.decode() for _ in range(4)]
    assert OutgoingMail.objects.filter(kind=MailKind.RESEND, booking=booking).count() == 3
    assert "will be emailed again" in pages[2]
    assert "already sent again 3 times in the last hour" in pages[3]
    assert "can be sent again after" in pages[3]


def test_the_staff_api_answers_429_past_the_limit(show, settings):
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from marquee.staff.roles import BOX_OFFICE
    from marquee.staff.services import api_key_create

    user = User.objects.create_user("kiosk", password="pw-kiosk-123", is_staff=True)
    user.groups.add(Group.objects.get(name=BOX_OFFICE))
    key = api_key_create(username="kiosk", name="till").key
    booking = _paid(show)
    client = Client()
    codes = []
    for _ in range(4):
        response = client.post(
            f"/api/v1/admin/bookings/{booking.reference}/resend", headers={"Authorization": f"Bearer {key}"}
        )
        codes.append(response.status_code)
    assert codes == [200, 200, 200, 429]
    body = json.loads(response.content)
    assert body["error"] == "rate_limited" and body["limit"] == "resends_per_booking"


def test_the_delivery_log_counts_the_same_resends(show):
    booking = _paid(show)
    tickets = OutgoingMail.objects.get(kind=MailKind.TICKETS, booking=booking)
    for _ in range(3):
        OutgoingMail.objects.filter(booking=booking).update(status=MailStatus.SENT)
        mail_requeue(mail_id=tickets.pk)
    OutgoingMail.objects.filter(booking=booking).update(status=MailStatus.SENT)
    with pytest.raises(RateLimited):
        mail_requeue(mail_id=tickets.pk)
