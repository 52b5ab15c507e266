"""Erasure: the person goes, the accounts stay. After it, no table of the database holds the
customer's email (in any case), name or phone, except the keyed hash kept to recognise the
address; on both databases (`make test-pg` runs this file on PostgreSQL)."""

import base64
import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection, models
from django.urls import reverse

from marquee.booking.models import Booking, BookingSeat, BookingStatus, CancelReason, Customer
from marquee.booking.services import booking_hold, booking_resend
from marquee.core.clock import local_today
from marquee.core.errors import InvalidState, NotFound, ValidationFailed
from marquee.marketing.models import Recommendation
from marquee.marketing.services import campaign_audience_size, campaign_send_recommendations
from marquee.notifications.models import MailKind, MailStatus, OutgoingMail
from marquee.payments.services import booking_pay, showtime_cancel
from marquee.privacy.models import CustomerErasure
from marquee.privacy.selectors import erasure_for_email
from marquee.privacy.services import customer_erase, email_hmac
from marquee.reports import selectors as reports
from tests.privacy.conftest import EMAIL, FIRST, LAST, PHONE, deliver, person, signed_in

pytestmark = pytest.mark.django_db

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)  # EmailField, SlugField… are CharFields


def _needles() -> list[str]:
    digits = PHONE.lstrip("+")
    return [EMAIL.lower(), EMAIL.split("@")[0].lower(), FIRST.lower(), LAST.lower(), digits, digits[-9:]]


def _as_text(value: object) -> str:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def _traces() -> list[str]:
    """Every place the person still shows: through each model's text fields, through the raw
    rows of every table, and inside the sessions' encoded data."""
    found: list[str] = []
    needles = _needles()

    def look(where: str, value: object) -> None:
        text = _as_text(value).lower()
        # base64 (as some stores keep data) is decoded too, so an encoded copy cannot hide.
        try:
            decoded = base64.b64decode(text + "==", validate=False).decode("utf-8", "ignore").lower()
        except ValueError:
            decoded = ""
        found.extend(f"{where}: {needle}" for needle in needles if needle in text or needle in decoded)

    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed:
            continue
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        if names:
            for row in model._default_manager.values_list("pk", *names):
                for name, value in zip(names, row[1:], strict=True):
                    look(f"{model._meta.label}.{name} #{row[0]}", value)
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    look(f"table {table}", value)
    for session in Session.objects.all():
        look(f"session {session.pk}", SessionStore().decode(session.session_data))
    return found


def test_the_fixture_leaves_traces_everywhere_the_erasure_must_reach(world, admin_user, client):
    """The check below is only as good as its needles: before the erasure they show up in
    the customer, the bookings, the outbox's addresses, subjects, contexts and errors, and
    the admin's change log."""
    LogEntry.objects.log_actions(admin_user.pk, [world.customer], CHANGE, change_message="looked at")
    signed_in(client, world.customer)
    places = "\n".join(_traces())
    for where in (
        "booking.Customer.email",
        "booking.Customer.first_name",
        "booking.Customer.phone",
        "booking.Booking.gift_message",
        "booking.Booking.recipient_email",
        "booking.Booking.recipient_name",
        "notifications.OutgoingMail.to_email",
        "notifications.OutgoingMail.subject",
        "notifications.OutgoingMail.last_error",
        "admin.LogEntry.object_repr",
        "waitlist.WaitlistEntry.email",
        "waitlist.WaitlistEntry.first_name",
        "table booking_customer",
        "table notifications_outgoingmail",
    ):
        assert where in places, where


def test_no_trace_of_the_person_in_any_table_after_erasure(world, admin_user, client):
    LogEntry.objects.log_actions(admin_user.pk, [world.customer], CHANGE, change_message="looked at")
    signed_in(client, world.customer)

    erasure = customer_erase(customer_id=world.customer.pk, reason="Asked by email", erased_by=admin_user)

    assert _traces() == []
    # Only the keyed hash of the address is kept; it recognises the address in any case.
    assert erasure.email_hmac == email_hmac(EMAIL) == email_hmac(f"  {EMAIL.upper()} ")
    assert erasure_for_email(EMAIL.lower()) == erasure
    assert erasure_for_email("someone.else@example.com") is None


