"""Issue 13's "done": in Debian's Chromium, a family of two adults and a child picks three seats
of a 3D showtime on the seat map, marks one seat as a child's ticket, brings a promo code and a
gift voucher that pays part of it, pays the rest by card (demo), and the film week's settlement
for that movie shows the three admissions (by ticket type and format) and the right amount due
to its distributor: on the staff page, in the CSV and in the settlement's own figures.

The figures, by hand: a seat is 150.00, 3D adds 40.00, so an adult pays 190.00 and a child
(×0.6 of the seat, the surcharge untouched) 130.00: 510.00. FAMILY10 takes 10 % off each seat
(19.00, 19.00, 13.00): 459.00. The voucher of 200.00 pays 200.00 of it; the card pays 259.00.
The distributor's films carry 20 % VAT in their prices: VAT = 459 × 20 / 120 = 76.50, net
382.50; week 1 of the run at 55 %: 210.375, due 210.38 (half up)."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest

from marquee.booking.models import Booking, BookingStatus
from marquee.catalog.services import movie_update
from marquee.core.clock import local_today
from marquee.payments.models import Payment, PaymentStatus
from marquee.promotions.services import CodeTerms, promo_code_create
from marquee.scheduling.formats import format_create, language_version_create
from marquee.scheduling.services import showtime_update
from marquee.settlement.selectors import settlement
from marquee.settlement.services import TermSpec, distributor_create, rental_terms_set
from marquee.vouchers.models import Voucher
from marquee.vouchers.services import voucher_issue
from tests import factories as f
from tests.browser.conftest import STAFF_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _cinema():
    hall = f.hall(rows=6, seats=10, price="150.00")
    film = f.movie(title="Мавка. Лісова пісня", age_rating=6)
    kino = distributor_create(name="Kinomania Distribution", email="statements@kinomania.example", vat_rate=Decimal(20))
    movie_update(movie_id=film.pk, distributor_id=kino.pk)
    rental_terms_set(movie_id=film.pk, terms=[TermSpec(1, Decimal("55")), TermSpec(2, Decimal("50"))])
    format_create(code="3d", name="3D", surcharge=Decimal("40.00"))
    language_version_create(code="uk", name_en="Ukrainian", name_uk="Українською")
    day = local_today() + dt.timedelta(days=1)
    show = f.showtime(movie_obj=film, hall_obj=hall, starts_at=f.local_dt(day, 15))
    showtime_update(showtime_id=show.pk, format_code="3d", language_code="uk")
    f.ticket_type("child", "Child", name_uk="Дитячий", multiplier=Decimal("0.6"), max_age_rating=12)
    promo_code_create(code="FAMILY10", terms=CodeTerms(kind="percent", value=Decimal("10")))
    voucher = voucher_issue(amount="200.00", reason="A birthday present", staff_user=None)
    seats = list(hall.seats.filter(row_number=4).order_by("seat_number")[3:6])
    return show, seats, voucher, kino, day


def test_a_family_buys_3d_tickets_with_a_promo_code_and_a_voucher_and_the_settlement_shows_them(
    live_server, site_settings, browser, staff_admin, shoot
):
    from playwright.sync_api import expect

    site_settings.PAYMENT_PROVIDERS = ["demo"]
    show, seats, voucher, kino, day = _cinema()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        # The seat map says 3D and its language, and prices include the surcharge.
        page.goto(f"{live_server.url}/showtimes/{show.pk}/")
        expect(page.locator("main")).to_contain_text("3D")
        expect(page.locator("main")).to_contain_text("Ukrainian")
        for seat in seats:
            page.locator(f"label:has(#seat-{seat.pk})").click()
        shoot(page, "family-01-seats")
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(re.compile(r"/checkout/"))

        # Checkout: the third seat is the child's; the details, the promo code, the voucher.
        child_seat = seats[2]
        page.get_by_label(f"Ticket type for row 4, seat {child_seat.seat_number}").select_option("child")
        page.get_by_label("First name").fill("Olena")
        page.get_by_label("Last name").fill("Koval")
        page.get_by_label("Email").first.fill("olena@example.com")
        page.get_by_label("Promo code").fill("family10")
        page.get_by_label("Gift voucher code").fill(voucher.code.lower())
        shoot(page, "family-02-checkout")
        page.get_by_role("button", name="Hold my seats and continue to payment").click()

        # The booking page: the discount, the voucher's part, and 259.00 left to pay by card.
        expect(page.get_by_text("Paid with a gift voucher")).to_be_visible()
        pay = page.get_by_role("button", name=re.compile(r"Pay UAH\s259\.00"))
        expect(pay).to_be_visible()
        shoot(page, "family-03-to-pay")
        pay.click()
        expect(page.get_by_text("Payment received")).to_be_visible()
        shoot(page, "family-04-paid")

        booking = Booking.objects.get(customer__email="olena@example.com")
        assert booking.status == BookingStatus.PAID
        assert booking.total_price == Decimal("459.00") and booking.promo_code_text == "FAMILY10"
        sold = sorted((s.ticket_type_code, s.final_price, s.discount) for s in booking.seats.all())
        assert sold == [
            ("adult", Decimal("171.00"), Decimal("19.00")),
            ("adult", Decimal("171.00"), Decimal("19.00")),
            ("child", Decimal("117.00"), Decimal("13.00")),
        ]
        taken = sorted(
            (p.provider, p.amount) for p in Payment.objects.filter(booking=booking, status=PaymentStatus.SUCCEEDED)
        )
        assert taken == [("demo", Decimal("259.00")), ("voucher", Decimal("200.00"))]
        assert Voucher.objects.get(pk=voucher.pk).balance == 0

        # The film week's settlement, as the cinema's figures…
        film = next(m for d in settlement(day=day).distributors if d.distributor_id == kino.pk for m in d.movies)
        assert (film.admissions, film.comps, film.week_of_run, film.percentage) == (3, 0, 1, Decimal("55.00"))
        assert {t.label: t.admissions for t in film.by_type} == {"Adult": 2, "Child": 1}
        assert {t.label: t.admissions for t in film.by_format} == {"3D": 3}
        assert (film.gross, film.vat, film.net, film.due) == (
            Decimal("459.00"),
            Decimal("76.50"),
            Decimal("382.50"),
            Decimal("210.38"),
        )

        # …on the staff page the cinema's admin reads…
        page.goto(f"{live_server.url}/admin/login/?next=/staff/settlement/?week={day.isoformat()}")
        page.fill("#id_username", staff_admin.username)
        page.fill("#id_password", STAFF_PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(re.compile(r"/staff/settlement/"))
        row = page.locator("tr", has_text="Мавка. Лісова пісня")
        expect(row).to_contain_text("Adult 2")
        expect(row).to_contain_text("Child 1")
        expect(row).to_contain_text("3D 3")
        for figure in ("459.00", "76.50", "382.50", "210.38"):
            expect(row).to_contain_text(figure)
        shoot(page, "family-05-settlement")

        # …and in the CSV it sends on.
        answer = page.request.get(f"{live_server.url}/staff/settlement.csv?week={day.isoformat()}")
        assert answer.ok
        rows = list(csv.DictReader(io.StringIO(answer.text())))
        line = next(r for r in rows if "Мавка" in " ".join(r.values()))
        assert {"459.00", "76.50", "382.50", "210.38"} <= set(line.values())
    finally:
        context.close()
