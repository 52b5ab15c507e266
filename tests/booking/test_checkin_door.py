"""The door's service and selectors: one showtime's door, its counts, the override and its
audit record (issue 12, point 4)."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import User

from marquee.audit.models import AuditEntry
from marquee.booking.checkin import ticket_check_in, ticket_code
from marquee.booking.models import BookingSeat
from marquee.booking.selectors import door_showtime, door_showtimes, door_ticket
from marquee.core.clock import local_today
from marquee.core.errors import AlreadyCheckedIn, InvalidTicket, WrongShowtime
from marquee.payments.services import booking_cancel, payment_record_box_office
from tests import factories as f

pytestmark = pytest.mark.django_db


def _paid(show, seats: int = 2, email: str = "olena@example.com") -> list[BookingSeat]:
    taken = set(BookingSeat.objects.filter(showtime=show).values_list("seat_id", flat=True))
    free = [pk for pk in show.hall.seats.order_by("pk").values_list("pk", flat=True) if pk not in taken][:seats]
    booking = f.hold(show, free, email=email).booking
    payment_record_box_office(reference=booking.reference)
    return list(BookingSeat.objects.filter(booking=booking).select_related("seat").order_by("pk"))


@pytest.fixture
def evening():
    """Tonight's show (the door's) and a later one in another hall, the clock at tonight's door."""
    day = f.local_dt(local_today() + dt.timedelta(days=2), 19)
    tonight = f.showtime(movie_obj=f.movie(title="Tonight"), hall_obj=f.hall(rows=2, seats=5), starts_at=day)
    later = f.showtime(movie_obj=f.movie(title="Later"), starts_at=day + dt.timedelta(hours=3))
    own, other = _paid(tonight), _paid(later, email="later@example.com")
    with time_machine.travel(day - dt.timedelta(minutes=10), tick=False):
        yield tonight, later, own, other


@pytest.fixture
def door_person():
    return User.objects.create_user("door", password="x" * 12, is_staff=True)


def test_a_plain_admission_is_recorded_on_the_ticket_and_leaves_no_audit_record(evening, door_person):
    tonight, _, own, _ = evening
    ticket = ticket_check_in(code=ticket_code(own[0].pk), showtime_id=tonight.pk, staff_user=door_person)
    stored = BookingSeat.objects.get(pk=own[0].pk)
    assert stored.checked_in_at is not None and stored.checked_in_by == door_person
    assert stored.checked_in_override is False and ticket.checked_in_override is False
    assert not AuditEntry.objects.filter(action__startswith="booking.checkin").exists()


def test_a_ticket_for_another_showtime_is_refused_naming_it_and_nothing_is_recorded(evening, door_person):
    tonight, later, _, other = evening
    with pytest.raises(WrongShowtime) as refused:
        ticket_check_in(code=ticket_code(other[0].pk), showtime_id=tonight.pk, staff_user=door_person)
    assert refused.value.extra["showtime"]["id"] == later.pk
    assert refused.value.extra["showtime"]["movie"]["title"] == "Later"
    assert BookingSeat.objects.get(pk=other[0].pk).checked_in_at is None
    assert not AuditEntry.objects.filter(action__startswith="booking.checkin").exists()


def test_the_override_admits_it_and_leaves_one_audit_record_with_the_staff_user(evening, door_person):
    tonight, later, _, other = evening
    ticket = other[0]
    ticket_check_in(code=ticket_code(ticket.pk), showtime_id=tonight.pk, override=True, staff_user=door_person)

    stored = BookingSeat.objects.get(pk=ticket.pk)
    assert stored.checked_in_override is True and stored.checked_in_by == door_person
    [entry] = AuditEntry.objects.filter(action__startswith="booking.checkin")
    assert entry.action == "booking.checkin_override"
    assert entry.actor == door_person and entry.actor_name == "door"
    assert entry.target_type == "booking" and entry.target_id == ticket.booking.reference
    assert entry.booking_id == ticket.booking_id and entry.showtime_id == later.pk
    assert entry.changes["checked_in_override"] == [False, True]
    assert entry.changes["ticket_id"] == ticket.pk
    assert entry.changes["seat"] == f"row {ticket.seat.row_number}, seat {ticket.seat.seat_number}"
    assert entry.changes["door_showtime_id"] == tonight.pk and "door_hall_id" not in entry.changes
    assert "another showtime" in entry.note
    assert entry.created_at == stored.checked_in_at  # the same moment: one transaction

    # A second scan of it is "already admitted", with no second record.
    with pytest.raises(AlreadyCheckedIn):
        ticket_check_in(code=ticket_code(ticket.pk), showtime_id=tonight.pk, override=True, staff_user=door_person)
    assert AuditEntry.objects.filter(action__startswith="booking.checkin").count() == 1