def test_the_accounts_stay_whole(world, admin_user):
    before = {b.pk: (b.status, b.total_price, b.paid_at) for b in Booking.objects.all()}
    seats_before = sorted(BookingSeat.objects.values_list("pk", "final_price", "checked_in_at"))
    sold_before = BookingSeat.objects.filter(status=BookingStatus.PAID).count()

    customer_erase(customer_id=world.customer.pk, reason="Asked at the box office", erased_by=admin_user)

    customer = Customer.objects.get(pk=world.customer.pk)
    assert customer.erased_at is not None and customer.marketing_consent is False
    assert (customer.first_name, customer.last_name, customer.phone) == ("Erased", "customer", "")
    assert customer.email == f"erased-{customer.pk}@erased.invalid"
    after = {b.pk: (b.status, b.total_price, b.paid_at) for b in Booking.objects.all()}
    # Every booking stays; only the hold, which nobody could be told about any more, is cancelled.
    assert set(after) == set(before)
    changed = {pk for pk in after if after[pk] != before[pk]}
    assert changed == {world.pending.pk}
    pending = Booking.objects.get(pk=world.pending.pk)
    assert (pending.status, pending.cancel_reason) == (BookingStatus.CANCELLED, CancelReason.STAFF)
    assert sorted(BookingSeat.objects.values_list("pk", "final_price", "checked_in_at")) == seats_before
    assert BookingSeat.objects.filter(status=BookingStatus.PAID).count() == sold_before
    assert Booking.objects.filter(customer=customer).count() == 3
    # The delivery log keeps what went when; Petro's gift now goes to Petro alone.
    assert OutgoingMail.objects.filter(to_email=customer.email).count() >= 6
    received = Booking.objects.get(pk=world.received.pk)
    assert (received.recipient_email, received.ticket_email) == ("", "petro@example.org")
    assert not Recommendation.objects.filter(customer=customer).exists()
    assert CustomerErasure.objects.get(customer=customer).reason == "Asked at the box office"


def test_mail_about_an_erased_customer_is_logged_but_never_sent(world, admin_user, smtp):
    customer_erase(customer_id=world.customer.pk, reason="Asked by email", erased_by=admin_user)
    sent_before = len(smtp.messages)
    showtime_cancel(showtime_id=world.gift.showtime_id)  # her paid bookings are cancelled by the cinema
    deliver()
    erased = Customer.objects.get(pk=world.customer.pk).email
    notices = OutgoingMail.objects.filter(kind=MailKind.SHOWTIME_CANCELLED, to_email=erased)
    assert notices.count() == 2 and {m.status for m in notices} == {MailStatus.FAILED}
    assert all(m.to[0] != erased for m in smtp.messages[sent_before:])
    assert _traces() == []


def test_a_new_booking_with_the_same_address_starts_a_fresh_customer(world, admin_user):
    customer_erase(customer_id=world.customer.pk, reason="Asked by email", erased_by=admin_user)
    later = Booking.objects.get(pk=world.received.pk).showtime
    seat = later.hall.seats.order_by("-pk").first()
    fresh = booking_hold(showtime_id=later.pk, seat_ids=[seat.pk], customer=person()).booking
    assert fresh.customer_id != world.customer.pk
    assert fresh.customer.email == EMAIL and fresh.customer.erased_at is None
    assert Customer.objects.get(pk=world.customer.pk).erased_at is not None


def test_erasure_needs_a_reason_and_happens_once(world, admin_user):
    for reason in ("", "   ", "x" * 501, "bad\x00reason"):
        with pytest.raises(ValidationFailed):
            customer_erase(customer_id=world.customer.pk, reason=reason, erased_by=admin_user)
    assert Customer.objects.get(pk=world.customer.pk).erased_at is None
    with pytest.raises(NotFound):
        customer_erase(customer_id=10**9, reason="Asked", erased_by=admin_user)
    customer_erase(customer_id=world.customer.pk, reason="Asked", erased_by=admin_user)
    with pytest.raises(InvalidState):
        customer_erase(customer_id=world.customer.pk, reason="Asked again", erased_by=admin_user)


def test_erased_customer_leaves_reports_searches_and_campaigns(world, admin_user):
    day = local_today()
    period = {"start": day, "end": day + dt.timedelta(days=7)}

    def reported() -> set[int]:
        return {r.customer_id for r in reports.customers_report(**period).results}

    watched = Booking.objects.get(pk=world.own.pk).showtime.movie_id
    assert world.customer.pk in reported()
    assert [c.pk for c in reports.customer_search(query=FIRST).results] == [world.customer.pk]

    customer_erase(customer_id=world.customer.pk, reason="Asked by email", erased_by=admin_user)

    assert world.customer.pk not in reported()
    assert reported() == {Booking.objects.get(pk=world.received.pk).customer_id, world.other.customer_id}
    assert reports.customers_report(**period, limit=1, offset=5).count == 2
    assert world.customer.pk not in {c.pk for c in reports.customer_search(query="").results}
    assert reports.customer_search(query="erased").count == 0
    starts = Booking.objects.get(pk=world.own.pk).showtime.starts_at
    with time_machine.travel(starts + dt.timedelta(hours=3), tick=False):
        assert reports.movie_audience(movie_id=watched).count == 0
        # Even were her consent still recorded, no campaign would reach her.
        Customer.objects.filter(pk=world.customer.pk).update(marketing_consent=True)
        Recommendation.objects.all().delete()
        assert campaign_audience_size() == 0
        assert campaign_send_recommendations() == 0


