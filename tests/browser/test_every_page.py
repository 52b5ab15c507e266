"""Every public and staff page, on a desktop and on a phone, in English and in Ukrainian:
axe-core finds no accessibility violation, and on a phone no page is wider than the screen.
Screenshots of each in test-artifacts/browser/pages/.

One browser, one context per viewport and language, each page visited once."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import User

from marquee.booking.checkin import ticket_code
from marquee.booking.house_seats import seats_block
from marquee.booking.links import manage_link_token
from marquee.core.clock import local_today
from marquee.core.clock import now as clock_now
from marquee.marketing.links import unsubscribe_token
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.payments.checkout import checkout_hold
from marquee.payments.counter import counter_sell
from marquee.payments.services import booking_pay, payment_record_box_office
from marquee.payments.voucher_sales import voucher_handle
from marquee.promotions.services import CodeTerms, promo_batch_create, promo_code_create
from marquee.scheduling.formats import format_create, language_version_create
from marquee.scheduling.services import showtime_update
from marquee.vouchers.services import voucher_issue
from marquee.waitlist.links import leave_token
from marquee.waitlist.services import waitlist_join
from tests import factories
from tests.browser.conftest import STAFF_PASSWORD
from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ARTIFACTS / "pages"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 1}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}

# What axe checks: WCAG 2.1 A and AA and its best practices (landmarks, one h1, headings).
AXE_RUN = """async () => {
  const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  const node = n => n.target.join(" ") + " :: " + n.failureSummary.replace(/\\s+/g, " ").slice(0, 200);
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(node)}));
}"""
# A phone's browser widens its layout viewport to fit a page that is too wide (innerWidth
# grows with it), so the page is measured against the phone's own width.
OVERFLOW = """(width) => {
  const wide = [...document.querySelectorAll("body *")].filter(el => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1) return false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      // scrolled inside a box that itself fits
      if (s.overflowX !== "visible" && p.getBoundingClientRect().right <= width + 1) return false;
    }
    return true;
  });
  const named = el => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : "");
  const scrollWidth = document.scrollingElement.scrollWidth;
  return {scrollWidth, innerWidth: window.innerWidth, wide: wide.slice(0, 3).map(named)};
}"""


def cinema() -> dict:
    """Enough of a cinema that every page has something on it, with a 300-seat hall."""
    drama, comedy = factories.genre("Drama", name_uk="Драма"), factories.genre("Comedy")
    film = factories.movie(
        title="The Extraordinarily Long Night of the Lighthouse Keeper",
        title_uk="Надзвичайно довга ніч доглядача маяка",
        genres=[drama],
        duration_min=118,
        age_rating=12,
        description="A lighthouse keeper and a storm that will not end.",
    )
    other = factories.movie(title="Paper Moons", genres=[comedy], duration_min=96)
    big = factories.hall(rows=15, seats=20, price="150.00", vip_rows=(14, 15), number=1)
    small = factories.hall(rows=4, seats=8, price="120.00", number=2)
    factories.tariff("Evening", dt.time(18), dt.time(23, 59), "1.25")
    tomorrow = local_today() + dt.timedelta(days=1)
    show = factories.showtime(movie_obj=film, hall_obj=big, starts_at=factories.local_dt(tomorrow, 19, 30))
    factories.showtime(movie_obj=other, hall_obj=small, starts_at=factories.local_dt(tomorrow, 15))
    factories.showtime(movie_obj=other, hall_obj=big, starts_at=factories.local_dt(tomorrow, 12))

    seats = list(big.seats.order_by("row_number", "seat_number").values_list("pk", flat=True))
    # Ticket types: a child and a student seat on the paid booking, for the pages that show types.
    child = factories.ticket_type(
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
    paid = factories.hold(
        show,
        seats[100:102],
        email="olena@example.com",
        marketing_consent=True,
        ticket_types={seats[100]: "child", seats[101]: "student"},
    ).booking
    booking_pay(reference=paid.reference, method="demo")
    box = factories.hold(show, seats[110:112], email="ivan@example.com").booking
    payment_record_box_office(reference=box.reference)
    held = factories.hold(show, seats[120:121], email="petro@example.com").booking
    # Seats kept back for the press: the seat maps show them taken, the staff picker "kept".
    seats_block(showtime_id=show.pk, seat_ids=seats[130:132], reason="press", note="Kyiv Post", staff_user=None)
    # A walk-in sale at the counter (no email), by a box-office cashier.
    cashier, _ = User.objects.get_or_create(username="cashier", defaults={"is_staff": True})
    counter = counter_sell(showtime_id=show.pk, seat_ids=seats[132:134], method="cash", staff_user=cashier)
    to_pay = factories.hold(show, seats[122:123], email="maria@example.com").booking
    # A showtime whose door is open now, with a paid ticket, for the check-in door's answers.
    door = factories.showtime(
        movie_obj=other, hall_obj=small, starts_at=(clock_now() + dt.timedelta(minutes=40)).replace(microsecond=0)
    )
    at_door = factories.hold(door, list(small.seats.order_by("pk").values_list("pk", flat=True)[:1]))
    payment_record_box_office(reference=at_door.booking.reference)
    # A sold-out showtime with someone in line (issue 16): its seat map shows the join form.
    tiny = factories.hall(rows=1, seats=2, price="100.00", number=3)
    sold_out = factories.showtime(movie_obj=film, hall_obj=tiny, starts_at=factories.local_dt(tomorrow, 21, 45))
    gone = factories.hold(sold_out, list(tiny.seats.values_list("pk", flat=True)), email="ivan@example.com")
    booking_pay(reference=gone.booking.reference, method="demo")
    in_line = waitlist_join(
        showtime_id=sold_out.pk, first_name="Olena", last_name="Koval", email="olena@example.com", seats=2
    ).entry
    # History for the reports, the audience and the campaign.
    with time_machine.travel(dt.datetime.now(dt.UTC) - dt.timedelta(days=3), tick=False):
        past = factories.showtime(movie_obj=other, hall_obj=small)
        small_seats = list(small.seats.order_by("pk").values_list("pk", flat=True))
        old = factories.hold(past, small_seats[:3], email="olena@example.com")
        payment_record_box_office(reference=old.booking.reference)
        # 20 of 32 sold: the heat map's mid-tone, where white text once lacked contrast.
        for i, chunk in enumerate((small_seats[3:13], small_seats[13:20])):
            more = factories.hold(past, chunk, email=f"guest{i}@example.com")
            payment_record_box_office(reference=more.booking.reference)

    # The big hall's evening show in 3D with subtitles: every page that shows it says so.
    three_d = format_create(code="3d", name="3D", surcharge=Decimal("40.00"))
    subtitled = language_version_create(
        code="ov-uk-subs", name_en="Original, Ukrainian subtitles", name_uk="Мовою оригіналу з українськими субтитрами"
    )
    showtime_update(showtime_id=show.pk, format_code="3d", language_code="ov-uk-subs")
    # A gift voucher issued by hand and spent in part on a booking (issue 13).
    voucher = voucher_issue(amount="500.00", reason="Prize", recipient_name="Oksana", staff_user=cashier)
    spent = checkout_hold(
        showtime_id=show.pk,
        seat_ids=seats[150:151],
        customer=factories.buyer("oksana@example.com"),
        voucher_code=voucher.code,
    )
    assert spent.booking.pk
    queues = _queues(film, other, small)
    return {
        **queues,
        "film": film,
        "voucher": voucher,
        "show": show,
        "format_id": three_d.pk,
        "language_version_id": subtitled.pk,
        "big": big,
        "paid": paid,
        "box": box,
        "held": held,
        "counter": counter,
        "to_pay": to_pay,
        "door": door,
        "door_code": ticket_code(at_door.booking.seats.get().pk),
        "wrong_code": ticket_code(paid.seats.order_by("pk").first().pk),
        "free": seats[140:142],
        "customer_id": paid.customer_id,
        "tariff_id": factories.tariff("Morning", dt.time(8), dt.time(11), "0.8").pk,
        "distributor_id": _distributor_with_terms(film, other),
        "promo_id": _promotions(film),
        "ticket_type_id": child.pk,
        "sold_out": sold_out,
        "in_line": in_line,
    }


def _queues(film, other, hall) -> dict:
    """Two queued sales (issue 16): one opening the day after tomorrow, one open with 40 ahead."""
    from marquee.waiting_room.services import arrival_join, queued_sale_create, sale_draw

    soon = clock_now().replace(microsecond=0)
    later = factories.showtime(movie_obj=film, hall_obj=hall, starts_at=soon + dt.timedelta(days=5))
    before = queued_sale_create(showtime_id=later.pk, opens_at=soon + dt.timedelta(days=2), staff_user=None)
    busy = factories.showtime(movie_obj=other, hall_obj=hall, starts_at=soon + dt.timedelta(days=6))
    open_now = queued_sale_create(
        showtime_id=busy.pk, opens_at=soon - dt.timedelta(minutes=1), admit_per_minute=1, staff_user=None
    )
    for _ in range(40):
        arrival_join(sale_id=open_now.pk)
    sale_draw(sale_id=open_now.pk)
    return {"queue_before": before.pk, "queue_waiting": open_now.pk}


def _distributor_with_terms(*movies) -> int:
    """A distributor of the cinema's films with a sliding scale, for the settlement pages."""
    from decimal import Decimal

    from marquee.catalog.services import movie_update
    from marquee.settlement.services import TermSpec, distributor_create, rental_terms_set

    kino = distributor_create(name="Kinomania Distribution", email="statements@kinomania.example")
    for movie in movies:
        movie_update(movie_id=movie.pk, distributor_id=kino.pk)
        terms = [TermSpec(1, Decimal("55")), TermSpec(2, Decimal("50"), Decimal("300")), TermSpec(3, Decimal("45"))]
        rental_terms_set(movie_id=movie.pk, terms=terms)
    return kino.pk