def test_override_on_a_ticket_that_needs_none_is_a_plain_admission_without_a_record(evening, door_person):
    tonight, _, own, _ = evening
    ticket_check_in(code=ticket_code(own[0].pk), showtime_id=tonight.pk, override=True, staff_user=door_person)
    assert BookingSeat.objects.get(pk=own[0].pk).checked_in_override is False
    assert not AuditEntry.objects.filter(action__startswith="booking.checkin").exists()


def test_no_override_admits_a_forged_code_or_a_cancelled_booking(evening, door_person):
    tonight, _, _, other = evening
    code = ticket_code(other[0].pk)
    forged = code[:-2] + ("XY" if not code.endswith("XY") else "ZZ")
    with pytest.raises(InvalidTicket):
        ticket_check_in(code=forged, showtime_id=tonight.pk, override=True, staff_user=door_person)
    booking_cancel(reference=other[0].booking.reference, by_staff=True)
    with pytest.raises(InvalidTicket):
        ticket_check_in(code=code, showtime_id=tonight.pk, override=True, staff_user=door_person)
    assert not BookingSeat.objects.filter(checked_in_at__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="booking.checkin_override").exists()


def test_the_override_and_its_record_roll_back_together(evening, door_person, monkeypatch):
    """The record is written in the admission's transaction: if it fails, nothing is admitted."""
    from marquee.booking import checkin

    tonight, _, _, other = evening

    def broken(**kwargs):
        raise RuntimeError("the audit table is gone")

    monkeypatch.setattr(checkin, "audit_record", broken)
    with pytest.raises(RuntimeError):
        ticket_check_in(code=ticket_code(other[0].pk), showtime_id=tonight.pk, override=True, staff_user=door_person)
    assert BookingSeat.objects.get(pk=other[0].pk).checked_in_at is None


def test_counts_are_paid_seats_and_admitted_ones_per_showtime(evening, door_person):
    tonight, later, own, _ = evening
    f.hold(tonight, [own[-1].seat_id + 1], email="unpaid@example.com")  # held, not paid: not expected
    cancelled = _paid(tonight, seats=1, email="gone@example.com")
    booking_cancel(reference=cancelled[0].booking.reference, by_staff=True)
    assert (door_showtime(tonight.pk).admitted, door_showtime(tonight.pk).expected) == (0, 2)
    ticket_check_in(code=ticket_code(own[0].pk), showtime_id=tonight.pk, staff_user=door_person)
    assert (door_showtime(tonight.pk).admitted, door_showtime(tonight.pk).expected) == (1, 2)
    assert (door_showtime(later.pk).admitted, door_showtime(later.pk).expected) == (0, 2)
    assert door_showtime(999_999) is None


def test_the_showtimes_to_choose_from_are_open_ones_then_the_soonest_then_the_ended():
    day = local_today() + dt.timedelta(days=3)
    hall = f.hall()
    morning = f.showtime(hall_obj=hall, starts_at=f.local_dt(day, 10))
    noon = f.showtime(hall_obj=hall, starts_at=f.local_dt(day, 13))
    evening = f.showtime(hall_obj=hall, starts_at=f.local_dt(day, 20))
    afternoon = f.showtime(hall_obj=hall, starts_at=f.local_dt(day, 16))
    tomorrow = f.showtime(hall_obj=hall, starts_at=f.local_dt(day + dt.timedelta(days=1), 13))
    with time_machine.travel(f.local_dt(day, 12, 30), tick=False):
        order = [s.pk for s in door_showtimes()]
    assert order == [noon.pk, afternoon.pk, evening.pk, morning.pk]
    assert tomorrow.pk not in order


def test_door_ticket_reads_a_code_and_is_none_for_a_forged_one(evening):
    _, _, own, _ = evening
    assert door_ticket(ticket_code(own[0].pk)).pk == own[0].pk
    assert door_ticket("NOT-A-TICKET") is None
    assert door_ticket("") is None
    assert door_ticket("x" * 5000) is None
