"""The promo code on the customer's pages (checkout, booking, tickets email) and the staff's
promotions pages, in English and Ukrainian."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marquee.audit.models import AuditEntry
from marquee.booking.models import Booking
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.notifications.rendering.email import render_mail
from marquee.payments.services import booking_pay
from marquee.promotions.models import PromoBatch, PromoCode
from marquee.promotions.services import CodeTerms, promo_batch_create
from marquee.staff.roles import ADMIN, BOX_OFFICE
from tests.backoffice.conftest import _staff
from tests.promotions.conftest import buy, make_code

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _static(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _details(seat_ids, **extra):
    return {"seat": seat_ids, "first_name": "Olena", "last_name": "Koval", "email": "olena@example.com", **extra}


def _in(language: str, user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


def test_checkout_page_takes_a_code_and_the_booking_page_shows_the_discount(client, show, seats):
    make_code("KINO20", "percent", "20")
    url = reverse("public:checkout", args=[show.pk])
    page = client.get(url, {"seat": seats[:2]}).content.decode()
    assert 'name="promo_code"' in page
    response = client.post(url, _details(seats[:2], promo_code="kino20"))
    assert response.status_code == 302, response.content.decode()[:2000]
    booking = Booking.objects.get()
    assert booking.total_price == Decimal("160.00") and booking.promo_code_text == "KINO20"
    html = client.get(response["Location"]).content.decode()
    assert "Promo code KINO20" in html and "UAH\xa040.00" in html and "UAH\xa0160.00" in html
    assert '<s class="muted">UAH\xa0100.00</s>' in html


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "This promo code has been used up."), ("uk", "Цей промокод уже вичерпано.")],
)
def test_a_refused_code_shows_its_reason_on_the_form_and_holds_nothing(show, seats, language, words):
    make_code("ONE", max_uses=1)
    buy(show, seats[:1], "one", email="first@example.com")
    client = _in(language)
    response = client.post(reverse("public:checkout", args=[show.pk]), _details(seats[1:3], promo_code="one"))
    assert response.status_code == 200
    html = response.content.decode()
    assert words in html
    assert 'value="one"' in html  # what they typed stays in the field
    assert Booking.objects.count() == 1


def test_the_tickets_email_shows_the_discount(show, seats):
    make_code("TEN", "amount", "10")
    held = buy(show, seats[:1], "ten")
    booking_pay(reference=held.booking.reference, method="demo", token=held.token)
    mail = OutgoingMail.objects.get(kind=MailKind.TICKETS)
    message = render_mail(mail)
    text = message.body
    assert "Promo code TEN: −UAH\xa010.00" in text and "UAH\xa090.00" in text
    html = message.alternatives[0][0]
    assert "Promo code TEN: −UAH\xa010.00" in html


# --- staff ---------------------------------------------------------------------------------

FORM = {
    "code": "winter",
    "kind": "percent",
    "value": "15",
    "note": "",
    "days": ["0", "1", "2", "3"],
    "showtime_ids": "",
    "max_uses": "50",
    "is_active": "on",
}


def test_staff_create_edit_deactivate_a_code(show, seats):
    admin = _in("en", _staff("admin", ADMIN))
    listing = admin.get("/staff/promotions/")
    assert listing.status_code == 200
    created = admin.post("/staff/promotions/", {**FORM, "movies": [show.movie_id]})
    assert created.status_code == 302, created.content.decode()[:3000]
    code = PromoCode.objects.get()
    assert (code.code, code.kind, code.value, code.days_mask, code.max_uses) == (
        "WINTER",
        "percent",
        Decimal("15.00"),
        0b1111,
        50,
    )
    assert list(code.movies.values_list("pk", flat=True)) == [show.movie_id]
    buy(show, seats[:1], "winter")
    page = admin.get("/staff/promotions/").content.decode()
    assert "WINTER" in page and "1 / 50" in page
    duplicate = admin.post("/staff/promotions/", {**FORM, "code": "Winter"})
    assert duplicate.status_code == 422 and "This code already exists." in duplicate.content.decode()
    edit = admin.get(f"/staff/promotions/{code.pk}/")
    assert edit.status_code == 200 and 'value="WINTER"' in edit.content.decode()
    saved = admin.post(f"/staff/promotions/{code.pk}/", {**FORM, "value": "25", "showtime_ids": f"{show.pk}"})
    assert saved.status_code == 302
    code.refresh_from_db()
    assert code.value == Decimal("25.00") and list(code.showtimes.values_list("pk", flat=True)) == [show.pk]
    assert admin.post(f"/staff/promotions/{code.pk}/deactivate/").status_code == 302
    code.refresh_from_db()
    assert code.is_active is False
    assert list(AuditEntry.objects.filter(target_type="promocode").order_by("pk").values_list("action", flat=True)) == [
        "promocode.create",
        "promocode.update",
        "promocode.deactivate",
    ]
    bad = admin.post(f"/staff/promotions/{code.pk}/", {**FORM, "showtime_ids": "12, x"})
    assert bad.status_code == 422
    assert admin.get("/staff/promotions/424242/").status_code == 404


def test_staff_generate_a_batch_and_download_its_csv():
    admin = _in("uk", _staff("admin", ADMIN))
    response = admin.post(
        "/staff/promotions/batches/",
        {
            "batch-quantity": "40",
            "batch-code_prefix": "mail",
            "batch-kind": "amount",
            "batch-value": "50",
            "batch-days": [str(d) for d in range(7)],
            "batch-showtime_ids": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    batch = PromoBatch.objects.get()
    page = admin.get("/staff/promotions/").content.decode()
    assert "Партії" in page and reverse("backoffice:promotion_batch_csv", args=[batch.pk]) in page
    exported = admin.get(reverse("backoffice:promotion_batch_csv", args=[batch.pk]))
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert len(rows) == 40 and all(r["code"].startswith("MAIL-") for r in rows)
    assert list(rows[0]) == ["code", "kind", "value", "valid_from", "valid_until", "max_uses", "is_active"]
    refused = admin.post("/staff/promotions/batches/", {"batch-quantity": "0", "batch-kind": "amount"})
    assert refused.status_code == 422


def test_only_admin_opens_the_promotions_pages():
    box = _in("en", _staff("cashier", BOX_OFFICE))
    assert box.get("/staff/promotions/").status_code == 403
    assert Client().get("/staff/promotions/").status_code == 302  # to the login


def _queries_of(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_promotions_page_runs_the_same_queries_for_2_codes_or_30(show, seats):
    admin = _in("en", _staff("admin", ADMIN))
    for n in range(2):
        make_code(f"FEW{n}", movie_ids=(show.movie_id,), showtime_ids=(show.pk,))
    buy(show, seats[:1], "few0")
    promo_batch_create(quantity=2, terms=CodeTerms(kind="amount", value=Decimal("10")))
    admin.get("/staff/promotions/")  # warm up the session and caches
    few = _queries_of(admin, "/staff/promotions/")
    for n in range(28):
        make_code(f"MANY{n}", movie_ids=(show.movie_id,), showtime_ids=(show.pk,))
    for n in range(8):
        buy(show, seats[1 + n : 2 + n], f"many{n}", email=f"m{n}@example.com")
    for _n in range(5):
        promo_batch_create(quantity=2, terms=CodeTerms(kind="amount", value=Decimal("10")))
    assert _queries_of(admin, "/staff/promotions/") == few