def _promotions(film) -> int:
    """A running promotion for one film, and a batch of single-use codes."""
    terms = CodeTerms(
        kind="percent", value=Decimal("20"), note="Знижка буднього дня", days_mask=0b0001111, movie_ids=(film.pk,)
    )
    code = promo_code_create(code="KINO20", terms=terms)
    promo_batch_create(quantity=3, prefix="GIFT", terms=CodeTerms(kind="amount", value=Decimal("100")))
    return code.pk


def public_pages(c: dict) -> list[tuple[str, str]]:
    show, film = c["show"], c["film"]
    seat_query = "&".join(f"seat={pk}" for pk in c["free"])
    return [
        ("home", "/"),
        ("movie", f"/movies/{film.pk}/"),
        ("schedule", f"/schedule/?date={(local_today() + dt.timedelta(days=1)).isoformat()}"),
        ("seat-map", f"/showtimes/{show.pk}/"),
        ("checkout", f"/showtimes/{show.pk}/checkout/?{seat_query}"),
        ("seat-map-best-seats", f"/showtimes/{show.pk}/?count=3&action=best&wheelchair=on"),
        ("checkout-wheelchair", f"/showtimes/{show.pk}/checkout/?{seat_query}&wheelchair=on"),
        ("booking-paid", f"/bookings/{c['paid'].reference}/?key={manage_link_token(c['paid'])}"),
        ("booking-cancel", f"/bookings/{c['paid'].reference}/cancel/"),
        ("booking-box-office", f"/bookings/{c['box'].reference}/?key={manage_link_token(c['box'])}"),
        ("booking-cancel-box-office", f"/bookings/{c['box'].reference}/cancel/"),
        ("booking-held", f"/bookings/{c['held'].reference}/?key={manage_link_token(c['held'])}"),
        ("booking-cancel-held", f"/bookings/{c['held'].reference}/cancel/"),
        ("booking-to-pay", f"/bookings/{c['to_pay'].reference}/?key={manage_link_token(c['to_pay'])}"),
        # Back from a provider's page with no payment made: "did not go through".
        ("payment-return", f"/payments/return/{c['to_pay'].reference}/"),
        ("my-bookings", "/my-bookings/"),
        ("seat-map-sold-out", f"/showtimes/{c['sold_out'].pk}/"),
        ("waitlist-join", f"/showtimes/{c['sold_out'].pk}/waitlist/"),
        ("waitlist-leave", f"/waitlist/leave/{leave_token(c['in_line'])}/"),
        ("vouchers", "/vouchers/"),
        ("voucher-bought", f"/vouchers/bought/{voucher_handle(c['voucher'])}/"),
        ("unsubscribe", f"/unsubscribe/{unsubscribe_token(c['customer_id'])}/"),
        ("queue-before-opening", f"/queue/{c['queue_before']}/"),
        ("queue-waiting", f"/queue/{c['queue_waiting']}/"),
        ("not-found", "/movies/999999/"),
    ]


