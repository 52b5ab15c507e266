"""Gift vouchers in the API (issue 13, point 6): `voucher_code` on POST /bookings with
`voucher_amount` and `amount_due` in the answers, 422 naming `voucher_code` with the reason;
POST /vouchers to buy one; GET /vouchers/{code} throttled; the staff API's list, detail
and issue; none of it ever a 500."""

import pytest

from marquee.audit.models import AuditEntry
from marquee.booking.models import Booking
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.vouchers.models import Voucher

pytestmark = pytest.mark.django_db


def _hold(api, show, seat_ids, **extra):
    body = {
        "showtime_id": show.pk,
        "seat_ids": seat_ids,
        "customer": {"first_name": "Olena", "last_name": "Koval", "email": "olena@example.com"},
        **extra,
    }
    return api.post("/bookings", body)


def test_a_hold_with_a_voucher_answers_what_it_paid_and_what_is_due(demo, clock, api, show, seats, voucher_of):
    voucher = voucher_of("150.00")
    answer = _hold(api, show, seats[:2], voucher_code=voucher.printed_code)
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["total_price"], body["voucher_amount"], body["amount_due"]) == ("200.00", "150.00", "50.00")
    token = body["token"]
    started = api.post(f"/bookings/{body['reference']}/payments", {"provider": "demo"}, token=token)
    assert started.json()["amount"] == "50.00"
    got = api.get(f"/bookings/{body['reference']}", token=token).json()
    assert got["status"] == "paid"
    assert (got["voucher_amount"], got["amount_due"], got["amount_paid"]) == ("150.00", "0.00", "200.00")
    plain = _hold(api, show, seats[2:3]).json()  # without a voucher: the same shape
    assert (plain["voucher_amount"], plain["amount_due"]) == ("0.00", "100.00")


def test_a_voucher_that_cannot_pay_answers_422_with_the_reason(demo, clock, api, show, seats):
    answer = _hold(api, show, seats[:2], voucher_code="ABCD-EFGH-JKMN-PQRS-TUVW")
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"] == "validation_error"
    assert body["fields"] == {"voucher_code": ["No gift voucher has this code."]}
    assert Booking.objects.count() == 0
    assert _hold(api, show, seats[:2], voucher_code="x" * 65).status_code == 422
    assert _hold(api, show, seats[:2], voucher_code=7).status_code == 422


def test_buy_a_voucher_through_the_api(demo, clock, api):
    answer = api.post(
        "/vouchers",
        {
            "amount": "300.00",
            "buyer": {"name": "Taras", "email": "taras@example.com"},
            "recipient": {"name": "Oksana", "email": "oksana@example.com"},
            "message": "For the films",
            "send_to": "recipient",
            "provider": "demo",
        },
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    voucher = Voucher.objects.get()
    assert body["voucher"]["status"] == "active" and body["voucher"]["code"] == voucher.printed_code
    assert body["payment"]["status"] == "succeeded" and body["payment"]["next"] == {"type": "none"}
    assert OutgoingMail.objects.filter(kind=MailKind.VOUCHER, to_email="oksana@example.com").count() == 1
    buyer = {"name": "T", "email": "t@example.com"}
    for bad in (
        {"amount": "1.00", "buyer": buyer, "provider": "demo"},
        {"amount": "300.00", "buyer": {"name": "T", "email": "not an email"}, "provider": "demo"},
        {"amount": "300.00", "buyer": buyer, "provider": "cash"},
        {"amount": "300.00", "buyer": buyer, "provider": "demo", "x": 1},
        {"amount": "300.00", "buyer": buyer, "provider": "demo", "send_to": "recipient"},
        {"amount": "NaN", "buyer": buyer, "provider": "demo"},
    ):
        refused = api.post("/vouchers", bad)
        assert refused.status_code == 422, (bad, refused.json())
    assert Voucher.objects.count() == 1


def test_a_codes_balance_is_answered_and_guessing_is_throttled(demo, clock, api, voucher_of, settings):
    settings.API_VOUCHER_LOOKUP_RATE_PER_MINUTE = 3
    voucher = voucher_of("150.00")
    found = api.get(f"/vouchers/{voucher.code.lower()}")
    assert found.status_code == 200
    assert found.json()["balance"] == "150.00" and found.json()["usable"] is True
    assert api.get("/vouchers/ABCD-EFGH-JKMN-PQRS-TUVW").status_code == 404
    assert api.get("/vouchers/%00").status_code == 404
    assert api.get(f"/vouchers/{voucher.code}").status_code == 429  # the fourth try this minute


def test_staff_api_lists_reads_and_issues(demo, clock, admin_api, box_office_api, anonymous_api, voucher_of):
    bought = voucher_of("150.00", email="find.me@example.com")
    issued = box_office_api.post("/vouchers", {"amount": "250.00", "reason": "Broken projector"})
    assert issued.status_code == 201, issued.json()
    body = issued.json()
    assert body["source"] == "issued" and body["balance"] == "250.00" and body["entries"][0]["kind"] == "issued"
    entry = AuditEntry.objects.get(action="voucher.issue")
    assert entry.changes["reason"] == "Broken projector"
    listed = admin_api.get("/vouchers", q="find.me@example.com").json()
    assert [v["id"] for v in listed["results"]] == [bought.pk]
    assert admin_api.get("/vouchers", q=bought.code[-4:]).json()["count"] >= 1
    detail = admin_api.get(f"/vouchers/{bought.pk}").json()
    assert detail["code"] == bought.printed_code and [e["kind"] for e in detail["entries"]] == ["issued"]
    assert admin_api.get("/vouchers/999999").status_code == 404
    assert admin_api.post("/vouchers", {"amount": "10.00", "reason": ""}).status_code == 422
    assert admin_api.post("/vouchers", {"amount": "10.00", "reason": "x", "extra": 1}).status_code == 422
    assert anonymous_api.get("/vouchers").status_code == 401


def test_an_expired_voucher_is_shown_as_unusable(demo, clock, api, voucher_of):
    from datetime import timedelta

    from tests.payments.conftest import NOW

    voucher = voucher_of("150.00")
    Voucher.objects.filter(pk=voucher.pk).update(expires_at=NOW - timedelta(minutes=1))
    found = api.get(f"/vouchers/{voucher.code}").json()
    assert found["usable"] is False and found["balance"] == "150.00"
