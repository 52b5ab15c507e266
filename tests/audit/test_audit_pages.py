"""The audit page, its CSV, each booking's and showtime's trail, and the admin: every path a
staff member changes something by (page, API, admin) leaves a record naming them."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from marquee.audit.models import AuditEntry
from marquee.audit.services import audit_record
from marquee.booking.models import Booking
from marquee.core.errors import TariffOverlap
from marquee.payments.services import booking_cancel, payment_record_box_office
from marquee.pricing.services import tariff_create
from marquee.staff.roles import ADMIN, BOX_OFFICE
from marquee.staff.services import api_key_create
from tests import factories as f
from tests.staff.conftest import Api, staff_user

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ada() -> User:
    return staff_user("ada", ADMIN)


@pytest.fixture
def paid() -> Booking:
    show = f.showtime(hall_obj=f.hall(rows=2, seats=4))
    seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    booking = f.hold(show, seats[:2], email="paid@example.com").booking
    payment_record_box_office(reference=booking.reference)
    return Booking.objects.get(pk=booking.pk)


def test_only_admin_opens_the_audit(ada):
    box = _client(staff_user("bob", BOX_OFFICE))
    assert box.get("/staff/audit/").status_code == 403
    assert box.get("/staff/audit.csv").status_code == 403
    assert Client().get("/staff/audit/").status_code == 302
    assert _client(ada).get("/staff/audit/").status_code == 200
    assert _client(ada).post("/staff/audit/").status_code == 405


def test_a_cancel_on_the_staff_page_shows_on_the_audit_page_with_who_and_what(ada, paid):
    admin = _client(ada)
    answer = admin.post(
        f"/staff/bookings/{paid.reference}/cancel/",
        {"refund": "amount", "refund_amount": "50.00", "reason": "Came too late"},
    )
    assert answer.status_code == 302
    entry = AuditEntry.objects.get(action="booking.cancel")
    assert (entry.actor, entry.booking_id, entry.target_id) == (ada, paid.pk, paid.reference)
    page = admin.get("/staff/audit/").content.decode()
    assert "ada" in page
    assert "Booking cancelled by staff" in page
    assert 'status:</span> paid <span aria-hidden="true">→</span>' in page
    assert "Came too late" in page
    assert f'href="/staff/bookings/{paid.reference}/"' in page


def test_the_booking_and_showtime_pages_show_their_trail(ada, paid):
    admin = _client(ada)
    admin.post(f"/staff/bookings/{paid.reference}/refund/", {"amount": "20.00", "reason": "Broken seat"})
    other = f.hold(paid.showtime, [paid.showtime.hall.seats.order_by("pk").last().pk], email="x@example.com").booking
    admin.post(f"/staff/bookings/{other.reference}/pay/", {"method": "cash"})
    booking_page = admin.get(f"/staff/bookings/{paid.reference}/").content.decode()
    assert "Who did what" in booking_page
    assert "Broken seat" in booking_page
    assert booking_page.count("Paid at the box office") == 1  # its own (the fixture's), not the other's
    showtime_page = admin.get(f"/staff/showtimes/{paid.showtime_id}/").content.decode()
    assert "Broken seat" in showtime_page
    assert showtime_page.count("Paid at the box office") == 2
    assert f'href="/staff/bookings/{other.reference}/"' in showtime_page
    # The box office sees the trail of the bookings it serves.
    box_page = _client(staff_user("bob", BOX_OFFICE)).get(f"/staff/bookings/{paid.reference}/").content.decode()
    assert "Broken seat" in box_page


def test_a_showtime_cancel_shows_on_its_bookings_trail(ada, paid):
    admin = _client(ada)
    admin.post(f"/staff/showtimes/{paid.showtime_id}/cancel/")
    entry = AuditEntry.objects.get(action="showtime.cancel")
    assert entry.actor == ada and paid.reference in entry.changes["bookings_cancelled"]
    assert "Showtime cancelled" in admin.get(f"/staff/bookings/{paid.reference}/").content.decode()


def _entries(n: int, user: User) -> None:
    for i in range(n):
        audit_record(actor=user, action="tariff.update", target_type="tariff", target_id=i, target_label=f"T{i}")


def test_the_filters_find_by_user_action_target_dates_and_words(ada, paid):
    bob = staff_user("bob", BOX_OFFICE)
    booking_cancel(reference=paid.reference, by_staff=True, refund="none", reason="Клієнт попросив", staff_user=bob)
    _entries(3, ada)
    admin = _client(ada)

    def found(**query):
        return admin.get("/staff/audit/", query).context["found"]

    assert found().count == AuditEntry.objects.count()
    assert {e.actor_name for e in found(actor="bob").results} == {"bob"}
    assert found(actor="system").count == AuditEntry.objects.filter(actor=None).count() > 0
    assert [e.action for e in found(action="booking.cancel").results] == ["booking.cancel"]
    assert {e.action for e in found(action="tariff.").results} == {"tariff.update"}
    by_reference = found(target=paid.reference.lower()).results
    assert by_reference and all(e.booking_id == paid.pk for e in by_reference)
    by_number = {e.pk for e in found(target=str(paid.showtime_id)).results}  # any kind's number
    assert set(AuditEntry.objects.filter(showtime_id=paid.showtime_id).values_list("pk", flat=True)) <= by_number
    assert [e.target_label for e in found(target="T1").results] == ["T1"]
    assert found(q="КЛІЄНТ").count == 1  # Cyrillic, whatever its case, on SQLite too
    assert found(q="bob попросив").count == 1
    today = dt.date.today()
    assert found(date_from=today - dt.timedelta(days=1), date_to=today + dt.timedelta(days=1)).count > 0
    assert found(date_from=today + dt.timedelta(days=2)).count == 0


def test_bad_filters_are_form_errors_not_500s(ada):
    _entries(2, ada)
    admin = _client(ada)
    for query in (
        {"date_from": "2026-12-10", "date_to": "2026-12-01"},
        {"date_from": "not a date"},
        {"date_from": "0001-01-01"},
        {"action": "no.such"},
        {"actor": "nobody"},
        {"page": "9999999999"},
        {"target": "x" * 500},
        {"q": "\x00"},
    ):
        answer = admin.get("/staff/audit/", query)
        assert answer.status_code == 200, query
    answer = admin.get("/staff/audit/", {"date_from": "2026-12-10", "date_to": "2026-12-01"})
    assert "before its start" in answer.content.decode()
    assert admin.get("/staff/audit.csv", {"date_from": "nope", "q": "\x00"}).status_code == 200


def test_the_audit_is_paginated_newest_first(ada):
    _entries(55, ada)
    admin = _client(ada)
    first = admin.get("/staff/audit/").context
    assert len(first["found"].results) == 50 and first["has_next"]
    assert first["found"].results[0].target_label == "T54"
    second = admin.get("/staff/audit/", {"page": 2}).context
    assert [e.target_label for e in second["found"].results] == ["T4", "T3", "T2", "T1", "T0"]


def test_the_csv_is_streamed_filtered_and_safe_against_formulas(ada, paid):
    booking_cancel(
        reference=paid.reference, by_staff=True, refund="none", reason='=HYPERLINK("http://x")', staff_user=ada
    )
    audit_record(actor=ada, action="tariff.update", target_type="tariff", target_id=1, target_label="@SUM(1)")
    answer = _client(ada).get("/staff/audit.csv", {"action": "booking.cancel"})
    assert answer.streaming
    assert answer["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode())))
    assert rows[0][:3] == ["time", "staff_user", "action"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["staff_user"] == "ada" and row["target_id"] == paid.reference
    assert "status: paid → cancelled" in row["changes"]
    assert "reason: =HYPERLINK" in row["changes"]
    everything = b"".join(_client(ada).get("/staff/audit.csv").streaming_content).decode()
    assert "'@SUM(1)" in everything


def test_the_api_key_user_is_the_actor(client, paid):
    staff_user("ada", ADMIN)
    api = Api(client, api_key_create(username="ada").key)
    assert (
        api.post(f"/bookings/{paid.reference}/refund", {"amount": "10.00", "reason": "Sound was off"}).status_code
        == 200
    )
    assert api.patch(f"/halls/{paid.showtime.hall_id}", {"name": "Renamed"}).status_code == 200
    entries = AuditEntry.objects.filter(action__in=["booking.refund", "hall.update"])
    assert {(e.action, e.actor_name) for e in entries} == {("booking.refund", "ada"), ("hall.update", "ada")}
    assert AuditEntry.objects.get(action="hall.update").changes["name"][1] == "Renamed"


def test_the_admin_records_its_changes_and_shows_the_audit_read_only(paid):
    boss = User.objects.create_superuser("boss", password="x-unused-123456")
    admin = _client(boss)
    tariff = f.tariff()
    answer = admin.post(
        f"/admin/pricing/tariff/{tariff.pk}/change/",
        {
            "name_en": "Evening",
            "start_time": "18:00",
            "end_time": "23:00",
            "price_multiplier": "1.30",
            "days": [str(d) for d in range(7)],
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="tariff.update")
    assert entry.actor == boss
    assert entry.changes["price_multiplier"] == ["1.25", "1.30"]
    admin.post(f"/admin/venues/hall/{paid.showtime.hall_id}/delete/", {"post": "yes"})  # refused: it has showtimes
    assert not AuditEntry.objects.filter(action="hall.delete").exists()
    admin.post("/admin/booking/booking/", {"action": "resend_tickets", "_selected_action": [paid.pk]})
    assert AuditEntry.objects.get(action="booking.resend").actor == boss
    # The entries themselves: shown, never added, changed or deleted.
    assert admin.get("/admin/audit/auditentry/").status_code == 200
    assert admin.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == 200
    assert admin.get("/admin/audit/auditentry/add/").status_code == 403
    assert admin.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_refused_change_leaves_no_record_and_customers_leave_none(ada, paid):
    f.tariff()
    before = AuditEntry.objects.count()
    with pytest.raises(TariffOverlap):
        tariff_create(
            name="Clash",
            start_time=dt.time(19),
            end_time=dt.time(20),
            price_multiplier=Decimal("1.1"),
            staff_user=ada,
        )
    assert AuditEntry.objects.count() == before
    # A customer cancelling their own booking is not a staff change.
    hold = f.hold(paid.showtime, [paid.showtime.hall.seats.order_by("pk").last().pk], email="c@example.com")
    booking_cancel(reference=hold.booking.reference, token=hold.token)
    assert AuditEntry.objects.count() == before


def test_the_audit_speaks_ukrainian(ada, paid):
    booking_cancel(reference=paid.reference, by_staff=True, refund="full", reason="Клієнт попросив", staff_user=ada)
    admin = _client(ada)
    admin.cookies["django_language"] = "uk"
    page = admin.get("/staff/audit/").content.decode()
    assert "Журнал дій" in page
    assert "Бронювання скасовано працівником" in page
    # Codes stored, names shown: the status and the refund choice in the reader's language.
    assert "статус:</span> оплачено <span" in page and "повернення:</span> повне" in page
    assert "грн" in page  # the refunded amount, written as Ukrainian readers write money
    trail = admin.get(f"/staff/bookings/{paid.reference}/").content.decode()
    assert "Хто що зробив" in trail and "Клієнт попросив" in trail


def test_the_page_and_the_trails_read_the_same_number_of_queries_however_many_entries(ada, paid):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = _client(ada)
    pages = ["/staff/audit/", f"/staff/bookings/{paid.reference}/", f"/staff/showtimes/{paid.showtime_id}/"]

    def counts() -> list[int]:
        found = []
        for path in pages:
            with CaptureQueriesContext(connection) as queries:
                assert admin.get(path).status_code == 200
            found.append(len(queries))
        return found

    few = counts()
    for i in range(30):
        audit_record(
            actor=ada,
            action="booking.refund",
            target_type="booking",
            target_id=paid.reference,
            changes={"amount": "1.00", "refunded": [f"{i}.00", f"{i + 1}.00"]},
            booking_id=paid.pk,
            showtime_id=paid.showtime_id,
        )
    assert counts() == few
