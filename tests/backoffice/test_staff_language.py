"""The staff side in Ukrainian as well as English (issue 12, point 6).

Every staff page that the browser sweep visits (tests/browser/test_every_page.py) is rendered
here in Ukrainian with the test client, and its visible words are read: any Latin word that is
not the cinema's own data (titles, names, emails, references), nor one of the few words that
stay Latin in Ukrainian (CSV, PDF, VIP…), is English left on the page. The same pages in
English are full of such words, so the reading itself is tested both ways.
"""

import datetime as dt
import io
import re
import shutil
import subprocess
from decimal import Decimal
from gettext import GNUTranslations
from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from marquee.booking.models import Booking, Customer, SeatBlock
from marquee.catalog.models import Genre, Movie
from marquee.core.money import money_text
from marquee.pricing.models import Tariff, TicketType
from marquee.promotions.models import PromoCode
from marquee.scheduling.models import Format, LanguageVersion
from marquee.settlement.models import Distributor
from marquee.staff.roles import ADMIN
from marquee.staff.services import api_key_create
from marquee.venues.models import Hall
from marquee.vouchers.models import Voucher
from tests.backoffice.conftest import _staff
from tests.browser.test_every_page import cinema, staff_pages

PO = Path(settings.LOCALE_PATHS[0]) / "uk" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

# Words that are written in Latin letters in Ukrainian too, "English" (the language switch
# names each language in itself) and "Enter" (the key, as its keycap says).
LATIN_IN_UKRAINIAN = {
    "CSV",
    "PDF",
    "VIP",
    "QR",
    "Django",
    "Email",
    "email",
    "id",
    "Id",
    "English",
    "Enter",
    "PNG",
    "WebP",
    "API",
}
# Attributes whose words people read (or hear from a screen reader).
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-confirm"}
WORD = re.compile(r"[A-Za-z]{2,}")


