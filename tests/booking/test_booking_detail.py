"""booking_detail reads in one statement (marquee/booking/detail_sql.py) exactly what the ORM
read with select_related and prefetch_related: the same rows, field for field, the same
related objects cached, and no query more when the answer walks them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Model, Prefetch

from marquee.booking.models import Booking, BookingSeat
from marquee.booking.selectors import booking_detail
from marquee.scheduling.models import Format, LanguageVersion, Showtime
from marquee.venues.models import Seat
from tests import factories as f

pytestmark = pytest.mark.django_db


def _orm(booking_id: int) -> Booking:
    """How booking_detail read it before: the reference."""
    seats = BookingSeat.objects.select_related("seat", "tariff", "ticket_type").order_by(
        "seat__row_number", "seat__seat_number"
    )
    return (
        Booking.objects.select_related(
            "customer", "showtime__movie", "showtime__hall", "showtime__format", "showtime__language_version"
        )
        .prefetch_related(Prefetch("seats", seats))
        .get(pk=booking_id)
    )


def _fields(instance: Model | None) -> dict | None:
    if instance is None:
        return None
    values = {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}
    # The same values as the same Python types (a Decimal, not a float; an aware datetime).
    return {name: (type(value), value) for name, value in values.items()}


def _walk(booking: Booking) -> list:
    """Everything an answer or a ticket reads of a booking."""
    show = booking.showtime
    out = [_fields(o) for o in (booking, booking.customer, show, show.movie, show.hall)]
    out += [_fields(show.format), _fields(show.language_version)]
    for ticket in booking.seats.all():
        out += [_fields(ticket), _fields(ticket.seat), _fields(ticket.tariff), _fields(ticket.ticket_type)]
        assert ticket.booking is booking
    return out


def _rich_booking() -> Booking:
    """A gift with a promo code, seats of three ticket types in two rows, under a tariff, in a
    3D showing of an original version."""
    f.tariff()
    f.ticket_type("child", "Child", name_uk="Дитячий", multiplier=Decimal("0.6"))
    f.ticket_type("student", "Student", rule="amount_off", amount_off=Decimal("30.00"), door_note_en="Show ID")
    show = f.showtime(hall_obj=f.hall(rows=3, seats=4, vip_rows=(3,)), starts_at=f.local_dt(dt.date(2026, 12, 20), 19))
    three_d = Format.objects.create(code="3d", name="3D", surcharge=Decimal("40.00"))
    original = LanguageVersion.objects.create(code="ov", name_en="Original", name_uk="Оригінал")
    Showtime.objects.filter(pk=show.pk).update(format=three_d, language_version=original)
    seats = list(show.hall.seats.order_by("-row_number", "seat_number").values_list("pk", flat=True))
    chosen = [seats[0], seats[1], seats[5], seats[4]]  # out of order: the answer sorts them
    held = f.hold(
        show,
        chosen,
        recipient_name="Taras Koval",
        recipient_email="taras@example.com",
        gift_message="З днем народження!",
        ticket_types={chosen[1]: "child", chosen[2]: "student"},
    )
    Booking.objects.filter(pk=held.booking.pk).update(promo_code_text="KINO20")
    # The first seat written is not the first by row and number: the order is the statement's.
    Seat.objects.filter(pk=min(chosen)).update(row_number=9)
    return held.booking


def test_a_rich_booking_reads_as_the_orm_reads_it():
    booking = _rich_booking()
    assert _walk(booking_detail(booking.pk)) == _walk(_orm(booking.pk))
    read = booking_detail(booking.pk)
    assert [(t.seat.row_number, t.seat.seat_number) for t in read.seats.all()] == sorted(
        (t.seat.row_number, t.seat.seat_number) for t in read.seats.all()
    )
    assert read.showtime.format.code == "3d" and read.showtime.language_version.code == "ov"
    assert {t.ticket_type.code for t in read.seats.all()} == {"adult", "child", "student"}


def test_a_walk_in_sale_without_a_customer_or_format_reads_as_the_orm_reads_it():
    show = f.showtime()
    booking = f.hold(show).booking
    Booking.objects.filter(pk=booking.pk).update(customer=None)
    read = booking_detail(booking.pk)
    assert read.customer is None and read.showtime.format is None
    assert _walk(read) == _walk(_orm(booking.pk))


def test_a_booking_without_seats_still_reads():
    booking = f.hold(f.showtime()).booking
    BookingSeat.objects.filter(booking=booking).delete()
    read = booking_detail(booking.pk)
    assert list(read.seats.all()) == []
    assert _walk(read) == _walk(_orm(booking.pk))


def test_one_query_whatever_the_answer_walks(django_assert_num_queries):
    booking = _rich_booking()
    with django_assert_num_queries(1):
        _walk(booking_detail(booking.pk))


def test_no_such_booking_is_the_orm_s_does_not_exist():
    with pytest.raises(Booking.DoesNotExist):
        booking_detail(10**9)
