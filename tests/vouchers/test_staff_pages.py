"""Gift vouchers for staff (issue 13, point 4): find one by code or email, read its balance
and history, issue one by hand with a reason, extend its expiry: audited, and in both
languages; a cashier (Box office) may, someone without the role may not."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from marquee.audit.models import AuditEntry
from marquee.payments.checkout import checkout_hold
from marquee.staff.roles import BOX_OFFICE
from marquee.vouchers.models import Voucher
from tests import factories as f
from tests.backoffice.conftest import _staff
from tests.backoffice.test_staff_language import data_words, english_words

pytestmark = pytest.mark.django_db


def _client(language: str = "en") -> Client:
    client = Client()
    client.force_login(_staff(f"cashier-{language}", BOX_OFFICE))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_find_read_issue_and_extend(demo, clock, show, seats, voucher_of):
    bought = voucher_of("300.00", email="buyer@example.com")
    checkout_hold(showtime_id=show.pk, seat_ids=seats[:2], customer=f.buyer(), voucher_code=bought.code)
    client = _client()
    by_email = client.get("/staff/vouchers/", {"q": "BUYER@example.com"}).content.decode()
    assert bought.printed_code in by_email
    by_tail = client.get("/staff/vouchers/", {"q": bought.code[-4:].lower()}).content.decode()
    assert bought.printed_code in by_tail
    nothing = client.get("/staff/vouchers/", {"q": "nobody@example.com"}).content.decode()
    assert bought.printed_code not in nothing

    page = client.get(f"/staff/vouchers/{bought.pk}/").content.decode()
    assert "100.00" in page  # the balance left after 200 spent
    assert "Spent on a booking" in page and "Issued" in page

    issued = client.post(
        "/staff/vouchers/", {"amount": "250", "reason": "Broken projector", "recipient_email": "vip@example.com"}
    )
    assert issued.status_code == 302
    voucher = Voucher.objects.get(reason="Broken projector")
    assert voucher.balance == Decimal("250.00") and voucher.issued_by.username == "cashier-en"
    assert AuditEntry.objects.filter(action="voucher.issue", target_id=str(voucher.pk)).exists()
    refused = client.post("/staff/vouchers/", {"amount": "250", "reason": ""})
    assert refused.status_code == 422

    later = (voucher.expires_at + dt.timedelta(days=30)).date()
    extended = client.post(f"/staff/vouchers/{voucher.pk}/extend/", {"expires_on": later, "reason": "Goodwill"})
    assert extended.status_code == 302
    voucher.refresh_from_db()
    assert voucher.expires_at > dt.datetime.combine(later, dt.time(), tzinfo=dt.UTC) - dt.timedelta(days=1)
    assert AuditEntry.objects.filter(action="voucher.extend").exists()
    earlier = client.post(f"/staff/vouchers/{voucher.pk}/extend/", {"expires_on": "2020-01-01", "reason": "x"})
    assert earlier.status_code == 422


def test_the_voucher_pages_in_ukrainian_have_no_english(demo, clock, voucher_of):
    voucher = voucher_of("300.00")
    client = _client("uk")
    known = data_words() | {"Taras"}
    for path in ("/staff/vouchers/", f"/staff/vouchers/{voucher.pk}/"):
        html = client.get(path).content.decode()
        assert '<html lang="uk">' in html
        assert english_words(html, known) == [], path
    english = _client("en").get("/staff/vouchers/").content.decode()
    assert english_words(english, known)  # the reading can fail


def test_only_the_box_office_and_admins_see_vouchers(demo, clock):
    outsider = Client()
    outsider.force_login(_staff("nobody", None))
    assert outsider.get("/staff/vouchers/").status_code in (302, 403)
