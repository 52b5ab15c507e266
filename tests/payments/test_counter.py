"""The counter sale (marquee.payments.counter.counter_sell): seats sold and paid at once, or given
as a comp, with the ledger entry and the audit record in the same transaction."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group, User

from marquee.audit.models import AuditEntry
from marquee.booking.models import Booking, BookingSeat, BookingStatus, Channel
from marquee.core.errors import RateLimited, SalesClosed, SeatsUnavailable, ValidationFailed
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.payments import services as money
from marquee.payments.cash_up import cash_up
from marquee.payments.counter import counter_sell
from marquee.payments.models import Payment, PaymentStatus, Refund
from marquee.payments.selectors import reconciliation
from marquee.staff.roles import BOX_OFFICE
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def cashier(db) -> User:
    user = User.objects.create_user(username="anna", password="x", is_staff=True, first_name="Anna")
    user.groups.add(Group.objects.get(name=BOX_OFFICE))
    return user


def _sell(show, seat_ids, cashier, method="cash", **kw) -> Booking:
    return counter_sell(showtime_id=show.pk, seat_ids=seat_ids, method=method, staff_user=cashier, **kw)


def test_two_seats_for_cash_are_paid_at_once_with_the_payment_and_the_audit_record(clock, show, seats, cashier):
    booking = _sell(show, seats[:2], cashier)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PAID
    assert booking.channel == Channel.BOX_OFFICE
    assert booking.sold_by == cashier
    assert booking.customer is None  # a walk-in without an email: nobody to tell
    assert booking.payment_method == "cash"
    assert booking.total_price == Decimal("200.00")
    assert list(BookingSeat.objects.filter(booking=booking).values_list("status", flat=True)) == ["paid", "paid"]
    payment = Payment.objects.get(booking=booking)
    assert payment.provider == "cash"
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.amount == Decimal("200.00")
    assert payment.taken_by == cashier
    assert payment.provider_id == booking.payment_reference
    entry = AuditEntry.objects.get(booking_id=booking.pk)
    assert entry.action == "booking.sell"
    assert entry.actor == cashier and entry.actor_name == "anna"
    assert entry.showtime_id == show.pk
    assert entry.changes["seats"] == [{"row": 1, "seat": 1}, {"row": 1, "seat": 2}]
    assert entry.changes["total"] == "200.00"
    assert entry.changes["method"] == "cash" and entry.changes["channel"] == "box_office"
    assert entry.target_id == booking.reference
    assert not OutgoingMail.objects.exists()
    assert reconciliation().healthy
    till = cash_up(day=dt.date(2026, 12, 1)).lines
    assert [(line.name, line.cash_taken, line.payments) for line in till] == [("Anna", Decimal("200.00"), 1)]


def test_with_an_email_the_tickets_are_emailed_and_the_customer_kept(clock, show, seats, cashier):
    booking = _sell(
        show, seats[:1], cashier, method="card_terminal", email="Taras@Example.com", name="Taras Shevchenko"
    )
    booking.refresh_from_db()
    assert booking.customer is not None
    assert (booking.customer.first_name, booking.customer.last_name) == ("Taras", "Shevchenko")
    assert booking.customer.email == "Taras@Example.com"
    mails = list(OutgoingMail.objects.filter(booking=booking).values_list("kind", "to_email"))
    assert mails == [(MailKind.TICKETS, "Taras@Example.com")]
    assert Payment.objects.get(booking=booking).provider == "card_terminal"


def test_an_email_without_a_name_keeps_the_name_already_known(clock, show, seats, cashier):
    f.hold(show, seats[4:5], email="olena@example.com")
    booking = _sell(show, seats[:1], cashier, email="OLENA@example.com")
    assert booking.customer is not None
    assert booking.customer.full_name == "Olena Koval"


def test_a_name_without_an_email_is_the_ticket_holder(clock, show, seats, cashier):
    booking = _sell(show, seats[:1], cashier, name="Ivan")
    assert booking.customer is None
    assert booking.ticket_name == "Ivan"
    assert booking.ticket_email == ""


def test_a_comp_costs_nothing_has_no_payment_and_needs_a_reason(clock, show, seats, cashier):
    with pytest.raises(ValidationFailed) as refused:
        _sell(show, seats[:2], cashier, method="comp")
    assert "comp_reason" in refused.value.fields
    assert not Booking.objects.exists()

    booking = _sell(show, seats[:2], cashier, method="comp", comp_reason="Press")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PAID
    assert booking.payment_method == "comp"
    assert booking.comp_reason == "Press"
    assert booking.total_price == Decimal("0.00")
    assert set(BookingSeat.objects.filter(booking=booking).values_list("final_price", flat=True)) == {Decimal("0")}
    assert not Payment.objects.exists()
    entry = AuditEntry.objects.get(booking_id=booking.pk)
    assert entry.action == "booking.comp"
    assert entry.note == "Press"
    # The reconciliation does not take a comp for a paid booking whose payment is missing.
    assert reconciliation().paid_without_payment == []
    # The cash-up counts the comp's tickets for the staff member who gave them, and no money.
    [line] = cash_up(day=dt.date(2026, 12, 1)).lines
    assert (line.name, line.comps, line.payments, line.cash_taken) == ("Anna", 2, 0, Decimal("0.00"))


def test_the_public_hold_limits_do_not_apply_at_the_counter(clock, show, seats, cashier, settings):
    settings.MAX_SEATS_PER_BOOKING = 2
    settings.MAX_PENDING_SEATS_PER_CLIENT = 2
    f.hold(show, seats[:2], email="olena@example.com", client_ip="10.0.0.1")
    with pytest.raises(RateLimited):
        f.hold(show, seats[2:4], email="olena@example.com")
    booking = _sell(show, seats[2:4], cashier, email="olena@example.com")
    assert booking.status == BookingStatus.PAID
    # A booking still has at most MAX_SEATS_PER_BOOKING seats.
    with pytest.raises(ValidationFailed):
        _sell(show, seats[4:7], cashier)


def test_seats_taken_are_named_and_nothing_is_recorded(clock, show, seats, cashier):
    f.hold(show, seats[1:2])
    with pytest.raises(SeatsUnavailable) as taken:
        _sell(show, seats[:3], cashier)
    assert taken.value.extra["seat_ids"] == [seats[1]]
    assert not Booking.objects.filter(channel=Channel.BOX_OFFICE).exists()
    assert not Payment.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="booking.").exists()


def test_a_lapsed_hold_never_blocks_a_seat(clock, show, seats, cashier):
    f.hold(show, seats[:2])
    clock.shift(dt.timedelta(minutes=11))
    booking = _sell(show, seats[:2], cashier)
    assert booking.status == BookingStatus.PAID


def test_seats_of_another_hall_are_refused(clock, show, cashier):
    other = f.hall(rows=1, seats=2).seats.first()
    with pytest.raises(ValidationFailed):
        _sell(show, [other.pk], cashier)


def test_the_box_office_sells_to_late_comers_until_the_setting_says(show, seats, cashier, settings):
    settings.BOX_OFFICE_SALES_MINUTES_AFTER_START = 30
    with time_machine.travel(show.starts_at + dt.timedelta(minutes=10), tick=False):
        with pytest.raises(SalesClosed):
            f.hold(show, seats[:1])  # online sales closed at the start
        assert _sell(show, seats[:1], cashier).status == BookingStatus.PAID
    with time_machine.travel(show.starts_at + dt.timedelta(minutes=30), tick=False), pytest.raises(SalesClosed):
        _sell(show, seats[1:2], cashier)


def test_a_cancelled_showtime_is_not_sold(clock, show, seats, cashier):
    money.showtime_cancel(showtime_id=show.pk)
    with pytest.raises(SalesClosed):
        _sell(show, seats[:1], cashier)


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"method": "stripe"}, "method"),
        ({"method": "demo"}, "method"),
        ({"email": "not an address"}, "email"),
        ({"ticket_types": ["child"]}, "ticket_types"),  # no such type
        ({"ticket_types": ["", ""]}, "ticket_types"),
        ({"method": "comp", "comp_reason": "x" * 201}, "comp_reason"),
    ],
)
def test_bad_input_is_a_validation_error(clock, show, seats, cashier, kw, field):
    kw = {"method": "cash", **kw}
    with pytest.raises(ValidationFailed) as refused:
        counter_sell(showtime_id=show.pk, seat_ids=seats[:1], staff_user=cashier, **kw)
    assert field in refused.value.fields
    assert not Booking.objects.exists()


def test_a_walk_in_sale_can_be_cancelled_and_refunded_by_staff(clock, show, seats, cashier):
    booking = _sell(show, seats[:2], cashier)
    money.refund_create(reference=booking.reference, amount="50.00", reason="One seat was broken", staff_user=cashier)
    money.booking_cancel(reference=booking.reference, by_staff=True, reason="Customer left", staff_user=cashier)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert sorted(Refund.objects.values_list("amount", flat=True)) == [Decimal("50.00"), Decimal("150.00")]
    assert not OutgoingMail.objects.exists()


def test_marking_a_held_booking_paid_at_the_counter_makes_it_a_box_office_sale(clock, show, seats, cashier):
    held = f.hold(show, seats[:1]).booking
    assert held.channel == Channel.ONLINE
    money.payment_record_box_office(reference=held.reference, method="cash", staff_user=cashier)
    held.refresh_from_db()
    assert held.channel == Channel.BOX_OFFICE


def test_walk_in_bookings_leave_reports_the_api_and_privacy_working(clock, show, seats, cashier, client):
    from marquee.privacy.selectors import customer_data, export_document
    from marquee.privacy.services import customer_erase
    from marquee.reports import selectors as reports

    walk_in = _sell(show, seats[:2], cashier)
    online = f.hold(show, seats[2:3], email="olena@example.com").booking
    money.booking_pay(reference=online.reference, method="demo")
    with_email = _sell(show, seats[3:4], cashier, email="ivan@example.com", name="Ivan Franko")
    day = show.starts_at.date()
    people = reports.customers_report(start=day, end=day)
    assert sorted(row.email for row in people.results) == ["ivan@example.com", "olena@example.com"]
    assert people.count == 2
    assert reports.customers_report(start=day, end=day, limit=10, offset=10).count == 2
    later = show.starts_at + dt.timedelta(hours=1)
    audience = reports.movie_audience(movie_id=show.movie_id, at=later)
    assert sorted(row.email for row in audience.results) == ["ivan@example.com", "olena@example.com"]
    assert reports.sales(start=day, end=day, group_by="channel").tickets == 4
    assert reconciliation().healthy

    client.force_login(User.objects.create_superuser("root", password="x"))
    listed = client.get("/api/v1/admin/bookings", {"showtime": show.pk})
    assert listed.status_code == 200
    by_reference = {b["reference"]: b for b in listed.json()["results"]}
    assert by_reference[walk_in.reference]["customer"] is None
    assert by_reference[walk_in.reference]["channel"] == "box_office"
    assert by_reference[online.reference]["channel"] == "online"
    assert client.get("/staff/bookings/", {"showtime": show.pk}).status_code == 200

    document = export_document(customer_data(customer_id=with_email.customer_id))
    assert [b["reference"] for b in document["bookings"]] == [with_email.reference]
    customer_erase(customer_id=with_email.customer_id, reason="asked at the box office")
    assert AuditEntry.objects.filter(booking_id=with_email.pk).exclude(changes__icontains="ivan").count() == 1


def test_the_migration_counts_bookings_paid_at_the_box_office_as_box_office_sales(clock, show, seats, cashier):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("marquee.booking.migrations.0008_channel_walk_in_and_comps")
    online = f.hold(show, seats[:1]).booking
    money.booking_pay(reference=online.reference, method="demo")
    at_counter = f.hold(show, seats[1:2], email="ivan@example.com").booking
    money.payment_record_box_office(reference=at_counter.reference, method="card_terminal", staff_user=cashier)
    Booking.objects.update(channel=Channel.ONLINE)  # as every booking was before the field
    migration.box_office_channel(apps, None)
    assert dict(Booking.objects.values_list("reference", "channel")) == {
        online.reference: Channel.ONLINE,
        at_counter.reference: Channel.BOX_OFFICE,
    }


def test_a_sale_and_a_move_keep_the_tariff_name_reports_group_by_whatever_the_staff_language(
    clock, show, seats, cashier
):
    """A booked seat keeps the tariff's name in the default language (as an online hold does), so
    a counter sale or a move made by staff reading Ukrainian is not a tariff line of its own."""
    from django.utils import translation

    from marquee.payments.moves import booking_move
    from marquee.pricing.services import tariff_create

    tariff_create(
        name_en="Evening",
        name_uk="Вечірній",
        start_time=dt.time(18),
        end_time=dt.time(23, 59),
        price_multiplier=Decimal("1.25"),
    )
    with translation.override("uk"):
        booking = _sell(show, seats[:2], cashier)
        assert set(BookingSeat.objects.filter(booking=booking).values_list("tariff_name", flat=True)) == {"Evening"}
        booking_move(reference=booking.reference, showtime_id=show.pk, seat_ids=seats[2:4], staff_user=cashier)
    assert set(BookingSeat.objects.filter(booking=booking).values_list("tariff_name", flat=True)) == {"Evening"}