class VisibleText(HTMLParser):
    """The words a person reads on a page: text and read attributes, not scripts, styles or
    codes (<code> holds booking references and ids)."""

    SKIP = {"script", "style", "code", "pre"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def data_words() -> set[str]:
    """The cinema's own words, in whatever language they were typed: not the page's."""
    texts = [settings.CINEMA_NAME, settings.CURRENCY]
    texts += Movie.objects.values_list("title_en", flat=True)
    texts += Movie.objects.values_list("title_uk", flat=True)
    texts += Movie.objects.values_list("description_en", flat=True)
    texts += Movie.objects.values_list("description_uk", flat=True)
    texts += Genre.objects.values_list("name_en", flat=True)
    texts += Genre.objects.values_list("name_uk", flat=True)
    texts += Hall.objects.values_list("name", flat=True)
    texts += Tariff.objects.values_list("name_en", flat=True)
    texts += Tariff.objects.values_list("name_uk", flat=True)
    for kind in TicketType.objects.values_list("code", "name_en", "name_uk", "door_note_en", "door_note_uk"):
        texts += kind
    # Formats are named alike in every language (3D, IMAX); a language version has a name in each.
    texts += Format.objects.values_list("name", flat=True)
    texts += Format.objects.values_list("code", flat=True)
    texts += LanguageVersion.objects.values_list("name_en", flat=True)
    texts += LanguageVersion.objects.values_list("code", flat=True)
    for first, last, email in Customer.objects.values_list("first_name", "last_name", "email"):
        texts += [first, last, email]
    texts += Booking.objects.values_list("recipient_name", flat=True)
    texts += User.objects.values_list("username", flat=True)
    # What staff wrote down keeping seats back ("Kyiv Post", for the press).
    texts += SeatBlock.objects.values_list("note", flat=True)
    # Distributors' names, contacts and addresses (marquee.settlement).
    for name, contact, email in Distributor.objects.values_list("name", "contact", "email"):
        texts += [name, contact, email]
    texts += PromoCode.objects.values_list("note", flat=True)
    # Payment providers and their ids are names, as on the provider's own dashboard.
    texts += ["demo", "box_office", "stripe", "liqpay", "cash", "card_terminal", "voucher"]
    # Gift vouchers: who they are for and why staff gave them (issue 13).
    for fields in Voucher.objects.values_list("recipient_name", "buyer_name", "reason", "message"):
        texts += list(fields)
    return {w for text in texts for w in WORD.findall(text or "")}


def english_words(html: str, known: set[str]) -> list[str]:
    reader = VisibleText()
    reader.feed(html)
    text = " ".join(reader.parts)
    text = re.sub(r"\S+@\S+", " ", text)  # email addresses
    text = re.sub(r"\b[A-Z0-9]{4,}(?:-[A-Z0-9]{2,})*\b", " ", text)  # references, codes
    found = [w for w in WORD.findall(text) if w not in known and w not in LATIN_IN_UKRAINIAN]
    return sorted(set(found))


@pytest.fixture
def kyiv_cinema(db):
    return cinema()


@pytest.fixture
def admin_in(db):
    """A client of the cinema's Admin (every staff page) whose browser chose `language`."""
    manager = _staff("manager", ADMIN)

    def client_in(language: str) -> Client:
        client = Client()
        client.force_login(manager)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return client_in


def test_every_staff_page_in_ukrainian_has_no_english_left(kyiv_cinema, admin_in):
    client = admin_in("uk")
    known = data_words()
    left: dict[str, list[str]] = {}
    for name, path in staff_pages(kyiv_cinema):
        response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        html = response.content.decode()
        assert '<html lang="uk">' in html, name
        if words := english_words(html, known):
            left[name] = words
    assert not left, "English on Ukrainian staff pages:\n" + "\n".join(f"  {k}: {v}" for k, v in left.items())


def test_the_same_pages_in_english_are_read_as_english(kyiv_cinema, admin_in):
    """The check above can fail: in English every page is full of the words it looks for."""
    client = admin_in("en")
    known = data_words()
    for name, path in staff_pages(kyiv_cinema):
        html = client.get(path).content.decode()
        assert '<html lang="en">' in html, name
        assert len(english_words(html, known)) >= 3, name


# --- the switch, the admin, days and money ------------------------------------------------

SUNDAY = dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC)  # noon in Kyiv


def test_the_staff_bar_switches_language_and_the_admin_follows(db):
    client = Client()
    client.force_login(_staff("manager", ADMIN))
    page = client.get("/staff/").content.decode()
    # The switch is a form to Django's set_language, one button per language, named in itself.
    assert f'action="{reverse("set_language")}"' in page
    assert 'name="language" value="uk" lang="uk"' in page and ">Українська</button>" in page
    assert '<html lang="en">' in page

    switched = client.post(reverse("set_language"), {"language": "uk", "next": "/staff/"})
    assert (switched.status_code, switched["Location"]) == (302, "/staff/")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "uk"  # remembered by the browser

    page = client.get("/staff/").content.decode()
    assert '<html lang="uk">' in page and "Сьогодні" in page and "Вийти" in page
    admin_index = client.get("/admin/").content.decode()
    assert 'lang="uk"' in admin_index
    # Django's own words, then ours: the apps' and models' names.
    assert "Адміністрування сайта" in admin_index
    for ours in ("Бронювання", "Каталог", "Розклад", "Сповіщення", "Зали й місця", "сповіщення платіжного сервісу"):
        assert ours in admin_index.replace("Сповіщення платіжного", "сповіщення платіжного"), ours

    client.post(reverse("set_language"), {"language": "en", "next": "/staff/"})
    assert '<html lang="en">' in client.get("/staff/").content.decode()
    assert "Site administration" in client.get("/admin/").content.decode()


