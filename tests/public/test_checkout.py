"""The checkout end to end through the Django test client: seats, details, hold, pay."""

import re

import pytest
from django.urls import reverse

from marquee.booking.models import Booking, BookingStatus, Customer
from marquee.notifications.models import MailKind, OutgoingMail
from tests import factories

pytestmark = pytest.mark.django_db


def _details(seat_ids, **extra):
    data = {
        "seat": seat_ids,
        "first_name": "Olena",
        "last_name": "Koval",
        "email": "olena@example.com",
        "phone": "+380501234567",
    }
    data.update(extra)
    return data


def _seats(show, n=2, row=4):
    return list(show.hall.seats.filter(row_number=row).order_by("seat_number").values_list("pk", flat=True)[:n])


def test_gift_checkout_end_to_end(client, cinema):
    show = cinema["shows"][0]
    seat_ids = _seats(show)
    assert client.get(reverse("public:showtime", args=[show.pk])).status_code == 200

    details_url = reverse("public:checkout", args=[show.pk])
    page = client.get(details_url, {"seat": seat_ids})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Row 4, seat 1" in html and "Row 4, seat 2" in html
    assert "UAH\xa0300.00" in html  # 2 VIP seats at 150.00
    assert 'name="marketing_consent"' in html and "checked" not in re.search(
        r'<input[^>]*name="marketing_consent"[^>]*>', html
    ).group(0)

    response = client.post(
        details_url,
        _details(
            seat_ids,
            is_gift="on",
            recipient_name="Taras Koval",
            recipient_email="taras@example.com",
            gift_message="Happy birthday!",
        ),
    )
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("public:booking", args=[booking.reference])
    assert booking.status == BookingStatus.PENDING
    assert booking.recipient_email == "taras@example.com"

    pay_page = client.get(response["Location"]).content.decode()
    assert "data-expires=" in pay_page  # the hold's countdown
    assert "Pay UAH\xa0300.00 (demo)" in pay_page

    paid = client.post(reverse("public:booking_pay", args=[booking.reference]), {"method": "demo"}, follow=True)
    html = paid.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PAID
    assert "Payment received" in html
    assert show.hall.name in html and f"Hall {show.hall.number}" in html
    assert "Row 4, seat 1" in html and "Row 4, seat 2" in html
    assert "VIP" in html
    assert booking.reference in html
    assert "taras@example.com" in html  # who the tickets were sent to
    assert "UAH\xa0300.00" in html
    assert "Happy birthday!" in html

    customer = Customer.objects.get()
    assert customer.marketing_consent is False and customer.marketing_consent_at is None
    kinds = dict(OutgoingMail.objects.values_list("kind", "to_email"))
    assert kinds[MailKind.TICKETS] == "taras@example.com"
    assert kinds[MailKind.RECEIPT] == "olena@example.com"


def test_consent_is_recorded_only_when_ticked(client, cinema):
    show = cinema["shows"][0]
    client.post(reverse("public:checkout", args=[show.pk]), _details(_seats(show), marketing_consent="on"))
    customer = Customer.objects.get()
    assert customer.marketing_consent is True and customer.marketing_consent_at is not None


def test_gift_fields_are_ignored_unless_gift_is_ticked(client, cinema):
    show = cinema["shows"][0]
    client.post(
        reverse("public:checkout", args=[show.pk]),
        _details(_seats(show), recipient_name="Someone", recipient_email="someone@example.com"),
    )
    assert Booking.objects.get().recipient_email == ""


def test_gift_without_recipient_shows_errors(client, cinema):
    show = cinema["shows"][0]
    response = client.post(reverse("public:checkout", args=[show.pk]), _details(_seats(show), is_gift="on"))
    assert response.status_code == 200
    assert "Give the recipient&#x27;s name." in response.content.decode()
    assert not Booking.objects.exists()


def test_invalid_email_shows_error(client, cinema):
    show = cinema["shows"][0]
    response = client.post(reverse("public:checkout", args=[show.pk]), _details(_seats(show), email="nope"))
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Booking.objects.exists()