def sent_sign_in_path(email: str) -> str:
    """The path of the latest sign-in link emailed to `email` (links are single-use)."""
    from django.conf import settings

    url = OutgoingMail.objects.filter(kind=MailKind.SIGN_IN, to_email=email).latest("pk").context["url"]
    return url.removeprefix(settings.SITE_URL)


def staff_pages(c: dict) -> list[tuple[str, str]]:
    show = c["show"]
    return [
        ("staff-dashboard", "/staff/"),
        ("staff-planner", "/staff/schedule/"),
        ("staff-showtime", f"/staff/showtimes/{show.pk}/"),
        ("staff-showtime-cancel", f"/staff/showtimes/{show.pk}/cancel/"),
        ("staff-halls", "/staff/halls/"),
        ("staff-hall", f"/staff/halls/{c['big'].pk}/"),
        ("staff-tariffs", "/staff/tariffs/"),
        ("staff-tariff", f"/staff/tariffs/{c['tariff_id']}/"),
        ("staff-promotions", "/staff/promotions/"),
        ("staff-promotion", f"/staff/promotions/{c['promo_id']}/"),
        ("staff-ticket-types", "/staff/ticket-types/"),
        ("staff-ticket-type", f"/staff/ticket-types/{c['ticket_type_id']}/"),
        ("staff-bookings", "/staff/bookings/"),
        ("staff-booking", f"/staff/bookings/{c['paid'].reference}/"),
        ("staff-booking-box-office", f"/staff/bookings/{c['box'].reference}/"),
        ("staff-booking-move", f"/staff/bookings/{c['paid'].reference}/move/"),
        ("staff-booking-move-seats", f"/staff/bookings/{c['paid'].reference}/move/?showtime={show.pk}"),
        (
            "staff-booking-move-confirm",
            f"/staff/bookings/{c['paid'].reference}/move/?showtime={show.pk}&"
            + "&".join(f"seat={pk}" for pk in c["free"]),
        ),
        ("staff-payments", "/staff/payments/"),
        ("staff-reconciliation", "/staff/reconciliation/"),
        ("staff-cash-up", "/staff/cash-up/"),
        ("staff-occupancy", "/staff/reports/occupancy/"),
        ("staff-sales", "/staff/reports/sales/"),
        ("staff-customers", "/staff/customers/"),
        ("staff-customer", f"/staff/customers/{c['customer_id']}/"),
        ("staff-customer-erase", f"/staff/customers/{c['customer_id']}/erase/"),
        ("staff-audience", f"/staff/movies/{c['film'].pk}/audience/"),
        ("staff-campaign", "/staff/campaign/"),
        ("staff-checkin", "/staff/checkin/"),
        ("staff-checkin-door", f"/staff/checkin/{c['door'].pk}/"),
        ("staff-checkin-door-closed", f"/staff/checkin/{show.pk}/"),
        ("staff-mail", "/staff/mail/"),
        ("staff-audit", "/staff/audit/"),
        ("staff-sell", "/staff/sell/"),
        ("staff-sell-showtime", f"/staff/sell/{show.pk}/"),
        ("staff-sell-done", f"/staff/sell/sold/{c['counter'].reference}/"),
        ("staff-booking-walk-in", f"/staff/bookings/{c['counter'].reference}/"),
        ("staff-movies", "/staff/movies/"),
        ("staff-movie-new", "/staff/movies/new/"),
        ("staff-movie", f"/staff/movies/{c['film'].pk}/"),
        ("staff-genres", "/staff/genres/"),
        ("staff-settlement", f"/staff/settlement/?week={(local_today() + dt.timedelta(days=1)).isoformat()}"),
        ("staff-distributors", "/staff/distributors/"),
        ("staff-distributor", f"/staff/distributors/{c['distributor_id']}/"),
        ("staff-formats", "/staff/formats/"),
        ("staff-format", f"/staff/formats/{c['format_id']}/"),
        ("staff-language-version", f"/staff/formats/languages/{c['language_version_id']}/"),
        ("staff-vouchers", "/staff/vouchers/"),
        ("staff-waitlists", "/staff/waitlists/"),
        ("staff-waitlist", f"/staff/waitlists/{c['sold_out'].pk}/"),
        ("staff-voucher", f"/staff/vouchers/{c['voucher'].pk}/"),
        ("staff-queues", "/staff/queues/"),
        ("staff-queue", f"/staff/queues/{c['queue_waiting']}/"),
    ]


