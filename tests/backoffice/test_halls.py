"""The hall layout builder: create, save rows, preview, one seat, and the refusal to
remove seats that have tickets for future showtimes."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from marquee.payments.services import payment_record_box_office
from marquee.venues.models import Hall, Seat, SeatType
from tests import factories as f


def _rows(*rows, extra_blank=1):
    """Formset data: rows as (row, seats, type, price)."""
    data = {"rows-TOTAL_FORMS": str(len(rows) + extra_blank), "rows-INITIAL_FORMS": "0"}
    for i, (row, seats, kind, price) in enumerate(rows):
        data |= {f"rows-{i}-row": row, f"rows-{i}-seats": seats, f"rows-{i}-type": kind, f"rows-{i}-base_price": price}
    for i in range(len(rows), len(rows) + extra_blank):
        data |= {f"rows-{i}-row": "", f"rows-{i}-seats": "", f"rows-{i}-type": "standard", f"rows-{i}-base_price": ""}
    return data


def test_create_a_hall(admin_client):
    response = admin_client.post(
        reverse("backoffice:halls"), {"number": 7, "name": "Studio", "rows": 4, "seats": 6, "base_price": "120.00"}
    )
    hall = Hall.objects.get(number=7)
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:hall", args=[hall.pk])
    assert hall.capacity == 24


def test_a_taken_hall_number_is_shown_on_the_form(admin_client):
    f.hall(number=3)
    response = admin_client.post(
        reverse("backoffice:halls"), {"number": 3, "name": "Again", "rows": 1, "seats": 1, "base_price": "1"}
    )
    assert response.status_code == 422
    assert "A hall with this number exists." in response.content.decode()


def test_the_builder_shows_the_rows_and_the_seat_map(admin_client):
    hall = f.hall(rows=2, seats=3, vip_rows=(2,))
    page = admin_client.get(reverse("backoffice:hall", args=[hall.pk]))
    html = page.content.decode()
    assert page.context["formset"].initial == [
        {"row": 1, "seats": 3, "type": "standard", "base_price": Decimal("100.00"), "offset": 0, "aisles_after": ()},
        {"row": 2, "seats": 3, "type": "vip", "base_price": Decimal("100.00"), "offset": 0, "aisles_after": ()},
    ]
    assert len(re.findall(r'class="seat seat-vip( in-zone)?" style', html)) == 3


def test_saving_rows_changes_the_hall(admin_client):
    hall = f.hall(rows=2, seats=3)
    data = _rows((1, 4, "standard", "100.00"), (2, 3, "vip", "180.00"), (3, 2, "accessible", "90.00"))
    response = admin_client.post(reverse("backoffice:hall", args=[hall.pk]), data)
    assert response.status_code == 302
    hall.refresh_from_db()
    assert hall.capacity == 9
    assert set(Seat.objects.filter(hall=hall, row_number=2).values_list("seat_type", "base_price")) == {
        ("vip", Decimal("180.00"))
    }


def test_the_preview_draws_unsaved_rows(admin_client):
    hall = f.hall(rows=1, seats=1)
    response = admin_client.post(
        reverse("backoffice:hall_preview", args=[hall.pk]), _rows((1, 5, "standard", "100"), (2, 2, "vip", "150"))
    )
    html = response.content.decode()
    assert len(re.findall(r'class="seat seat-standard( in-zone)?" style', html)) == 5
    assert len(re.findall(r'class="seat seat-vip( in-zone)?" style', html)) == 2
    assert "7 seats in 2 rows" in html
    assert Seat.objects.filter(hall=hall).count() == 1


def test_seats_with_future_sales_cannot_be_removed(admin_client):
    hall = f.hall(rows=2, seats=3)
    show = f.showtime(hall_obj=hall)
    last_seat = Seat.objects.get(hall=hall, row_number=2, seat_number=3)
    booking = f.hold(show, [last_seat.pk]).booking
    payment_record_box_office(reference=booking.reference)

    response = admin_client.post(
        reverse("backoffice:hall", args=[hall.pk]), _rows((1, 3, "standard", "100.00"), (2, 2, "standard", "100.00"))
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "The layout was not saved." in html
    assert "These seats have tickets for future showtimes: Row 2, seat 3." in html
    assert Seat.objects.filter(hall=hall).count() == 6


def test_one_seat_gets_its_own_type(admin_client):
    hall = f.hall(rows=2, seats=3)
    response = admin_client.post(
        reverse("backoffice:hall_seat", args=[hall.pk]), {"row": 1, "seat": 2, "type": "accessible", "base_price": "80"}
    )
    assert response.status_code == 302
    seat = Seat.objects.get(hall=hall, row_number=1, seat_number=2)
    assert (seat.seat_type, seat.base_price) == (SeatType.ACCESSIBLE, Decimal("80.00"))
    page = admin_client.get(reverse("backoffice:hall", args=[hall.pk])).content.decode()
    assert "1 seat differs from its row" in page


@pytest.mark.parametrize(("row", "seat"), [(9, 1), (1, 9)])
def test_changing_a_missing_seat_says_so(admin_client, row, seat):
    hall = f.hall(rows=2, seats=3)
    response = admin_client.post(
        reverse("backoffice:hall_seat", args=[hall.pk]), {"row": row, "seat": seat, "type": "vip"}, follow=True
    )
    assert f"has no seat {seat} in row {row}" in response.content.decode()


def test_saving_an_untouched_layout_keeps_seats_that_differ_from_their_row(admin_client):
    hall = f.hall(rows=2, seats=3)
    seat = Seat.objects.get(hall=hall, row_number=1, seat_number=1)
    Seat.objects.filter(pk=seat.pk).update(seat_type=SeatType.ACCESSIBLE)
    data = _rows((1, 3, "standard", "100.00"), (2, 3, "standard", "100.00"))
    response = admin_client.post(reverse("backoffice:hall", args=[hall.pk]), data, follow=True)
    assert "Nothing changed" in response.content.decode()
    seat.refresh_from_db()
    assert seat.seat_type == SeatType.ACCESSIBLE