def test_the_admins_actions_columns_and_messages_are_in_ukrainian(db):
    from marquee.notifications.models import OutgoingMail

    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"
    c = cinema()
    mails = client.get(reverse("admin:notifications_outgoingmail_changelist")).content.decode()
    assert "Надіслати ще раз (нова копія в черзі)" in mails  # an admin action
    assert "Остання помилка" in mails  # a column of our own (admin.display)
    sent = OutgoingMail.objects.filter(booking=c["paid"]).first()
    OutgoingMail.objects.filter(pk=sent.pk).update(status="sent")
    done = client.post(
        reverse("admin:notifications_outgoingmail_changelist"),
        {"action": "resend", "_selected_action": [sent.pk]},
        follow=True,
    )
    assert "Поставлено в чергу 1 нову копію." in done.content.decode()
    api_key_create(username="root", name="Каса 1")
    keys = client.get(reverse("admin:staff_apikey_changelist")).content.decode()
    assert "Відкликати вибрані ключі" in keys


@pytest.mark.parametrize(
    ("language", "heading", "wrong"),
    [("en", "Today, Sunday 6 December", "Sunday, 6"), ("uk", "Сьогодні, неділя, 6 грудня", "Грудень")],
)
def test_the_dashboard_writes_the_day_as_its_reader_does(db, language, heading, wrong):
    client = Client()
    client.force_login(_staff("manager", ADMIN))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with time_machine.travel(SUNDAY, tick=False):
        page = client.get("/staff/").content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert wrong not in page


def test_money_dates_and_numbers_follow_the_staff_language(kyiv_cinema, admin_in):
    booking = kyiv_cinema["paid"]
    path = f"/staff/bookings/{booking.reference}/"
    english = admin_in("en").get(path).content.decode()
    ukrainian = admin_in("uk").get(path).content.decode()
    assert money_text(booking.total_price, language="en") in english  # "UAH 375.00"
    assert money_text(booking.total_price, language="uk") in ukrainian  # "375,00 грн"
    assert "грн" in ukrainian and "UAH" not in ukrainian
    month = booking.booked_at.astimezone(dt.timezone(dt.timedelta(hours=2))).month
    assert ["січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня", "жовтня",
            "листопада", "грудня"][month - 1] in ukrainian  # fmt: skip
    occupancy = admin_in("uk").get("/staff/reports/sales/").content.decode()
    assert "Виручка" in occupancy


def test_a_staff_message_and_a_form_error_are_in_ukrainian(kyiv_cinema, admin_in):
    client = admin_in("uk")
    booking = kyiv_cinema["paid"]
    refunded = client.post(
        f"/staff/bookings/{booking.reference}/refund/", {"amount": "5.00", "reason": "Зламане крісло"}, follow=True
    )
    assert (
        f"Повернення {money_text(Decimal('5.00'), language='uk')} за {booking.reference}" in refunded.content.decode()
    )
    refused = client.post("/staff/tariffs/", {"name": "", "start_time": "25:00"})
    assert refused.status_code == 422
    assert "Виправте" in refused.content.decode() and "Please correct" not in refused.content.decode()


def test_the_cash_up_pdf_is_in_ukrainian(kyiv_cinema, admin_in):
    from pypdf import PdfReader

    pdf = admin_in("uk").get("/staff/cash-up.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Закриття каси" in text and "Працівник" in text and "Підпис" in text
    assert "Cash" not in text and "Staff member" not in text


# --- the catalogue -----------------------------------------------------------------------


def test_the_ukrainian_catalogue_is_complete_and_compiled(tmp_path):
    """No entry untranslated or fuzzy (`msgfmt --statistics`), placeholders checked (`-c`),
    and the committed .mo is the .po compiled: the same translations, entry for entry."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt is needed (as for compilemessages)"
    fresh = tmp_path / "django.mo"
    result = subprocess.run(
        [msgfmt, "-c", "--statistics", "-o", str(fresh), str(PO)], capture_output=True, text=True, check=True
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
    with fresh.open("rb") as new, MO.open("rb") as committed:
        assert GNUTranslations(committed)._catalog == GNUTranslations(new)._catalog  # type: ignore[attr-defined]
    assert "'" not in "".join(
        line for line in PO.read_text(encoding="utf-8").splitlines() if line.startswith("msgstr") and "href" not in line
    ), "Ukrainian uses the apostrophe ’"
