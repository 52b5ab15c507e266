"""The counter sale's pages: the showtimes on sale, the seat map with the sale form (two seats sold
in three actions: tick, tick, "Cash"), the sale's page and its printouts (PDFs read back)."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.test import Client
from pypdf import PdfReader
from reportlab.lib.units import mm

from marquee.audit.models import AuditEntry
from marquee.booking.checkin import ticket_code
from marquee.booking.models import Booking, BookingSeat, BookingStatus, Channel
from marquee.payments.models import Payment
from marquee.staff.roles import ADMIN, BOX_OFFICE
from tests import factories as f

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _staff(username: str, group: str, **kw) -> User:
    user = User.objects.create_user(username=username, password="x", is_staff=True, **kw)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def cashier(db) -> User:
    return _staff("anna", BOX_OFFICE, first_name="Anna", last_name="Bondar")


@pytest.fixture
def till(cashier) -> Client:
    client = Client()
    client.force_login(cashier)
    return client


@pytest.fixture
def show(clock):
    movie = f.movie(title="Тіні забутих предків")
    return f.showtime(movie_obj=movie, hall_obj=f.hall(rows=2, seats=5), starts_at=f.local_dt(dt.date(2026, 12, 1), 19))


@pytest.fixture
def seats(show) -> list[int]:
    return list(show.hall.seats.order_by("pk").values_list("pk", flat=True))


def test_the_list_shows_todays_showtimes_first_then_the_next_days(clock, till):
    later = f.showtime(starts_at=f.local_dt(dt.date(2026, 12, 3), 18))
    today = f.showtime(starts_at=f.local_dt(dt.date(2026, 12, 1), 20))
    begun = f.showtime(starts_at=NOW + dt.timedelta(minutes=60))
    gone = f.showtime(starts_at=NOW + dt.timedelta(minutes=30))
    far = f.showtime(starts_at=f.local_dt(dt.date(2026, 12, 20), 18))
    clock.shift(dt.timedelta(minutes=70))  # `begun` began 10 minutes ago: late-comers may still buy; `gone` 40
    page = till.get("/staff/sell/")
    assert page.status_code == 200
    html = page.content.decode()
    links = re.findall(r'href="/staff/sell/(\d+)/"', html)
    assert links == [str(begun.pk), str(today.pk), str(later.pk)]
    assert str(gone.pk) not in links and str(far.pk) not in links
    assert "15 seats free" in html
    assert 'href="/staff/sell/"' in html  # the nav's "Sell"


def test_only_box_office_and_admin_may_sell(client, show):
    page = client.get("/staff/sell/")
    assert page.status_code == 302  # to the login
    reader = User.objects.create_user("reader", password="x", is_staff=True)
    client.force_login(reader)
    assert client.get("/staff/sell/").status_code == 403
    admin = _staff("boss", ADMIN)
    client.force_login(admin)
    assert client.get(f"/staff/sell/{show.pk}/").status_code == 200


def test_two_seats_sold_in_three_actions(till, show, seats, cashier):
    page = till.get(f"/staff/sell/{show.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    # The public seat map's markup: one checkbox per seat, named for a screen reader.
    assert html.count('name="seat"') == 10
    assert 'aria-label="Row 1, seat 1, Standard, UAH' in html
    assert 'value="cash"' in html and 'value="card_terminal"' in html
    # Tick, tick, "Cash": one POST.
    sold = till.post(f"/staff/sell/{show.pk}/", {"seat": [seats[0], seats[1]], "method": "cash", "email": ""})
    assert sold.status_code == 302
    booking = Booking.objects.get()
    assert sold["Location"] == f"/staff/sell/sold/{booking.reference}/"
    assert booking.status == BookingStatus.PAID and booking.channel == Channel.BOX_OFFICE
    assert Payment.objects.get().taken_by == cashier
    assert AuditEntry.objects.get(action__startswith="booking.").action == "booking.sell"
    done = till.get(sold["Location"]).content.decode()
    for label in ("Print tickets (80 mm)", "Print tickets (A4)", "Print receipt"):
        assert label in done
    assert "UAH\xa0200.00" in done or "UAH 200.00" in done


def test_a_seat_taken_meanwhile_is_named_and_the_others_stay_ticked(till, show, seats):
    f.hold(show, seats[1:2])
    answer = till.post(f"/staff/sell/{show.pk}/", {"seat": [seats[0], seats[1]], "method": "cash"})
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "Just taken by someone else: row 1, seat 2" in html
    assert re.search(rf'value="{seats[0]}" id="seat-{seats[0]}"[^>]* checked', html)
    assert not re.search(rf'value="{seats[1]}" id="seat-{seats[1]}"[^>]* checked', html)
    assert not Booking.objects.filter(channel=Channel.BOX_OFFICE).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"method": "cash"}, "Choose at least one seat."),
        ({"method": "cash", "seat": ["x", "99999999999999999999999"]}, "Choose at least one seat."),
        ({"method": "comp", "seat": "first"}, "This field is required."),
        ({"method": "cash", "seat": "first", "email": "nope"}, "Enter a valid email address."),
        ({"method": "bitcoin", "seat": "first"}, "Choose cash, card terminal or comp."),
    ],
)
def test_bad_input_is_a_clear_error_not_a_500(till, show, seats, data, message):
    if data.get("seat") == "first":
        data = {**data, "seat": [seats[0]]}
    answer = till.post(f"/staff/sell/{show.pk}/", data)
    assert answer.status_code == 422
    assert message in answer.content.decode()
    assert not Booking.objects.exists()


def test_a_comp_from_the_page(till, show, seats):
    answer = till.post(f"/staff/sell/{show.pk}/", {"seat": [seats[2]], "method": "comp", "comp_reason": "Press"})
    assert answer.status_code == 302
    booking = Booking.objects.get()
    assert booking.is_comp and booking.total_price == Decimal("0.00")
    assert "Comp given" in till.get(answer["Location"]).content.decode()


def test_sales_closed_after_the_late_comers_window(till, show, seats, clock):
    clock.move_to(show.starts_at + dt.timedelta(minutes=31))
    page = till.get(f"/staff/sell/{show.pk}/")
    assert "The box office no longer sells this showtime." in page.content.decode()
    answer = till.post(f"/staff/sell/{show.pk}/", {"seat": [seats[0]], "method": "cash"})
    assert answer.status_code == 422
    assert not Booking.objects.exists()


def test_unknown_showtime_and_booking_are_404(till):
    assert till.get("/staff/sell/999999/").status_code == 404
    assert till.get("/staff/sell/sold/ZZZZZZZZ/").status_code == 404
    assert till.get("/staff/sell/sold/ZZZZZZZZ/receipt.pdf").status_code == 404


def test_the_seat_grid_polls_with_the_ticked_seats_kept(till, show, seats):
    grid = till.get(f"/staff/sell/{show.pk}/seats/", {"seat": [seats[0]]})
    assert grid.status_code == 200
    version = re.search(r'name="v" value="(\w+)"', grid.content.decode()).group(1)
    assert re.search(rf'value="{seats[0]}" id="seat-{seats[0]}"[^>]* checked', grid.content.decode())
    assert till.get(f"/staff/sell/{show.pk}/seats/", {"seat": [seats[0]], "v": version}).status_code == 204


def _pdf(response) -> PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def _sell_two(till, show, seats, **extra) -> Booking:
    answer = till.post(f"/staff/sell/{show.pk}/", {"seat": [seats[5], seats[6]], "method": "cash", **extra})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    return Booking.objects.get()


def test_tickets_for_an_80mm_printer(till, show, seats):
    booking = _sell_two(till, show, seats)
    pdf = _pdf(till.get(f"/staff/sell/sold/{booking.reference}/tickets-80mm.pdf"))
    assert len(pdf.pages) == 2  # one ticket per page
    for page in pdf.pages:
        assert round(float(page.mediabox.width) / mm) == 80
    first = pdf.pages[0].extract_text()
    assert "Тіні забутих предків" in first  # Cyrillic prints
    assert "ROW" in first and "SEAT" in first and booking.reference in first
    assert show.hall.name in first
    assert "19:00" in first
    assert "UAH" in first and "100.00" in first
    seat_ids = BookingSeat.objects.filter(booking=booking).order_by("seat__row_number", "seat__seat_number")
    assert ticket_code(seat_ids[0].pk)[:40] in first


def test_tickets_on_a4_three_to_a_sheet(till, show, seats):
    booking = _sell_two(till, show, seats)
    pdf = _pdf(till.get(f"/staff/sell/sold/{booking.reference}/tickets-a4.pdf"))
    assert len(pdf.pages) == 1
    page = pdf.pages[0]
    assert (round(float(page.mediabox.width) / mm), round(float(page.mediabox.height) / mm)) == (210, 297)
    text = page.extract_text()
    assert text.count("Тіні забутих предків") == 2
    assert "Ticket 1 of 2" in text and "Ticket 2 of 2" in text


def test_the_receipt(till, show, seats):
    booking = _sell_two(till, show, seats, name="Taras")
    pdf = _pdf(till.get(f"/staff/sell/sold/{booking.reference}/receipt.pdf"))
    assert len(pdf.pages) == 1
    assert round(float(pdf.pages[0].mediabox.width) / mm) == 80
    text = pdf.pages[0].extract_text()
    assert "Receipt" in text and booking.reference in text
    assert "Row 2, seat 1" in text and "Row 2, seat 2" in text
    assert "Total" in text and "200.00" in text
    assert "Paid by: Cash" in text
    assert "Sold by: Anna Bondar" in text
    assert "Marquee" in text or "Cinema" in text


def test_the_booking_page_of_a_walk_in_sale(till, show, seats):
    booking = _sell_two(till, show, seats)
    page = till.get(f"/staff/bookings/{booking.reference}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Walk-in sale at the box office, no email" in html
    assert "Box office" in html
    listing = till.get("/staff/bookings/")
    assert listing.status_code == 200 and booking.reference in listing.content.decode()


def test_the_sale_speaks_ukrainian(till, show, seats):
    till.cookies["django_language"] = "uk"
    html = till.get(f"/staff/sell/{show.pk}/").content.decode()
    assert "Готівка" in html and "Картковий термінал" in html and "Видати як запрошення" in html
    booking = _sell_two(till, show, seats)
    done = till.get(f"/staff/sell/sold/{booking.reference}/").content.decode()
    assert "Надрукувати квитки (80 мм)" in done and "Надрукувати чек" in done
    text = _pdf(till.get(f"/staff/sell/sold/{booking.reference}/receipt.pdf")).pages[0].extract_text()
    assert "Оплата: Готівка" in text and "Квитанція" in text and "200,00 грн" in text
