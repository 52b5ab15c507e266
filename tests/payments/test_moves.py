"""Moving a paid booking (issue 12, point 3): to other seats of its showtime or to another
showtime, the difference taken at the box office or refunded through the provider that took
the money (outside any transaction: the fake bank fails a call made inside one), the ledger
reconciled after each, the old codes refused at the door and the new tickets emailed."""

import datetime as dt
from decimal import Decimal

import pytest

from marquee.audit.models import AuditEntry
from marquee.booking.checkin import ticket_check_in, ticket_code, ticket_code_of
from marquee.booking.house_seats import seats_block
from marquee.booking.models import Booking, BookingSeat, BookingStatus
from marquee.core.errors import InvalidState, InvalidTicket, SalesClosed, SeatsUnavailable, ValidationFailed
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.notifications.worker import mail_deliver_due
from marquee.payments.models import Payment, PaymentPurpose, PaymentStatus, Refund, RefundStatus
from marquee.payments.moves import booking_move
from marquee.payments.selectors import reconciliation
from marquee.payments.services import booking_cancel, payment_record_box_office, payment_settle, payment_start
from marquee.staff.roles import BOX_OFFICE
from tests import factories as f
from tests.notifications.helpers import decode_qr, inline_images, text_body
from tests.staff.conftest import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def cashier():
    return staff_user("kasia", BOX_OFFICE)


@pytest.fixture
def dear_show(show):
    """The same film an hour and a half later, in a hall whose seats cost 150."""
    return f.showtime(movie_obj=show.movie, hall_obj=f.hall(rows=2, seats=5, price="150.00"), starts_at=show.ends_at)


def _dear_seats(dear_show) -> list[int]:
    return list(dear_show.hall.seats.order_by("pk").values_list("pk", flat=True))


def _card_paid(show, seat_ids, bank, email="olena@example.com") -> Booking:
    held = f.hold(show, seat_ids, email=email)
    started = payment_start(reference=held.booking.reference, provider="card")
    payment_settle(provider="card", word=bank.pay(started.payment.provider_id))
    return Booking.objects.get(pk=held.booking.pk)


def _codes(booking: Booking) -> list[str]:
    return [ticket_code_of(t) for t in BookingSeat.objects.filter(booking=booking).order_by("pk")]


def _healthy() -> None:
    report = reconciliation()
    assert report.healthy, report


def test_a_cheaper_move_refunds_the_difference_through_the_card_outside_any_transaction(
    clock, show, dear_show, seats, bank, cashier, django_capture_on_commit_callbacks
):
    booking = _card_paid(dear_show, _dear_seats(dear_show)[:2], bank)
    assert booking.total_price == Decimal("300.00")
    old_codes = _codes(booking)
    with django_capture_on_commit_callbacks(execute=True):
        moved = booking_move(
            reference=booking.reference,
            showtime_id=show.pk,
            seat_ids=seats[3:5],
            staff_user=cashier,
            reason="Customer asked for the earlier show",
        )
    assert moved.booking.showtime_id == show.pk and moved.new_total == Decimal("200.00")
    booking.refresh_from_db()
    assert (booking.status, booking.showtime_id, booking.total_price) == (
        BookingStatus.PAID,
        show.pk,
        Decimal("200.00"),
    )
    refund = Refund.objects.get()
    assert (refund.amount, refund.status, refund.staff_user) == (Decimal("100.00"), RefundStatus.SUCCEEDED, cashier)
    assert bank.calls.count("refund") == 1  # asked once, outside the transaction (the fake checks)
    payment = Payment.objects.get()
    assert (payment.provider, payment.amount_refunded) == ("card", Decimal("100.00"))
    _healthy()
    entry = AuditEntry.objects.get(action="booking.move")
    assert entry.actor == cashier and entry.booking_id == booking.pk and entry.showtime_id == show.pk
    assert entry.changes["total"] == ["300.00", "200.00"]
    assert entry.changes["seats"][1] == [{"row": 1, "seat": 4}, {"row": 1, "seat": 5}]
    assert entry.changes["showtime"][0] != entry.changes["showtime"][1]
    assert entry.changes["difference"] == "-100.00"
    # New codes for every ticket; the mail with them is queued.
    assert set(_codes(booking)).isdisjoint(old_codes)
    mail = OutgoingMail.objects.get(kind=MailKind.BOOKING_MOVED)
    assert mail.context["move"] == {"direction": "refunded", "difference": "100.00", "how": "card"}