def test_seats_taken_meanwhile_go_back_to_the_map_naming_them(client, cinema):
    show = cinema["shows"][0]
    seat_ids = _seats(show, n=3)
    factories.hold(show, seat_ids=seat_ids[1:3], email="quick@example.com")  # someone was faster
    response = client.post(reverse("public:checkout", args=[show.pk]), _details(seat_ids), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("public:showtime", args=[show.pk]))
    assert "these seats were just taken: row 4, seat 2, row 4, seat 3" in html
    assert f'value="{seat_ids[0]}" id="seat-{seat_ids[0]}" data-price="150.00"\n' in html or (
        re.search(rf'id="seat-{seat_ids[0]}"[^>]*checked', html)
    )
    assert Booking.objects.count() == 1


def test_seats_taken_between_hold_check_and_hold(client, cinema, monkeypatch):
    """SeatsUnavailable from the service itself (a race lost at the database) is shown nicely."""
    from marquee.core.errors import SeatsUnavailable
    from marquee.payments import checkout

    show = cinema["shows"][0]
    seat_ids = _seats(show)

    def lost_race(**kwargs):
        raise SeatsUnavailable("taken", seat_ids=[seat_ids[0]])

    monkeypatch.setattr(checkout, "booking_hold", lost_race)
    response = client.post(reverse("public:checkout", args=[show.pk]), _details(seat_ids), follow=True)
    assert "this seat was just taken: row 4, seat 1" in response.content.decode()


def test_too_many_seats(client, cinema, settings):
    settings.MAX_SEATS_PER_BOOKING = 2
    show = cinema["shows"][0]
    response = client.get(reverse("public:checkout", args=[show.pk]), {"seat": _seats(show, n=3)}, follow=True)
    assert "Choose at most 2 seats." in response.content.decode()


def test_no_seats(client, cinema):
    show = cinema["shows"][0]
    response = client.get(reverse("public:checkout", args=[show.pk]), follow=True)
    assert "Choose at least one seat." in response.content.decode()


def test_seat_of_another_hall_is_refused(client, cinema):
    show = cinema["shows"][0]
    stranger = cinema["small"].seats.first().pk
    response = client.get(reverse("public:checkout", args=[show.pk]), {"seat": [stranger]}, follow=True)
    assert "not in this hall" in response.content.decode()


def test_started_showtime_is_closed(client, cinema):
    import datetime as dt

    import time_machine

    show = cinema["shows"][0]
    with time_machine.travel(show.starts_at + dt.timedelta(minutes=1)):
        page = client.get(reverse("public:showtime", args=[show.pk])).content.decode()
        assert "Sales for this showtime are closed." in page
        response = client.post(reverse("public:checkout", args=[show.pk]), _details(_seats(show)), follow=True)
        assert "Sales for this showtime are closed." in response.content.decode()
    assert not Booking.objects.exists()


def test_booking_link_with_token_and_wrong_token(client, cinema):
    show = cinema["shows"][0]
    held = factories.hold(show)
    url = reverse("public:booking", args=[held.booking.reference])
    assert client.get(url).status_code == 404  # no token, no session
    assert client.get(url, {"token": "wrong"}).status_code == 404
    assert client.get(reverse("public:booking", args=["NOSUCHREF"]), {"token": held.token}).status_code == 404
    response = client.get(url, {"token": held.token})
    assert response.status_code == 302 and response["Location"] == url  # token moved to the session
    assert client.get(url).status_code == 200
    # The token of one booking opens no other.
    other = factories.hold(show, seat_ids=_seats(show), email="someone@example.com")
    assert (
        client.get(reverse("public:booking", args=[other.booking.reference]), {"token": held.token}).status_code == 404
    )


def test_actions_need_access(client, cinema):
    held = factories.hold(cinema["shows"][0])
    ref = held.booking.reference
    for name in ("booking_pay", "booking_cancel", "booking_resend"):
        assert client.post(reverse(f"public:{name}", args=[ref])).status_code == 404


