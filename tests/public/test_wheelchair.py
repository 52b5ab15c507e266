"""Wheelchair spaces on the site: kept for a buyer who ticks "I need a wheelchair space" (with
the companion seat beside them), open to everyone ACCESSIBLE_RELEASE_MINUTES before the show."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from marquee.booking.models import Booking
from marquee.venues.models import Seat, SeatType
from tests import factories

pytestmark = pytest.mark.django_db


def _details(**extra):
    data = {"first_name": "Petro", "last_name": "Bondar", "email": "petro@example.com"}
    data.update(extra)
    return data


@pytest.fixture
def show(db):
    hall = factories.hall(rows=3, seats=6)
    row = list(hall.seats.filter(row_number=3).order_by("seat_number"))
    Seat.objects.filter(pk=row[0].pk).update(seat_type=SeatType.WHEELCHAIR)
    Seat.objects.filter(pk=row[1].pk).update(seat_type=SeatType.COMPANION)
    return factories.showtime(hall_obj=hall)


def _pair(show) -> list[int]:
    return list(show.hall.seats.filter(row_number=3).order_by("seat_number").values_list("pk", flat=True)[:2])


def test_the_showtime_page_offers_the_box_and_keeps_the_spaces(client, show):
    html = client.get(reverse("public:showtime", args=[show.pk])).content.decode()
    assert "I need a wheelchair space" in html
    assert "data-wheelchair-kept" in html  # seatmap.js disables the spaces until the box is ticked


def test_without_the_box_the_spaces_are_refused_with_a_clear_message(client, show):
    checkout = reverse("public:checkout", args=[show.pk])
    shown = client.get(checkout, {"seat": _pair(show)}, follow=True)
    assert "kept for customers who need a wheelchair space" in shown.content.decode()
    # The hold says so too, when the form is sent straight to it.
    refused = client.post(checkout, _details(seat=_pair(show)))
    assert refused.status_code == 200
    assert "kept for customers who need a wheelchair space" in refused.content.decode()
    assert not Booking.objects.exists()


def test_with_the_box_they_are_held(client, show):
    checkout = reverse("public:checkout", args=[show.pk])
    shown = client.get(checkout, {"seat": _pair(show), "wheelchair": "on"})
    assert shown.status_code == 200
    html = shown.content.decode()
    assert 'name="wheelchair" value="on"' in html
    held = client.post(checkout, _details(seat=_pair(show), wheelchair="on"))
    assert held.status_code == 302
    assert Booking.objects.get().seats.count() == 2


def test_near_the_show_they_are_anyones(client, show, settings):
    release = show.starts_at - dt.timedelta(minutes=settings.ACCESSIBLE_RELEASE_MINUTES - 5)
    with time_machine.travel(release, tick=False):
        html = client.get(reverse("public:showtime", args=[show.pk])).content.decode()
        assert "data-wheelchair-kept" not in html
        held = client.post(reverse("public:checkout", args=[show.pk]), _details(seat=_pair(show)))
    assert held.status_code == 302
