"""The staff pages for house seats (on the showtime page) and for moving a booking (choose a
showtime, then seats, then confirm with the difference)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from marquee.audit.models import AuditEntry
from marquee.booking.models import Booking, BookingSeat, BookingStatus, SeatBlock
from marquee.payments.models import Payment, PaymentPurpose
from tests import factories as f

pytestmark = pytest.mark.django_db


def _seats(show) -> list[int]:
    return list(show.hall.seats.order_by("pk").values_list("pk", flat=True))


def _paid(show) -> Booking:
    return Booking.objects.get(showtime=show, status=BookingStatus.PAID)


def test_staff_keep_seats_back_and_release_them_from_the_showtime_page(box_client, show):
    seats = _seats(show)
    url = reverse("backoffice:house_seats", args=[show.pk])
    page = box_client.get(reverse("backoffice:showtime", args=[show.pk])).content.decode()
    assert 'id="house-title"' in page
    # The paid and held seats cannot be chosen; the free ones can.
    assert re.search(rf'value="{seats[0]}"[^>]*disabled', page) and not re.search(
        rf'value="{seats[5]}"[^>]*disabled', page
    )
    kept = box_client.post(
        url, {"seat": [seats[5], seats[6]], "reason": "press", "note": "Kyiv Post", "action": "block"}
    )
    assert kept.status_code == 302
    assert set(SeatBlock.objects.values_list("seat_id", flat=True)) == {seats[5], seats[6]}
    page = box_client.get(reverse("backoffice:showtime", args=[show.pk])).content.decode()
    assert "Kyiv Post" in page and "pick-kept" in page
    refused = box_client.post(url, {"seat": [seats[0]], "reason": "house", "action": "block"}, follow=True)
    assert "row 1, seat 1" in refused.content.decode() and SeatBlock.objects.count() == 2
    box_client.post(url, {"seat": [seats[5]], "action": "release"})
    assert list(SeatBlock.objects.values_list("seat_id", flat=True)) == [seats[6]]
    kept = AuditEntry.objects.filter(action__endswith="_seats").order_by("pk")
    assert [e.action for e in kept] == ["showtime.block_seats", "showtime.release_seats"]
    assert {e.actor.username for e in kept} == {"box"}


def test_house_seats_need_a_staff_login_and_post(anon_client, box_client, show):
    url = reverse("backoffice:house_seats", args=[show.pk])
    assert anon_client.post(url, {"seat": [_seats(show)[5]], "reason": "house"}).status_code == 302
    assert box_client.get(url).status_code == 405
    assert not SeatBlock.objects.exists()


def test_moving_a_booking_in_three_steps(box_client, show):
    booking = _paid(show)
    other = f.showtime(movie_obj=show.movie, hall_obj=f.hall(rows=2, seats=4, price="130.00"), starts_at=show.ends_at)
    stranger = f.showtime(hall_obj=f.hall(), starts_at=show.starts_at + dt.timedelta(hours=1))
    url = reverse("backoffice:booking_move", args=[booking.reference])
    detail = box_client.get(reverse("backoffice:booking", args=[booking.reference])).content.decode()
    assert url in detail
    step1 = box_client.get(url).content.decode()
    # The same movie's showtimes first.
    assert step1.index(f"?showtime={other.pk}") < step1.index(f"?showtime={stranger.pk}")
    step2 = box_client.get(url, {"showtime": other.pk})
    assert step2.status_code == 200 and step2.content.decode().count('type="checkbox"') == 8
    target = _seats(other)[2:4]
    step3 = box_client.get(url, {"showtime": other.pk, "seat": target}).content.decode()
    # 2 × 130 against 2 × 100: 60 to take.
    assert "to take" in step3 and 'name="method"' in step3
    done = box_client.post(url, {"showtime": other.pk, "seat": target, "method": "card_terminal"})
    assert done.status_code == 302 and done.url == reverse("backoffice:booking", args=[booking.reference])
    booking.refresh_from_db()
    assert booking.showtime_id == other.pk and booking.total_price == Decimal("260.00")
    assert Payment.objects.get(purpose=PaymentPurpose.MOVE).amount == Decimal("60.00")
    assert sorted(BookingSeat.objects.filter(booking=booking).values_list("seat_id", flat=True)) == target


def test_a_move_to_a_seat_just_taken_says_so(box_client, show):
    booking = _paid(show)
    seats = _seats(show)
    url = reverse("backoffice:booking_move", args=[booking.reference])
    f.hold(show, [seats[7]], email="quick@example.com")
    response = box_client.post(url, {"showtime": show.pk, "seat": [seats[0], seats[7]]})
    assert response.status_code == 409
    assert "not free" in response.content.decode()
    assert sorted(BookingSeat.objects.filter(booking=booking).values_list("seat_id", flat=True)) == seats[:2]
    wrong_count = box_client.get(url, {"showtime": show.pk, "seat": [seats[9]]})
    assert wrong_count.status_code == 200 and "as many as the booking has" in wrong_count.content.decode()


def test_a_pending_booking_has_no_move(box_client, show):
    pending = Booking.objects.get(showtime=show, status=BookingStatus.PENDING)
    response = box_client.get(reverse("backoffice:booking_move", args=[pending.reference]))
    assert response.status_code == 302
