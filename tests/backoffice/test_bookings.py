"""Bookings at the box office: find, read, mark paid, cancel, resend; errors as messages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from marquee.booking.models import Booking, BookingStatus, CancelReason
from marquee.core.money import money_text
from marquee.notifications.models import MailKind, OutgoingMail


@pytest.fixture
def paid(show):
    return Booking.objects.get(showtime=show, status=BookingStatus.PAID)


@pytest.fixture
def pending(show):
    return Booking.objects.get(showtime=show, status=BookingStatus.PENDING)


def test_find_by_reference_opens_the_booking(box_client, paid):
    response = box_client.get(reverse("backoffice:bookings"), {"q": paid.reference.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:booking", args=[paid.reference])


def test_find_by_email_and_by_showtime(box_client, paid, pending, show):
    by_email = box_client.get(reverse("backoffice:bookings"), {"q": "example.com"})
    assert {b.pk for b in by_email.context["bookings"]} == {paid.pk, pending.pk}
    by_showtime = box_client.get(reverse("backoffice:bookings"), {"showtime": show.pk})
    assert {b.pk for b in by_showtime.context["bookings"]} == {paid.pk, pending.pk}
    nothing = box_client.get(reverse("backoffice:bookings"), {"q": "nobody@nowhere.test"})
    assert list(nothing.context["bookings"]) == []


def test_detail_lists_the_seats(box_client, paid):
    page = box_client.get(reverse("backoffice:booking", args=[paid.reference]))
    assert page.status_code == 200
    assert len(page.context["seats"]) == 2
    assert "Resend tickets" in page.content.decode()
    assert "Mark paid" not in page.content.decode()


def test_mark_paid_at_the_box_office(box_client, pending):
    response = box_client.post(reverse("backoffice:booking_pay", args=[pending.reference]), follow=True)
    pending.refresh_from_db()
    assert pending.status == BookingStatus.PAID
    assert pending.payment_method == "cash"
    assert "is paid" in response.content.decode()
    assert OutgoingMail.objects.filter(booking=pending, kind=MailKind.TICKETS).exists()


def test_cancel_by_staff(box_client, paid):
    response = box_client.post(reverse("backoffice:booking_cancel", args=[paid.reference]), follow=True)
    paid.refresh_from_db()
    assert (paid.status, paid.cancel_reason) == (BookingStatus.CANCELLED, CancelReason.STAFF)
    assert "is cancelled" in response.content.decode()


def test_resend_queues_the_tickets_again(box_client, paid):
    box_client.post(reverse("backoffice:booking_resend", args=[paid.reference]))
    assert OutgoingMail.objects.filter(booking=paid, kind=MailKind.RESEND).count() == 1


def test_a_refused_action_becomes_a_message(box_client, pending):
    response = box_client.post(reverse("backoffice:booking_resend", args=[pending.reference]), follow=True)
    assert response.status_code == 200
    assert "Only paid bookings have tickets to send." in response.content.decode()
    assert not OutgoingMail.objects.filter(booking=pending, kind=MailKind.RESEND).exists()


def test_actions_need_post(box_client, paid):
    assert box_client.get(reverse("backoffice:booking_cancel", args=[paid.reference])).status_code == 405


def test_mark_paid_on_the_card_terminal_is_a_ledger_entry_by_that_staff_member(box_client, pending):
    from marquee.payments.models import Payment

    box_client.post(reverse("backoffice:booking_pay", args=[pending.reference]), {"method": "card_terminal"})
    payment = Payment.objects.get(booking=pending)
    assert (payment.provider, payment.status, payment.amount) == ("card_terminal", "succeeded", pending.total_price)
    assert payment.taken_by.username == "box"


def test_cancel_with_part_refund_needs_a_reason_then_refunds_that_much(box_client, paid):

    from marquee.payments.models import Refund

    url = reverse("backoffice:booking_cancel", args=[paid.reference])
    refused = box_client.post(url, {"refund": "full", "refund_amount": "10.00"}, follow=True)
    assert "Give a reason" in refused.content.decode()
    assert Booking.objects.get(pk=paid.pk).status == BookingStatus.PAID
    box_client.post(url, {"refund": "full", "refund_amount": "10.00", "reason": "Late arrival"})
    refund = Refund.objects.get(payment__booking=paid)
    assert (refund.amount, refund.reason, refund.staff_user.username) == (Decimal("10.00"), "Late arrival", "box")
    assert Booking.objects.get(pk=paid.pk).status == BookingStatus.CANCELLED


def test_refund_part_keeps_the_booking(box_client, paid):
    from marquee.payments.models import Refund

    page = box_client.get(reverse("backoffice:booking", args=[paid.reference])).content.decode()
    assert "Refund part, keep the booking" in page
    url = reverse("backoffice:booking_refund", args=[paid.reference])
    done = box_client.post(url, {"amount": "5.00", "reason": "Broken seat"}, follow=True)
    # The amount as every page writes money (money_text: "UAH 5.00" in English).
    assert f"Refund of {money_text(Decimal('5.00'))}" in done.content.decode()
    too_much = box_client.post(url, {"amount": "99999.00", "reason": "x"}, follow=True)
    assert "More than is left to refund" in too_much.content.decode()
    assert Refund.objects.filter(payment__booking=paid).count() == 1
    assert Booking.objects.get(pk=paid.pk).status == BookingStatus.PAID