def test_a_dearer_move_takes_the_difference_at_the_box_office(clock, show, dear_show, seats, bank, cashier):
    booking = _card_paid(show, seats[:2], bank)
    with pytest.raises(ValidationFailed) as unpaid:
        booking_move(
            reference=booking.reference,
            showtime_id=dear_show.pk,
            seat_ids=_dear_seats(dear_show)[:2],
            staff_user=cashier,
        )
    assert "method" in unpaid.value.fields
    booking.refresh_from_db()
    assert booking.showtime_id == show.pk and Payment.objects.count() == 1  # nothing changed

    booking_move(
        reference=booking.reference,
        showtime_id=dear_show.pk,
        seat_ids=_dear_seats(dear_show)[:2],
        staff_user=cashier,
        method="cash",
    )
    difference = Payment.objects.get(purpose=PaymentPurpose.MOVE)
    assert (difference.provider, difference.amount, difference.status, difference.taken_by) == (
        "cash",
        Decimal("100.00"),
        PaymentStatus.SUCCEEDED,
        cashier,
    )
    booking.refresh_from_db()
    assert booking.total_price == Decimal("300.00")
    _healthy()
    assert not Refund.objects.exists() and "refund" not in bank.calls
    # Cancelled by staff with a full refund afterwards: both payments are given back, each
    # through its own provider, and the ledger still adds up.
    booking_cancel(reference=booking.reference, by_staff=True, refund="full", staff_user=cashier)
    refunds = {r.payment.provider: r.amount for r in Refund.objects.select_related("payment")}
    assert refunds == {"card": Decimal("200.00"), "cash": Decimal("100.00")}
    _healthy()


def test_an_equal_move_to_other_seats_of_the_same_showtime_moves_no_money(clock, show, seats, bank, cashier):
    booking = _card_paid(show, seats[:2], bank)
    staying, leaving = BookingSeat.objects.filter(booking=booking).order_by("seat_id")
    stay_code, leave_code = ticket_code_of(staying), ticket_code_of(leaving)
    booking_move(reference=booking.reference, showtime_id=show.pk, seat_ids=[seats[0], seats[4]], staff_user=cashier)
    staying.refresh_from_db()
    leaving.refresh_from_db()
    assert (staying.seat_id, staying.code_version) == (seats[0], 0)
    assert (leaving.seat_id, leaving.code_version) == (seats[4], 1)
    assert Payment.objects.count() == 1 and not Refund.objects.exists()
    _healthy()
    assert OutgoingMail.objects.get(kind=MailKind.BOOKING_MOVED).context["move"]["direction"] == "none"
    # At the door: the old code of the moved ticket is refused, the others are let in.
    clock.move_to(show.starts_at - dt.timedelta(minutes=10))
    with pytest.raises(InvalidTicket) as refused:
        ticket_check_in(code=leave_code)
    assert refused.value.code == "invalid_ticket" and "moved" in refused.value.detail
    assert ticket_check_in(code=stay_code).pk == staying.pk
    assert ticket_check_in(code=ticket_code_of(leaving)).pk == leaving.pk
    # The seat left behind is free again.
    assert f.hold(show, [seats[1]], email="next@example.com").booking.pk


def test_old_codes_are_version_zero_and_keep_working(show, seats):
    held = f.hold(show, seats[:1])
    payment_record_box_office(reference=held.booking.reference)
    ticket = BookingSeat.objects.get(booking=held.booking)
    assert ticket_code_of(ticket) == ticket_code(ticket.pk)