def test_cancel_and_resend(client, cinema):
    show = cinema["shows"][0]
    client.post(reverse("public:checkout", args=[show.pk]), _details(_seats(show)))
    booking = Booking.objects.get()
    client.post(reverse("public:booking_pay", args=[booking.reference]), {"method": "demo"})
    resend = client.post(reverse("public:booking_resend", args=[booking.reference]), follow=True)
    assert "We are sending the tickets again to olena@example.com." in resend.content.decode()
    assert OutgoingMail.objects.filter(kind=MailKind.RESEND).count() == 1
    cancel = client.post(reverse("public:booking_cancel", args=[booking.reference]), {"confirm": "yes"}, follow=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert "The booking is cancelled" in cancel.content.decode()


def test_cancel_after_cutoff_is_refused_nicely(client, cinema):
    import datetime as dt

    import time_machine

    show = cinema["shows"][0]
    client.post(reverse("public:checkout", args=[show.pk]), _details(_seats(show)))
    booking = Booking.objects.get()
    client.post(reverse("public:booking_pay", args=[booking.reference]), {"method": "demo"})
    with time_machine.travel(show.starts_at - dt.timedelta(minutes=30)):
        page = client.get(reverse("public:booking", args=[booking.reference])).content.decode()
        assert "too late to cancel online" in page
        response = client.post(
            reverse("public:booking_cancel", args=[booking.reference]), {"confirm": "yes"}, follow=True
        )
        assert "too late to cancel" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PAID


def test_expired_hold_cannot_be_paid(client, cinema):
    import datetime as dt

    import time_machine

    show = cinema["shows"][0]
    client.post(reverse("public:checkout", args=[show.pk]), _details(_seats(show)))
    booking = Booking.objects.get()
    with time_machine.travel(booking.expires_at + dt.timedelta(seconds=1)):
        page = client.get(reverse("public:booking", args=[booking.reference])).content.decode()
        assert "The hold has expired" in page
        response = client.post(reverse("public:booking_pay", args=[booking.reference]), {"method": "demo"}, follow=True)
        assert "please choose your seats again" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_booking_pages_take_constant_queries(client, cinema, django_assert_max_num_queries):
    show = cinema["shows"][0]
    client.post(reverse("public:checkout", args=[show.pk]), _details(_seats(show, n=1)))
    small = Booking.objects.get()
    client.post(reverse("public:checkout", args=[show.pk]), _details(_seats(show, n=6, row=1)))
    large = Booking.objects.exclude(pk=small.pk).get()
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("public:booking", args=[small.reference]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("public:booking", args=[large.reference]))
    seat_ids = _seats(show, n=6, row=2)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("public:checkout", args=[show.pk]), {"seat": seat_ids[:1]})
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("public:checkout", args=[show.pk]), {"seat": seat_ids})


def test_seat_map_reminds_the_visitor_of_their_own_hold(client, cinema):
    show = cinema["shows"][0]
    client.post(reverse("public:checkout", args=[show.pk]), _details(_seats(show)))
    booking = Booking.objects.get()
    html = client.get(reverse("public:showtime", args=[show.pk])).content.decode()
    assert "You are holding these seats until" in html
    assert reverse("public:booking", args=[booking.reference]) in html


def test_emailed_manage_link_opens_the_booking(client, cinema):
    from marquee.booking.links import manage_link_token

    held = factories.hold(cinema["shows"][0])
    url = reverse("public:booking", args=[held.booking.reference])
    assert client.get(url, {"key": "forged"}).status_code == 404
    response = client.get(url, {"key": manage_link_token(held.booking)})
    assert response.status_code == 302 and response["Location"] == url
    assert client.get(url).status_code == 200
    cancel = client.post(
        reverse("public:booking_cancel", args=[held.booking.reference]), {"confirm": "yes"}, follow=True
    )
    assert "The booking is cancelled" in cancel.content.decode()


