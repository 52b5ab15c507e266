"""The statement as CSV and PDF (read back), and emailed to the distributor through the real
SMTP server with the PDF attached."""

import csv
import io
from decimal import Decimal

import pytest
from django.utils import translation

from marquee.audit.models import AuditEntry
from marquee.core.errors import InvalidState
from marquee.core.money import money_text
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.notifications.worker import mail_deliver_due
from marquee.settlement.selectors import settlement
from marquee.settlement.services import distributor_update, settlement_email
from marquee.settlement.statement import CSV_HEADER, settlement_csv, statement_pdf
from tests import factories as f
from tests.notifications.helpers import attachment, pdf_pages_text, text_body
from tests.settlement.conftest import THURSDAY, distributor, sell, show_at, terms

pytestmark = pytest.mark.django_db


@pytest.fixture
def sold():
    kino = distributor()
    film = f.movie(title="Tini zabutykh predkiv", title_uk="Тіні забутих предків", distributor_id=kino.pk)
    terms(film, (1, "55.00", None))
    sell(show_at(film, THURSDAY, 19, price="123.45"), 3)
    return kino, film


def test_the_csv_has_a_row_per_distributor_and_movie(sold):
    _kino, film = sold
    rows = list(csv.reader(io.StringIO(settlement_csv(settlement(day=THURSDAY)))))
    assert rows[0] == CSV_HEADER
    [row] = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    # 370.35 gross: VAT 61.73 (61.725 half up), net 308.62, 55 % = 169.741 → 169.74
    assert row["distributor"] == "Kinomania Distribution" and row["movie_id"] == str(film.pk)
    assert (row["admissions"], row["gross"], row["vat"], row["net"], row["percentage"], row["amount_due"]) == (
        "3", "370.35", "61.73", "308.62", "55.00", "169.74")  # fmt: skip
    assert row["week_start"] == "2027-01-14" and row["week_end"] == "2027-01-20" and row["currency"] == "UAH"


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", ["Settlement statement", "Tini zabutykh predkiv", "Amount due"]),
     ("uk", ["Акт розрахунку", "Тіні забутих предків", "До сплати"])],
)  # fmt: skip
def test_the_pdf_reads_back_in_each_language(sold, language, words):
    with translation.override(language):
        result = settlement(day=THURSDAY)
        pdf = statement_pdf(result.distributors[0], result)
        due = money_text(Decimal("169.74"))
    text = "\n".join(pdf_pages_text(pdf)).replace("\xa0", " ")
    for word in [*words, "Kinomania Distribution", due.replace("\xa0", " ")]:
        assert word in text, word


def test_the_statement_is_emailed_with_the_pdf(sold, smtp_server, staff):
    kino, _film = sold
    distributor_update(distributor_id=kino.pk, language="uk", staff_user=staff)
    while mail_deliver_due():  # the tickets of the sale
        pass
    smtp_server.handler.messages.clear()
    mail = settlement_email(distributor_id=kino.pk, day=THURSDAY, staff_user=staff)
    assert mail.kind == MailKind.SETTLEMENT and mail.to_email == "statements@kinomania.example"
    entry = AuditEntry.objects.get(action="settlement.emailed")
    assert entry.actor == staff and entry.changes["week"] == "2027-01-14 – 2027-01-20"
    while mail_deliver_due():
        pass
    [message] = smtp_server.messages
    assert message["To"] == "statements@kinomania.example"
    assert "Акт розрахунку" in message["Subject"]  # the distributor's language
    assert money_text(Decimal("169.74"), language="uk") in text_body(message)
    pdf = attachment(message, f"settlement-2027-01-14-{kino.pk}.pdf")
    text = "\n".join(pdf_pages_text(pdf)).replace("\xa0", " ")
    assert "Тіні забутих предків" in text
    assert money_text(Decimal("169.74"), language="uk").replace("\xa0", " ") in text
    assert OutgoingMail.objects.get(pk=mail.pk).status == "sent"


def test_no_email_address_no_mail(sold, staff):
    kino, _film = sold
    distributor_update(distributor_id=kino.pk, email="", staff_user=staff)
    with pytest.raises(InvalidState):
        settlement_email(distributor_id=kino.pk, day=THURSDAY, staff_user=staff)
    assert not OutgoingMail.objects.filter(kind=MailKind.SETTLEMENT).exists()


def test_a_statement_for_a_distributor_deleted_since_fails_at_once(smtp_server, staff):
    from marquee.notifications.models import MailStatus
    from marquee.settlement.services import distributor_delete

    gone = distributor("Gone Films", email="gone@example.com")
    mail = settlement_email(distributor_id=gone.pk, day=THURSDAY, staff_user=staff)
    distributor_delete(distributor_id=gone.pk, staff_user=staff)
    while mail_deliver_due():
        pass
    mail.refresh_from_db()
    assert mail.status == MailStatus.FAILED and "gone" in mail.last_error
    assert not smtp_server.messages
