"""The checkout step with ticket types: a select per seat (only the types sold for this film,
Adult first), and the hold pricing each seat by the type picked."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from marquee.booking.models import Booking, BookingSeat
from marquee.catalog.services import movie_update
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def types(db):
    factories.ticket_type(
        "child", "Child", name_uk="Дитячий", multiplier=Decimal("0.6"), min_price=Decimal("60.00"), max_age_rating=12
    )
    factories.ticket_type(
        "student",
        "Student",
        name_uk="Студентський",
        rule="amount_off",
        amount_off=Decimal("30.00"),
        door_note_en="Show student ID",
        door_note_uk="Покажіть студентський квиток",
    )


def _seats(show, n=2):
    return list(show.hall.seats.filter(row_number=1).order_by("seat_number").values_list("pk", flat=True)[:n])


def _details(seat_ids, **extra):
    return {"seat": seat_ids, "first_name": "Olena", "last_name": "Koval", "email": "olena@example.com", **extra}


def test_each_seat_gets_a_select_of_the_types_for_this_film(client, cinema, types):
    show = cinema["shows"][0]  # rated 12: child tickets are sold
    seat_ids = _seats(show)
    html = client.get(reverse("public:checkout", args=[show.pk]), {"seat": seat_ids}).content.decode()
    for pk in seat_ids:
        select = re.search(rf'<select name="type_{pk}"[^>]*>(.*?)</select>', html, re.S)
        assert select, f"no select for seat {pk}"
        options = re.findall(r'<option value="(\w+)"[^>]*?( selected)?>([^<]*)</option>', select[1])
        assert [(code, bool(chosen)) for code, chosen, _ in options] == [
            ("adult", True),
            ("child", False),
            ("student", False),
        ]
        assert "Child · UAH\xa090.00" in select[1] or "Child · UAH 90.00" in select[1]
    assert "Student: Show student ID." in html


def test_no_child_option_for_an_18_plus_film(client, cinema, types):
    show = cinema["shows"][0]
    movie_update(movie_id=show.movie_id, age_rating=18)
    html = client.get(reverse("public:checkout", args=[show.pk]), {"seat": _seats(show, 1)}).content.decode()
    assert 'value="child"' not in html and 'value="student"' in html


def test_holding_prices_each_seat_by_the_type_picked(client, cinema, types):
    show = cinema["shows"][0]
    a, b = _seats(show)
    answer = client.post(reverse("public:checkout", args=[show.pk]), _details([a, b], **{f"type_{b}": "child"}))
    assert answer.status_code == 302, answer.content.decode()
    booking = Booking.objects.get()
    seats = {bs.seat_id: bs for bs in BookingSeat.objects.filter(booking=booking)}
    assert (seats[a].ticket_type_code, seats[a].final_price) == ("adult", Decimal("150.00"))
    assert (seats[b].ticket_type_code, seats[b].final_price) == ("child", Decimal("90.00"))
    assert booking.total_price == Decimal("240.00")
    page = client.get(answer["Location"]).content.decode()
    assert "Child" in page


def test_a_type_not_sold_for_the_film_is_refused_in_words(client, cinema, types):
    show = cinema["shows"][0]
    movie_update(movie_id=show.movie_id, age_rating=18)
    (a,) = _seats(show, 1)
    answer = client.post(reverse("public:checkout", args=[show.pk]), _details([a], **{f"type_{a}": "child"}))
    assert answer.status_code == 200
    assert "Child tickets are not sold for films rated 18+." in answer.content.decode()
    assert not Booking.objects.exists()


def test_the_picked_type_stays_picked_after_a_form_error(client, cinema, types):
    show = cinema["shows"][0]
    (a,) = _seats(show, 1)
    answer = client.post(
        reverse("public:checkout", args=[show.pk]), _details([a], email="not an email", **{f"type_{a}": "student"})
    )
    html = answer.content.decode()
    assert re.search(r'<option value="student"[^>]*selected', html)
    assert "UAH\xa0120.00" in html or "UAH 120.00" in html  # the line and the total at the student price