def test_back_after_paying_shows_the_booking_not_a_conflict(client, cinema):
    """The browser's Back button (or a re-sent form) after paying: the seats are the visitor's own."""
    show = cinema["shows"][0]
    seat_ids = _seats(show)
    details_url = reverse("public:checkout", args=[show.pk])
    client.post(details_url, _details(seat_ids))
    booking = Booking.objects.get()
    client.post(reverse("public:booking_pay", args=[booking.reference]), {"method": "demo"})

    for response in (
        client.post(details_url, _details(seat_ids), follow=True),  # the form sent again
        client.get(details_url, {"seat": seat_ids}, follow=True),  # back to the details step
    ):
        html = response.content.decode()
        assert response.redirect_chain[-1][0] == reverse("public:booking", args=[booking.reference])
        assert "just taken" not in html
        assert "These seats are already yours" in html
        assert "Your tickets" in html
    assert Booking.objects.count() == 1


def test_seats_bought_by_someone_else_are_still_a_conflict(client, cinema):
    show = cinema["shows"][0]
    seat_ids = _seats(show)
    client.post(reverse("public:checkout", args=[show.pk]), _details(seat_ids))
    booking = Booking.objects.get()
    client.post(reverse("public:booking_pay", args=[booking.reference]), {"method": "demo"})
    stranger = client.__class__()
    response = stranger.get(reverse("public:checkout", args=[show.pk]), {"seat": seat_ids}, follow=True)
    assert "these seats were just taken" in response.content.decode()


def test_cancelling_a_paid_booking_asks_first_and_says_where_the_money_goes(client, cinema):
    show = cinema["shows"][0]
    client.post(reverse("public:checkout", args=[show.pk]), _details(_seats(show)))
    booking = Booking.objects.get()
    client.post(reverse("public:booking_pay", args=[booking.reference]), {"method": "demo"})
    cancel_url = reverse("public:booking_cancel", args=[booking.reference])

    page = client.get(reverse("public:booking", args=[booking.reference])).content.decode()
    assert f'href="{cancel_url}"' in page  # a link to the question, not a one-tap form
    asked = client.get(cancel_url).content.decode()
    assert "Cancel this booking?" in asked
    assert "the full amount, UAH\xa0300.00, goes back to the card or account you paid with" in asked
    assert "3–10 working days" in asked
    assert 'name="confirm"' in asked and "No, keep it" in asked
    # A POST without the confirmation (an old page, a stray tap) only asks again.
    again = client.post(cancel_url)
    assert again.status_code == 200 and "Cancel this booking?" in again.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PAID

    done = client.post(cancel_url, {"confirm": "yes"}, follow=True).content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert "The full amount, UAH\xa0300.00, goes back to the card or account you paid with" in done


def test_cancel_question_for_a_box_office_payment_and_for_a_hold(client, cinema):
    from marquee.payments.services import payment_record_box_office

    show = cinema["shows"][0]
    client.post(reverse("public:checkout", args=[show.pk]), _details(_seats(show)))
    held = Booking.objects.get()
    asked = client.get(reverse("public:booking_cancel", args=[held.reference])).content.decode()
    assert "Release these seats?" in asked and "nothing was charged" in asked

    payment_record_box_office(reference=held.reference)
    asked = client.get(reverse("public:booking_cancel", args=[held.reference])).content.decode()
    assert "collect your refund of UAH\xa0300.00 there" in asked
    assert "card or account" not in asked
    done = client.post(reverse("public:booking_cancel", args=[held.reference]), {"confirm": "yes"}, follow=True)
    assert "Collect your refund of UAH\xa0300.00 at the box office." in done.content.decode()


def test_cancel_question_after_the_cutoff_sends_back_to_the_booking(client, cinema):
    import datetime as dt

    import time_machine

    show = cinema["shows"][0]
    client.post(reverse("public:checkout", args=[show.pk]), _details(_seats(show)))
    booking = Booking.objects.get()
    client.post(reverse("public:booking_pay", args=[booking.reference]), {"method": "demo"})
    with time_machine.travel(show.starts_at - dt.timedelta(minutes=30)):
        response = client.get(reverse("public:booking_cancel", args=[booking.reference]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("public:booking", args=[booking.reference])
    assert "too late to cancel" in response.content.decode()