def check(page, name: str, *, phone: bool, problems: list[str]) -> None:
    page.add_script_tag(path=str(AXE))
    for v in page.evaluate(AXE_RUN):
        problems.append(f"{name}: axe {v['id']} ({v['impact']}): {v['help']}\n      " + "\n      ".join(v["nodes"]))
    if phone:
        width = PHONE["viewport"]["width"]
        size = page.evaluate(OVERFLOW, width)
        if max(size["scrollWidth"], size["innerWidth"]) > width:
            problems.append(f"{name}: {size['scrollWidth']}px wide on a {width}px phone: {size['wide']}")


@pytest.mark.parametrize("language", ["en", "uk"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_every_page_passes_axe_and_fits_the_screen(
    live_server, site_settings, stripe_settings, browser, staff_admin, device, language
):
    # Every kind of payment page: Stripe's card form (against localstripe) and LiqPay's
    # form that leads to its checkout (nothing is sent to LiqPay).
    stripe_settings.PAYMENT_PROVIDERS = [*stripe_settings.PAYMENT_PROVIDERS, "liqpay"]
    stripe_settings.LIQPAY_PUBLIC_KEY = "sandbox_i0000000000"
    stripe_settings.LIQPAY_PRIVATE_KEY = "sandbox_not-a-real-key"
    c = cinema()
    phone = device == "phone"
    context = browser.new_context(**(PHONE if phone else DESKTOP), bypass_csp=True)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    try:

        def visit(name: str, path: str = "") -> None:
            if path:
                page.goto(live_server.url + path)
            check(page, name, phone=phone, problems=problems)
            page.screenshot(path=str(SHOTS / f"{device}-{language}-{name}.png"), full_page=True)

        for name, path in public_pages(c):
            visit(name, path)

        def pay_with(provider: str, booking) -> None:
            page.goto(live_server.url + f"/bookings/{booking.reference}/")
            page.locator(f"main form:has(input[name=method][value={provider}]) [type=submit]").click()
            page.wait_for_load_state()

        # Pages reached by a form: the payment pages, the sign-in link sent, its
        # confirmation, the list it opens, the customer's data, unsubscribed.
        pay_with("stripe", c["to_pay"])
        page.locator("#card-element input").first.wait_for()  # Stripe.js mounted the card form
        visit("booking-pay-card")
        assert "· Stripe" in page.inner_text("main")  # the provider's name, not its setting's
        pay_with("liqpay", c["held"])
        visit("booking-pay-liqpay")
        assert "· LiqPay" in page.inner_text("main")
        page.goto(live_server.url + "/my-bookings/")
        page.fill("#id_email", "olena@example.com")
        page.locator("main form [type=submit]").click()
        page.wait_for_load_state()
        visit("my-bookings-link-sent")
        visit("my-bookings-sign-in", sent_sign_in_path("olena@example.com"))
        page.locator("main form [type=submit]").click()
        page.wait_for_url(re.compile(r"/my-bookings/$"))
        visit("my-bookings-list")
        visit("my-data", "/my-bookings/my-data/")
        page.locator("main form[action$='/forget/'] [type=submit]").click()
        page.wait_for_url(re.compile(r"/my-data/$"))
        visit("my-data-forget-asked")
        page.goto(live_server.url + f"/unsubscribe/{unsubscribe_token(c['customer_id'])}/")
        page.locator("main form [type=submit]").click()
        page.wait_for_load_state()
        visit("unsubscribed")
        visit("staff-login", "/admin/login/?next=/staff/")
        page.fill("#id_username", "admin")
        page.fill("#id_password", STAFF_PASSWORD)
        page.locator("form#login-form [type=submit]").click()
        page.wait_for_url(re.compile(r"/staff/$"))
        for name, path in staff_pages(c):
            visit(name, path)
        # The door's full-screen answers: a ticket for another showtime (red), one for this
        # showtime (green), the same again (red: already admitted), a forged code (red). The
        # page's clock stands still, so that no screen goes before it is checked.
        page.clock.install()
        answers = [
            ("staff-checkin-wrong", c["wrong_code"]),
            ("staff-checkin-admitted", c["door_code"]),
            ("staff-checkin-already", c["door_code"]),
            ("staff-checkin-invalid", "NOT-A-TICKET"),
        ]
        for name, code in answers:
            page.goto(live_server.url + f"/staff/checkin/{c['door'].pk}/")
            page.fill("#id_code", code)
            page.press("#id_code", "Enter")
            page.locator("[role=alert][data-door-screen]").wait_for()
            visit(name)
    finally:
        context.close()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