def test_a_signed_in_session_ends_with_the_erasure(world, admin_user, client):
    signed_in(client, world.customer)
    assert client.get(reverse("public:my_data")).status_code == 200
    customer_erase(customer_id=world.customer.pk, reason="Asked by email", erased_by=admin_user)
    assert client.get(reverse("public:my_data"), follow=True).redirect_chain[-1][0] == reverse("public:my_bookings")
    assert "Signed in as" not in client.get(reverse("public:my_bookings")).content.decode()
    assert client.get(reverse("public:booking", args=[world.own.reference])).status_code == 404
    # The erased placeholder address cannot ask for a sign-in link either.
    client.post(reverse("public:my_bookings"), {"email": f"erased-{world.customer.pk}@erased.invalid"})
    assert not OutgoingMail.objects.filter(kind=MailKind.SIGN_IN, status=MailStatus.QUEUED).exists()


def test_paid_money_is_unchanged_in_the_sales_report(world, admin_user):
    day = local_today()
    before = reports.sales(start=day, end=day + dt.timedelta(days=7), group_by="movie")
    customer_erase(customer_id=world.customer.pk, reason="Asked by email", erased_by=admin_user)
    after = reports.sales(start=day, end=day + dt.timedelta(days=7), group_by="movie")
    assert after == before
    assert sum((b.total_price for b in Booking.objects.filter(status="paid")), Decimal(0)) > 0


def test_the_erased_persons_holds_can_no_longer_be_paid(world, admin_user):
    # A hold the erased person could still pay with its token is gone: paying answers invalid_state.
    customer_erase(customer_id=world.customer.pk, reason="Asked by email", erased_by=admin_user)
    with pytest.raises(InvalidState):
        booking_pay(reference=world.pending.reference, method="demo")


def test_mail_still_waiting_for_the_person_is_not_sent(world, admin_user, smtp):
    booking_resend(reference=world.received.reference)  # Petro's gift: to her address, queued
    booking_resend(reference=world.own.reference)  # her own booking
    waiting = list(OutgoingMail.objects.filter(status=MailStatus.QUEUED).values_list("pk", flat=True))
    assert len(waiting) == 2
    customer_erase(customer_id=world.customer.pk, reason="Asked by email", erased_by=admin_user)
    rows = OutgoingMail.objects.filter(pk__in=waiting)
    assert {(m.status, m.last_error) for m in rows} == {(MailStatus.FAILED, "not sent: the customer was erased")}
    sent_before = len(smtp.messages)
    deliver()
    assert len(smtp.messages) == sent_before
    assert _traces() == []


def test_sign_in_links_and_client_addresses_go_with_the_person(world, client):
    from marquee.booking.models import SignInLink

    client.post(reverse("public:my_bookings"), {"email": EMAIL}, REMOTE_ADDR="203.0.113.7")
    Booking.objects.filter(customer=world.customer).update(client_ip="203.0.113.7")
    assert SignInLink.objects.filter(customer=world.customer).exists()

    customer_erase(customer_id=world.customer.pk, reason="Asked by email")

    assert not SignInLink.objects.filter(customer=world.customer).exists()
    assert not Booking.objects.filter(customer=world.customer).exclude(client_ip=None).exists()
    assert Booking.objects.filter(customer=world.customer).count() == 3  # the accounts stay


def test_vouchers_the_person_bought_or_was_given_keep_their_money_and_lose_the_person(world, admin_user):
    """A gift voucher names its buyer and the person it is for, with a message: the erasure
    blanks them (in any case of the address) and leaves the code, the balance and its history."""
    from marquee.vouchers.models import Voucher
    from marquee.vouchers.services import voucher_issue

    given = voucher_issue(
        amount="300.00",
        reason="A prize",
        staff_user=admin_user,
        recipient_name=f"{FIRST} {LAST}",
        recipient_email=EMAIL.upper(),
        message=f"For {FIRST}, call me on {PHONE}",
    )
    bought = voucher_issue(amount="200.00", reason="Sold by phone", staff_user=admin_user)
    Voucher.objects.filter(pk=bought.pk).update(buyer_name=f"{FIRST} {LAST}", buyer_email=EMAIL)

    customer_erase(customer_id=world.customer.pk, reason="Asked by email", erased_by=admin_user)

    assert _traces() == []
    for voucher in (given, bought):
        after = Voucher.objects.get(pk=voucher.pk)
        assert (after.code, after.balance, after.status) == (voucher.code, voucher.balance, voucher.status)
    assert after.entries.count() >= 1


def test_a_waiting_list_place_is_left_and_loses_the_person(world, admin_user):
    from marquee.waitlist.models import EntryStatus, WaitlistEntry

    entry = WaitlistEntry.objects.get()
    assert entry.status == EntryStatus.WAITING
    customer_erase(customer_id=world.customer.pk, reason="Asked by email", erased_by=admin_user)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.LEFT and entry.closed_at is not None  # no offer will go out
    assert (entry.first_name, entry.last_name) == ("", "") and EMAIL.lower() not in entry.email.lower()
