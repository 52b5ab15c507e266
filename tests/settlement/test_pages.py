"""The staff pages: the settlement (week picker, CSV, PDF, email) and the distributors with
their movies' terms, in English and Ukrainian, for report readers only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from marquee.audit.models import AuditEntry
from marquee.core.money import money_text
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.settlement.models import Distributor, RentalTerm
from marquee.staff.roles import BOX_OFFICE
from tests import factories as f
from tests.backoffice.conftest import _staff
from tests.notifications.helpers import pdf_pages_text
from tests.settlement.conftest import THURSDAY, distributor, sell, show_at, terms

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_in(staff):
    def make(language: str = "en") -> Client:
        client = Client()
        client.force_login(staff)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return make


@pytest.fixture
def sold():
    kino = distributor()
    film = f.movie(title="The Tribe", title_uk="Плем'я", distributor_id=kino.pk)
    terms(film, (1, "55.00", None))
    sell(show_at(film, THURSDAY, 19, price="123.45"), 3)
    return kino, film


@pytest.mark.parametrize(("language", "heading", "due"), [("en", "Distributors' settlement", "en"),
                                                           ("uk", "Розрахунки з дистриб’юторами", "uk")])  # fmt: skip
def test_the_settlement_page(sold, client_in, language, heading, due, django_assert_max_num_queries):
    client = client_in(language)
    with django_assert_max_num_queries(14):
        page = client.get("/staff/settlement/", {"week": "2027-01-17"}).content.decode()
    assert heading in page and "Kinomania Distribution" in page
    assert money_text(Decimal("169.74"), language=due) in page
    assert 'href="?week=2027-01-07"' in page and 'href="?week=2027-01-21"' in page  # previous and next week


def test_a_bad_week_shows_this_week(client_in):
    page = client_in().get("/staff/settlement/", {"week": "9999-99-99"})
    assert page.status_code == 200 and "Showing this week" in page.content.decode()


def test_csv_pdf_and_email(sold, client_in, staff):
    kino, _film = sold
    client = client_in()
    csv_text = client.get("/staff/settlement.csv", {"week": "2027-01-14"}).content.decode()
    assert "Kinomania Distribution" in csv_text and "169.74" in csv_text
    pdf = client.get(f"/staff/settlement/{kino.pk}.pdf", {"week": "2027-01-14"})
    assert pdf["Content-Type"] == "application/pdf"
    assert "The Tribe" in "\n".join(pdf_pages_text(pdf.content))
    sent = client.post(f"/staff/settlement/{kino.pk}/email/?week=2027-01-15", follow=True)
    assert "statements@kinomania.example" in sent.content.decode()
    assert OutgoingMail.objects.filter(kind=MailKind.SETTLEMENT, context__week="2027-01-14").count() == 1
    assert AuditEntry.objects.filter(action="settlement.emailed", actor=staff).exists()


def test_keeping_a_distributor_and_its_terms(client_in, staff):
    client = client_in()
    made = client.post(
        "/staff/distributors/",
        {"name": "Bohdan Films", "email": "a@bohdan.example", "contact": "", "vat_rate": "20", "language": "uk",
         "is_active": "on"},
    )  # fmt: skip
    bohdan = Distributor.objects.get(name="Bohdan Films")
    assert made.status_code == 302 and made["Location"] == f"/staff/distributors/{bohdan.pk}/"
    movie = f.movie(title="Stop-Zemlia", distributor_id=bohdan.pk)
    page = client.get(f"/staff/distributors/{bohdan.pk}/").content.decode()
    assert "Stop-Zemlia" in page
    saved = client.post(
        f"/staff/distributors/{bohdan.pk}/movies/{movie.pk}/terms/",
        {"from_week": ["1", "2", ""], "percentage": ["55", "50,5", ""], "minimum": ["", "300", ""]},
    )
    assert saved.status_code == 302
    assert list(
        RentalTerm.objects.filter(movie=movie).values_list("from_week", "percentage", "minimum_per_showtime")
    ) == [
        (1, Decimal("55.00"), None),
        (2, Decimal("50.50"), Decimal("300.00")),
    ]
    refused = client.post(
        f"/staff/distributors/{bohdan.pk}/movies/{movie.pk}/terms/",
        {"from_week": ["2"], "percentage": ["50"], "minimum": [""]},
        follow=True,
    )
    assert "week 1" in refused.content.decode()
    assert RentalTerm.objects.filter(movie=movie).count() == 2  # unchanged
    assert AuditEntry.objects.filter(action="rentalterm.set", actor=staff).count() == 1
    duplicate = client.post("/staff/distributors/", {"name": "bohdan films", "vat_rate": "20"})
    assert duplicate.status_code == 422 and "exists" in duplicate.content.decode()


def test_the_movie_page_sets_the_distributor(client_in):
    kino = distributor()
    movie = f.movie(title="The Tribe")
    client = client_in()
    form = client.get(f"/staff/movies/{movie.pk}/").content.decode()
    assert "Kinomania Distribution" in form
    saved = client.post(
        f"/staff/movies/{movie.pk}/",
        {"title_en": "The Tribe", "duration_min": 100, "release_year": 2024, "age_rating": 0,
         "genres": [movie.genres.first().pk], "is_listed": "on", "distributor": kino.pk},
    )  # fmt: skip
    assert saved.status_code == 302
    movie.refresh_from_db()
    assert movie.distributor_id == kino.pk


def test_box_office_may_not(db):
    client = Client()
    client.force_login(_staff("box", BOX_OFFICE))
    for path in ("/staff/settlement/", "/staff/distributors/", "/staff/settlement.csv"):
        assert client.get(path).status_code == 403, path


def test_every_day_of_the_week_gives_the_same_week(sold, client_in):
    client = client_in()
    pages = {client.get("/staff/settlement.csv", {"week": (THURSDAY + dt.timedelta(days=d)).isoformat()}).content
             for d in range(7)}  # fmt: skip
    assert len(pages) == 1


def test_a_refusal_is_in_ukrainian(client_in):
    distributor("Bohdan Films")
    client = client_in("uk")
    refused = client.post("/staff/distributors/", {"name": "bohdan films", "vat_rate": "20"})
    assert refused.status_code == 422 and "Дистриб’ютор із такою назвою вже є." in refused.content.decode()
    movie = f.movie(distributor_id=Distributor.objects.get().pk)
    page = client.post(
        f"/staff/distributors/{movie.distributor_id}/movies/{movie.pk}/terms/",
        {"from_week": ["2"], "percentage": ["50"], "minimum": [""]},
        follow=True,
    ).content.decode()
    assert "Умови: Умови починаються з 1-го тижня прокату." in page
