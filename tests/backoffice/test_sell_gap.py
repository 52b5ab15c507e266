"""The counter sale and the single-seat-gap rule: a sale that leaves one empty seat on its own
is refused with a gap-free suggestion, unless the cashier ticks "Sell anyway"; staff may sell
wheelchair spaces, and the page says whom they are for."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.test import Client

from marquee.audit.models import AuditEntry
from marquee.booking.models import Booking, BookingSeat, Channel
from marquee.staff.roles import BOX_OFFICE
from marquee.venues.models import Seat, SeatType
from tests import factories as f

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _refuse_gaps(settings):
    settings.SINGLE_SEAT_GAPS = "refuse"  # the default (tests/settings.py allows gaps for the rest of the suite)


@pytest.fixture
def till(db) -> Client:
    with time_machine.travel(NOW, tick=False):
        user = User.objects.create_user(username="anna", password="x", is_staff=True)
        user.groups.add(Group.objects.get(name=BOX_OFFICE))
        client = Client()
        client.force_login(user)
        yield client


@pytest.fixture
def show(till):
    return f.showtime(hall_obj=f.hall(rows=2, seats=6), starts_at=f.local_dt(dt.date(2026, 12, 1), 19))


def _row(show, row: int = 1) -> list[int]:
    return list(show.hall.seats.filter(row_number=row).order_by("seat_number").values_list("pk", flat=True))


def test_a_sale_leaving_a_single_seat_is_refused_with_a_suggestion(till, show):
    row = _row(show)
    answer = till.post(f"/staff/sell/{show.pk}/", {"seat": [row[1], row[2]], "method": "cash"})  # seat 1 left alone
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "leave a single empty seat on its own" in html
    assert re.search(r"Seats that leave none: row 1, seat \d; row 1, seat \d", html)
    assert 'name="allow_gap"' in html  # the override
    assert not Booking.objects.filter(channel=Channel.BOX_OFFICE).exists()


def test_sell_anyway_sells_the_gap(till, show):
    row = _row(show)
    sold = till.post(f"/staff/sell/{show.pk}/", {"seat": [row[1], row[2]], "method": "cash", "allow_gap": "on"})
    assert sold.status_code == 302
    booking = Booking.objects.get(channel=Channel.BOX_OFFICE)
    assert sorted(BookingSeat.objects.filter(booking=booking).values_list("seat_id", flat=True)) == [row[1], row[2]]
    assert AuditEntry.objects.get(action="booking.sell").changes["single_seat_gap"] == "sold anyway"


def test_without_the_box_the_gap_is_refused_again(till, show):
    row = _row(show)
    till.post(f"/staff/sell/{show.pk}/", {"seat": [row[1], row[2]], "method": "cash"})
    again = till.post(f"/staff/sell/{show.pk}/", {"seat": [row[1], row[2]], "method": "card_terminal"})
    assert again.status_code == 422
    assert not Booking.objects.exists()


def test_the_last_seats_always_sell(till, show):
    row = _row(show)
    f.hold(show, row[2:4], email="a@example.com")
    # Free in row 1: seats 1, 2 and 5, 6. Seat 2 alone strands seat 1, and row 2 (empty) has
    # single seats that strand nothing: refused.
    refused = till.post(f"/staff/sell/{show.pk}/", {"seat": [row[1]], "method": "cash"})
    assert refused.status_code == 422
    # Fill row 2 so that only the pairs of row 1 are left: then every single seat strands one.
    f.hold(show, _row(show, 2), email="b@example.com")
    sold = till.post(f"/staff/sell/{show.pk}/", {"seat": [row[1]], "method": "cash"})
    assert sold.status_code == 302
    assert "single_seat_gap" not in AuditEntry.objects.get(action="booking.sell").changes  # nothing overridden


def test_allow_setting_skips_the_check(till, show, settings):
    settings.SINGLE_SEAT_GAPS = "allow"
    row = _row(show)
    assert till.post(f"/staff/sell/{show.pk}/", {"seat": [row[1]], "method": "cash"}).status_code == 302


def test_staff_may_sell_a_wheelchair_space_with_a_note(till, show):
    row = _row(show, 2)
    Seat.objects.filter(pk=row[0]).update(seat_type=SeatType.WHEELCHAIR)
    Seat.objects.filter(pk=row[1]).update(seat_type=SeatType.COMPANION)
    page = till.get(f"/staff/sell/{show.pk}/").content.decode()
    assert "Wheelchair spaces and companion seats are kept for customers who need them" in page
    sold = till.post(f"/staff/sell/{show.pk}/", {"seat": [row[0], row[1]], "method": "cash"})
    assert sold.status_code == 302