def test_seats_held_sold_or_kept_are_refused_and_nothing_changes(clock, show, seats, bank, cashier):
    booking = _card_paid(show, seats[:2], bank)
    f.hold(show, [seats[2]], email="other@example.com")
    seats_block(showtime_id=show.pk, seat_ids=[seats[3]], reason="press", staff_user=cashier)
    with pytest.raises(SeatsUnavailable) as refused:
        booking_move(reference=booking.reference, showtime_id=show.pk, seat_ids=seats[2:4], staff_user=cashier)
    assert refused.value.extra["seat_ids"] == seats[2:4]
    assert sorted(BookingSeat.objects.filter(booking=booking).values_list("seat_id", flat=True)) == seats[:2]
    assert not AuditEntry.objects.filter(action="booking.move").exists()
    assert not OutgoingMail.objects.filter(kind=MailKind.BOOKING_MOVED).exists()


def test_moves_refused_for_the_wrong_state_or_showtime(clock, show, seats, bank, cashier):
    booking = _card_paid(show, seats[:2], bank)
    with pytest.raises(ValidationFailed):  # one seat for a two-seat booking
        booking_move(reference=booking.reference, showtime_id=show.pk, seat_ids=seats[4:5], staff_user=cashier)
    with pytest.raises(ValidationFailed):  # the same seats
        booking_move(reference=booking.reference, showtime_id=show.pk, seat_ids=seats[:2], staff_user=cashier)
    other = f.showtime(movie_obj=show.movie, hall_obj=show.hall, starts_at=show.ends_at + dt.timedelta(hours=1))
    from marquee.payments.services import showtime_cancel

    showtime_cancel(showtime_id=other.pk)
    with pytest.raises(SalesClosed):
        booking_move(reference=booking.reference, showtime_id=other.pk, seat_ids=seats[:2], staff_user=cashier)
    held = f.hold(show, seats[2:4], email="unpaid@example.com")
    with pytest.raises(InvalidState):
        booking_move(reference=held.booking.reference, showtime_id=show.pk, seat_ids=seats[4:6], staff_user=cashier)
    with pytest.raises(ValidationFailed):
        booking_move(
            reference=booking.reference, showtime_id=show.pk, seat_ids=seats[3:5], staff_user=cashier, method="bitcoin"
        )


def test_the_customer_receives_the_new_tickets_by_email(
    show, dear_show, seats, cashier, smtp_server, django_capture_on_commit_callbacks
):
    held = f.hold(show, seats[:2])
    payment_record_box_office(reference=held.booking.reference, method="cash")
    mail_deliver_due()
    old_codes = _codes(held.booking)
    booking_move(
        reference=held.booking.reference,
        showtime_id=dear_show.pk,
        seat_ids=_dear_seats(dear_show)[5:7],
        staff_user=cashier,
        method="card_terminal",
    )
    assert mail_deliver_due() == 1
    message = smtp_server.messages[-1]
    assert "moved" in message["Subject"].lower()
    body = text_body(message).replace("\xa0", " ")
    new_codes = _codes(held.booking)
    assert all(code in body for code in new_codes) and not any(code in body for code in old_codes)
    assert "100.00" in body and "row 2, seat 1" in body
    assert sorted(decode_qr(png) for png in inline_images(message).values()) == sorted(new_codes)


def test_sales_count_the_moved_seats_at_their_new_prices(clock, show, dear_show, seats, bank, cashier):
    from marquee.reports.selectors import sales

    cheap = _card_paid(dear_show, _dear_seats(dear_show)[:2], bank)  # 300, moved down to 200
    booking_move(reference=cheap.reference, showtime_id=show.pk, seat_ids=seats[3:5], staff_user=cashier)
    dear = _card_paid(show, seats[:2], bank, email="ivan@example.com")  # 200, moved up to 300
    booking_move(
        reference=dear.reference,
        showtime_id=dear_show.pk,
        seat_ids=_dear_seats(dear_show)[5:7],
        staff_user=cashier,
        method="cash",
    )
    day = show.starts_at.date()
    report = sales(start=day - dt.timedelta(days=1), end=day + dt.timedelta(days=1), group_by="movie")
    assert (report.tickets, report.revenue) == (4, Decimal("500.00"))
    _healthy()
