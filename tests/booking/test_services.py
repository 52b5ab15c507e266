"""The booking service's rules, one at a time (the API tests cover the answers it gives)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from marquee.booking import services
from marquee.booking.models import Booking, BookingSeat, BookingStatus, CancelReason, Customer
from marquee.booking.services import (
    CustomerDetails,
    booking_for_token,
    booking_hold,
    booking_resend,
    customer_upsert,
    customer_withdraw_consent,
)
from marquee.booking.tokens import REFERENCE_ALPHABET, hash_token
from marquee.core.errors import (
    CancelWindowClosed,
    InvalidState,
    NotFound,
    SalesClosed,
    SeatsUnavailable,
    ValidationFailed,
)
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.payments.services import (
    booking_cancel,
    booking_pay,
    payment_record_box_office,
    showtime_cancel,
    showtime_delete,
)
from marquee.pricing.services import tariff_update
from marquee.scheduling.models import Showtime, ShowtimeStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def show():
    return f.showtime(hall_obj=f.hall(rows=2, seats=5), starts_at=f.local_dt(dt.date(2026, 12, 20), 19, 30))


@pytest.fixture
def seats(show) -> list[int]:
    return list(show.hall.seats.order_by("pk").values_list("pk", flat=True))


NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


# --- customers -------------------------------------------------------------------------------


def test_a_known_email_reuses_the_customer_and_refreshes_name_and_phone(show, seats):
    f.hold(show, seats[:1], email="Olena@Example.com")
    booking_hold(
        showtime_id=show.pk,
        seat_ids=seats[1:2],
        customer=CustomerDetails(first_name="Olena", last_name="Shevchenko", email="olena@EXAMPLE.com", phone="+3805"),
    )
    customer = Customer.objects.get()
    assert (customer.last_name, customer.phone) == ("Shevchenko", "+3805")
    assert customer.bookings.count() == 2
    # A booking without a phone keeps the one the cinema knows.
    customer_upsert(details=CustomerDetails("Olena", "S", "OLENA@example.com"), marketing_consent=False, at=NOW)
    assert Customer.objects.get().phone == "+3805"


def test_consent_is_recorded_with_its_time_only_when_given():
    details = CustomerDetails("Taras", "Koval", "taras@example.com")
    customer = customer_upsert(details=details, marketing_consent=False, at=NOW)
    assert (customer.marketing_consent, customer.marketing_consent_at) == (False, None)
    later = NOW + dt.timedelta(days=1)
    customer = customer_upsert(details=details, marketing_consent=True, at=later)
    assert (customer.marketing_consent, customer.marketing_consent_at) == (True, later)
    # An unticked box on a later booking does not withdraw it; unsubscribing does.
    customer = customer_upsert(details=details, marketing_consent=False, at=later + dt.timedelta(days=1))
    assert customer.marketing_consent is True and customer.marketing_consent_at == later
    customer = customer_withdraw_consent(customer_id=customer.pk)
    assert customer.marketing_consent is False and customer.marketing_withdrawn_at == NOW


def test_withdrawing_consent_of_no_customer_is_not_found():
    with pytest.raises(NotFound):
        customer_withdraw_consent(customer_id=404)


# --- references and tokens -------------------------------------------------------------------


def test_references_are_short_random_and_unambiguous_and_tokens_are_stored_hashed(show, seats):
    results = [f.hold(show, [seat], email=f"c{seat}@example.com") for seat in seats]
    references = {r.booking.reference for r in results}
    assert len(references) == len(results)
    for result in results:
        assert len(result.booking.reference) == 8
        assert set(result.booking.reference) <= set(REFERENCE_ALPHABET)
        assert not set(result.booking.reference) & set("0O1IL")
        assert len(result.token) >= 22  # at least 128 bits, URL-safe base64
        stored = Booking.objects.get(pk=result.booking.pk)
        assert stored.token_hash == hash_token(result.token) and result.token not in stored.token_hash


def test_a_booking_opens_only_with_its_own_token(show, seats):
    mine, theirs = f.hold(show, seats[:1]), f.hold(show, seats[1:2])
    assert booking_for_token(reference=mine.booking.reference, token=mine.token).pk == mine.booking.pk
    for token in ["", theirs.token, mine.token + "x", mine.token[:-1]]:
        with pytest.raises(NotFound):
            booking_for_token(reference=mine.booking.reference, token=token)
    with pytest.raises(NotFound):
        booking_for_token(reference="nonsense\x00", token=mine.token)


# --- holds -----------------------------------------------------------------------------------


def test_a_hold_lasts_hold_minutes_but_never_past_the_start(show, seats, clock):
    first = f.hold(show, seats[:1])
    assert first.booking.expires_at == NOW + dt.timedelta(minutes=10)
    clock.move_to(show.starts_at - dt.timedelta(minutes=3))
    late = f.hold(show, seats[1:2])
    assert late.booking.expires_at == show.starts_at


def test_prices_are_frozen_at_booking_time(show, seats):
    evening = f.tariff(multiplier="1.50")
    held = f.hold(show, seats[:2])
    assert held.booking.total_price == Decimal("300.00")
    tariff_update(tariff_id=evening.pk, price_multiplier=Decimal("3"))
    booking = Booking.objects.get(pk=held.booking.pk)
    assert booking.total_price == Decimal("300.00")
    assert [(s.final_price, s.tariff_name) for s in booking.seats.all()] == [(Decimal("150.00"), "Evening")] * 2


def test_a_gift_message_without_a_recipient_is_dropped_and_text_is_trimmed(show, seats):
    held = booking_hold(
        showtime_id=show.pk,
        seat_ids=seats[:1],
        customer=CustomerDetails("  Olena ", " Koval", " olena@example.com "),
        gift_message="For me",
    )
    assert held.booking.gift_message == "" and held.booking.recipient_email == ""
    assert held.booking.customer.email == "olena@example.com" and held.booking.customer.first_name == "Olena"


def test_every_problem_with_the_input_is_reported_at_once(show):
    with pytest.raises(ValidationFailed) as caught:
        booking_hold(
            showtime_id=show.pk,
            seat_ids=[],
            customer=CustomerDetails("", "", "nope", phone="1" * 40),
            recipient_name="Taras",
        )
    assert set(caught.value.fields) == {
        "seat_ids",
        "customer.first_name",
        "customer.last_name",
        "customer.email",
        "customer.phone",
        "recipient.email",
    }


def test_releasing_lapsed_holds_never_touches_a_paid_booking(show, seats):
    # A payment that committed with a clock a moment behind ours must keep its seats.
    held = f.hold(show, seats[:2])
    booking_pay(reference=held.booking.reference, method="demo")
    later = NOW + dt.timedelta(hours=1)
    assert services._expire([held.booking.pk], later) == 0
    assert set(BookingSeat.objects.filter(booking=held.booking).values_list("status", flat=True)) == {"paid"}


# --- paying and cancelling -------------------------------------------------------------------


def test_box_office_payment_needs_no_provider_and_is_idempotent(show, seats):
    held = f.hold(show, seats[:1])
    paid = payment_record_box_office(reference=held.booking.reference)
    again = payment_record_box_office(reference=held.booking.reference)
    assert paid.status == again.status == BookingStatus.PAID and paid.payment_method == "cash"
    assert OutgoingMail.objects.filter(kind=MailKind.TICKETS).count() == 1


def test_a_declined_payment_leaves_the_hold_pending(show, seats, monkeypatch):
    from tests.payments.fakes import DecliningDemo, use_provider

    use_provider(monkeypatch, "demo", DecliningDemo)
    held = f.hold(show, seats[:1])
    with pytest.raises(InvalidState, match="declined"):
        booking_pay(reference=held.booking.reference, method="demo")
    assert Booking.objects.get(pk=held.booking.pk).status == BookingStatus.PENDING
    assert not OutgoingMail.objects.exists()


def test_staff_may_cancel_after_the_customer_cut_off_until_the_start(show, seats, clock):
    held = f.hold(show, seats[:1])
    booking_pay(reference=held.booking.reference, method="demo")
    clock.move_to(show.starts_at - dt.timedelta(minutes=30))
    with pytest.raises(CancelWindowClosed):
        booking_cancel(reference=held.booking.reference)
    cancelled = booking_cancel(reference=held.booking.reference, by_staff=True)
    assert cancelled.cancel_reason == CancelReason.STAFF
    assert OutgoingMail.objects.filter(kind=MailKind.CANCELLATION).count() == 1


def test_nobody_cancels_once_the_show_has_started(show, seats, clock):
    held = f.hold(show, seats[:1])
    booking_pay(reference=held.booking.reference, method="demo")
    clock.move_to(show.starts_at)
    with pytest.raises(CancelWindowClosed):
        booking_cancel(reference=held.booking.reference, by_staff=True)


def test_resend_is_for_paid_bookings(show, seats):
    held = f.hold(show, seats[:1])
    with pytest.raises(InvalidState):
        booking_resend(reference=held.booking.reference)
    booking_pay(reference=held.booking.reference, method="demo")
    booking_resend(reference=held.booking.reference, token=held.token)
    assert OutgoingMail.objects.filter(kind=MailKind.RESEND).count() == 1
    with pytest.raises(NotFound):
        booking_resend(reference=held.booking.reference, token="wrong")


# --- showtimes -------------------------------------------------------------------------------


def test_cancelling_a_showtime_cancels_its_bookings_and_closes_sales(show, seats):
    pending = f.hold(show, seats[:1])
    paid = f.hold(show, seats[1:2], recipient_name="Taras", recipient_email="taras@example.com")
    booking_pay(reference=paid.booking.reference, method="demo")
    showtime_cancel(showtime_id=show.pk)
    assert Showtime.objects.get(pk=show.pk).status == ShowtimeStatus.CANCELLED
    for result in (pending, paid):
        booking = Booking.objects.get(pk=result.booking.pk)
        assert (booking.status, booking.cancel_reason) == (BookingStatus.CANCELLED, CancelReason.SHOWTIME_CANCELLED)
    told = set(OutgoingMail.objects.filter(kind=MailKind.SHOWTIME_CANCELLED).values_list("to_email", flat=True))
    assert told == {"olena@example.com", "taras@example.com"}
    with pytest.raises(SalesClosed):
        f.hold(show, seats[2:3])
    assert showtime_cancel(showtime_id=show.pk).status == ShowtimeStatus.CANCELLED  # twice is harmless


def test_a_showtime_with_bookings_is_cancelled_not_deleted(show, seats):
    empty = f.showtime(hall_obj=show.hall, starts_at=show.starts_at + dt.timedelta(hours=4))
    assert showtime_delete(showtime_id=empty.pk) is True
    assert not Showtime.objects.filter(pk=empty.pk).exists()
    f.hold(show, seats[:1])
    assert showtime_delete(showtime_id=show.pk) is False
    assert Showtime.objects.get(pk=show.pk).status == ShowtimeStatus.CANCELLED
    with pytest.raises(NotFound):
        showtime_delete(showtime_id=empty.pk)


def test_the_database_constraint_is_the_last_word(show, seats, monkeypatch):
    """Were the checks to miss a taken seat, the unique constraint refuses it, and the
    answer is still a conflict that names the seats, with nothing held."""
    first = f.hold(show, seats[:2])
    booking_pay(reference=first.booking.reference, method="demo")
    real = services._taken_seat_ids
    calls = []

    def blind_once(*args, **kwargs):
        calls.append(args)
        return [] if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(services, "_taken_seat_ids", blind_once)
    with pytest.raises(SeatsUnavailable) as caught:
        f.hold(show, seats[1:4], email="taras@example.com")
    assert caught.value.extra["seat_ids"] == [seats[1]]
    assert Booking.objects.count() == 1 and not Customer.objects.filter(email="taras@example.com").exists()
