"""The staff side in Ukrainian as well as English (issue 12, point 6).

Every staff page that the browser sweep visits (tests/browser/test_every_page.py) is rendered
here in Ukrainian with the test client, and its visible words are read: any Latin word that is
not the cinema's own data (titles, names, emails, references), nor one of the few words that
stay Latin in Ukrainian (CSV, PDF, VIP…), is English left on the page. The same pages in
English are full of such words, so the reading itself is tested both ways.
"""

import datetime as dt
import re
import shutil
import subprocess
from gettext import GNUTranslations
from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from marquee.booking.models import Booking, Customer
from marquee.catalog.models import Genre, Movie
from marquee.core.money import money_text
from marquee.pricing.models import Tariff
from marquee.staff.roles import ADMIN
from marquee.venues.models import Hall
from tests.backoffice.conftest import _staff
from tests.browser.test_every_page import cinema, staff_pages

PO = Path(settings.LOCALE_PATHS[0]) / "uk" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

# Words that are written in Latin letters in Ukrainian too, and "English": the language
# switch names each language in itself.
LATIN_IN_UKRAINIAN = {"CSV", "PDF", "VIP", "QR", "Django", "Email", "email", "id", "Id", "English"}
# Attributes whose words people read (or hear from a screen reader).
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-confirm"}
# The door's pages are rewritten and translated in their own part of issue 12 (the check-in
# engineer's branch); they join this check once merged.
TRANSLATED_ELSEWHERE = {"staff-checkin", "staff-checkin-showtime"}
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
    texts += Movie.objects.values_list("title", flat=True)
    texts += Genre.objects.values_list("name", flat=True)
    texts += Hall.objects.values_list("name", flat=True)
    texts += Tariff.objects.values_list("name", flat=True)
    for first, last, email in Customer.objects.values_list("first_name", "last_name", "email"):
        texts += [first, last, email]
    texts += Booking.objects.values_list("recipient_name", flat=True)
    texts += User.objects.values_list("username", flat=True)
    # Payment providers and their ids are names, as on the provider's own dashboard.
    texts += ["demo", "box_office", "stripe", "liqpay", "cash", "card_terminal"]
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
        if name in TRANSLATED_ELSEWHERE:
            continue
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
