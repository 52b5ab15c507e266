""" "Best seats for N" on the site: the showtime page suggests the seats (ticked on the map, with
and without htmx), the checkout holds the best seats for N in one transaction, and the
single-seat-gap rule answers with a clear message and a "Take seats … instead" button."""

import re

import pytest
from django.urls import reverse

from marquee.booking.models import Booking, BookingSeat
from marquee.venues.models import Seat
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _refuse_gaps(settings):
    settings.SINGLE_SEAT_GAPS = "refuse"  # the default (tests/settings.py allows gaps for the rest of the suite)


def _details(**extra):
    data = {"first_name": "Olena", "last_name": "Koval", "email": "olena@example.com", "phone": "+380501234567"}
    data.update(extra)
    return data


@pytest.fixture
def aisle_show(db):
    """Six rows of ten seats with an aisle between seats 5 and 6 (columns 1–5, then 7–11); the
    default zone: rows 3 and 4, the middle of the width."""
    hall = factories.hall(rows=6, seats=10, price="120.00")
    for seat in Seat.objects.filter(hall=hall, seat_number__gte=6).order_by("-seat_number"):  # no two in one place
        Seat.objects.filter(pk=seat.pk).update(column=seat.seat_number + 1)
    return factories.showtime(hall_obj=hall)


def _checked(html: str) -> list[int]:
    return sorted(int(pk) for pk in re.findall(r'name="seat" value="(\d+)"[^>]* checked', html))


def _together_in_zone(seat_ids):
    seats = list(Seat.objects.filter(pk__in=seat_ids).order_by("column"))
    assert len({s.row_number for s in seats}) == 1, "one row"
    columns = [s.column for s in seats]
    assert columns == list(range(columns[0], columns[0] + len(seats))), "side by side, no aisle between"
    assert all(s.best_zone for s in seats), "in the zone"


def test_the_showtime_page_suggests_the_best_seats_without_javascript(client, aisle_show):
    url = reverse("public:showtime", args=[aisle_show.pk])
    plain = client.get(url).content.decode()
    assert 'name="count"' in plain and "Show the best seats" in plain and 'name="wheelchair"' in plain
    page = client.get(url, {"count": 3, "seat_type": "", "action": "best"})
    assert page.status_code == 200
    html = page.content.decode()
    ticked = _checked(html)
    assert len(ticked) == 3
    _together_in_zone(ticked)
    assert re.search(r"The best 3 seats for you: row \d, seats \d+, \d+, \d+\.", html)
    assert f'name="best" value="{",".join(map(str, ticked))}"' in html


def test_htmx_asks_the_grid_with_the_best_seats_ticked(client, aisle_show):
    answer = client.get(reverse("public:showtime_seats", args=[aisle_show.pk]), {"count": 2, "action": "best"})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert len(_checked(html)) == 2
    assert 'id="best-note"' in html and 'hx-swap-oob="true"' in html
    assert "The best 2 seats for you" in html


def test_best_seats_for_three_are_held_together_in_the_zone(client, aisle_show):
    page = client.get(reverse("public:showtime", args=[aisle_show.pk]), {"count": 3, "action": "best"})
    suggested = _checked(page.content.decode())
    best = ",".join(map(str, suggested))
    checkout = reverse("public:checkout", args=[aisle_show.pk])
    shown = client.get(checkout, {"seat": suggested, "count": 3, "best": best})
    assert shown.status_code == 200
    assert "The best 3 seats together free when you hold are yours" in shown.content.decode()
    held = client.post(checkout, _details(seat=suggested, count=3, best=best), follow=True)
    booking = Booking.objects.get()
    seat_ids = list(BookingSeat.objects.filter(booking=booking).values_list("seat_id", flat=True))
    assert len(seat_ids) == 3
    _together_in_zone(seat_ids)
    assert "We chose the best seats for you: row" in held.content.decode()


def test_best_seats_taken_meanwhile_are_chosen_again(client, aisle_show):
    page = client.get(reverse("public:showtime", args=[aisle_show.pk]), {"count": 2, "action": "best"})
    suggested = _checked(page.content.decode())
    factories.hold(aisle_show, suggested, email="other@example.com")  # someone else was quicker
    checkout = reverse("public:checkout", args=[aisle_show.pk])
    best = ",".join(map(str, suggested))
    client.post(checkout, _details(seat=suggested, count=2, best=best))
    mine = Booking.objects.get(customer__email="olena@example.com")
    seat_ids = list(BookingSeat.objects.filter(booking=mine).values_list("seat_id", flat=True))
    assert len(seat_ids) == 2 and not set(seat_ids) & set(suggested)
    _together_in_zone(seat_ids)


def test_seats_ticked_by_hand_are_held_as_ticked(client, aisle_show):
    page = client.get(reverse("public:showtime", args=[aisle_show.pk]), {"count": 2, "action": "best"})
    suggested = _checked(page.content.decode())
    mine = list(aisle_show.hall.seats.filter(row_number=6).order_by("seat_number").values_list("pk", flat=True)[:2])
    checkout = reverse("public:checkout", args=[aisle_show.pk])
    client.post(checkout, _details(seat=mine, count=2, best=",".join(map(str, suggested))))
    assert sorted(BookingSeat.objects.values_list("seat_id", flat=True)) == sorted(mine)


def test_a_gap_is_refused_with_a_suggestion_to_take_instead(client, aisle_show):
    row = list(aisle_show.hall.seats.filter(row_number=1).order_by("seat_number").values_list("pk", flat=True))
    checkout = reverse("public:checkout", args=[aisle_show.pk])
    refused = client.post(checkout, _details(seat=[row[1], row[2]]))  # seat 1 would be left alone
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "would leave a single empty seat on its own" in html
    take = re.search(r'name="take" value="([\d,]+)">Take (row \d+, seats? [\d, ]+) instead', html)
    assert take, html
    assert not Booking.objects.exists()
    suggestion = [int(pk) for pk in take.group(1).split(",")]
    # "Take seats … instead": the suggestion replaces the seats, the details stay, nothing held yet.
    swapped = client.post(checkout, _details(seat=[row[1], row[2]], take=take.group(1)))
    assert swapped.status_code == 200
    swapped_html = swapped.content.decode()
    assert 'value="Olena"' in swapped_html
    assert sorted(int(pk) for pk in re.findall(r'name="seat" value="(\d+)"', swapped_html)) == sorted(suggestion)
    assert not Booking.objects.exists()
    held = client.post(checkout, _details(seat=suggestion))
    assert held.status_code == 302
    assert sorted(BookingSeat.objects.values_list("seat_id", flat=True)) == sorted(suggestion)


def test_under_warn_the_gap_is_held_with_a_notice(client, aisle_show, settings):
    settings.SINGLE_SEAT_GAPS = "warn"
    row = list(aisle_show.hall.seats.filter(row_number=1).order_by("seat_number").values_list("pk", flat=True))
    held = client.post(reverse("public:checkout", args=[aisle_show.pk]), _details(seat=[row[1], row[2]]), follow=True)
    assert Booking.objects.count() == 1
    assert "your seats leave a single empty seat on its own beside them" in held.content.decode()
