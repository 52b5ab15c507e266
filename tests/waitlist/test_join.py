"""Joining a waiting list: only when sold out, once per email, in order; leaving by the link."""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction

from marquee.core.errors import InvalidState, SalesClosed, ValidationFailed
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.waitlist.links import entry_id_for_leave_token, leave_token
from marquee.waitlist.models import EntryStatus, WaitlistEntry
from marquee.waitlist.services import waitlist_leave
from tests import factories as f
from tests.waitlist.conftest import join

pytestmark = pytest.mark.django_db


def test_join_a_sold_out_showtime_queues_the_email_and_answers_the_place(sold_out):
    first = join(sold_out.show, "a@example.com", seats=2, language="uk")
    second = join(sold_out.show, "b@example.com", seats=1)
    assert (first.created, first.position, first.entry.status) == (True, 1, EntryStatus.WAITING)
    assert (second.created, second.position) == (True, 2)
    mails = OutgoingMail.objects.filter(kind=MailKind.WAITLIST_JOINED).order_by("pk")
    assert [(m.to_email, m.language, m.context) for m in mails] == [
        ("a@example.com", "uk", {"entry_id": first.entry.pk}),
        ("b@example.com", "", {"entry_id": second.entry.pk}),
    ]


def test_a_second_join_by_the_same_email_answers_the_entry_and_its_place(sold_out):
    join(sold_out.show, "a@example.com")
    join(sold_out.show, "b@example.com")
    again = join(sold_out.show, "B@Example.com", seats=3)
    assert (again.created, again.position, again.entry.seats) == (False, 2, 2)
    assert WaitlistEntry.objects.count() == 2
    assert OutgoingMail.objects.filter(kind=MailKind.WAITLIST_JOINED).count() == 2


def test_not_while_seats_are_free():
    show = f.showtime(hall_obj=f.hall(rows=1, seats=3))
    f.hold(show, list(show.hall.seats.values_list("pk", flat=True))[:2])
    with pytest.raises(InvalidState) as refused:
        join(show, "a@example.com")
    assert refused.value.extra == {"free_seats": 1}
    assert not WaitlistEntry.objects.exists()


def test_not_once_sales_are_over(sold_out):
    with time_machine.travel(sold_out.show.starts_at + dt.timedelta(minutes=1)), pytest.raises(SalesClosed):
        join(sold_out.show, "a@example.com")


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"first_name": " "}, "first_name"),
        ({"email": "not-an-email"}, "email"),
        ({"seats": 0}, "seats"),
        ({"seats": 11}, "seats"),
        ({"last_name": "x" * 101}, "last_name"),
    ],
)
def test_every_field_is_checked(sold_out, fields, bad):
    email = fields.pop("email", "a@example.com")
    seats = fields.pop("seats", 2)
    with pytest.raises(ValidationFailed) as refused:
        join(sold_out.show, email, seats=seats, **fields)
    assert list(refused.value.fields) == [bad]


def test_the_database_keeps_one_live_entry_per_email(sold_out):
    entry = join(sold_out.show, "a@example.com").entry
    with pytest.raises(IntegrityError), transaction.atomic():
        WaitlistEntry.objects.create(
            showtime=sold_out.show,
            email="A@EXAMPLE.COM",
            first_name="A",
            last_name="B",
            seats=1,
            joined_at=entry.joined_at,
        )


def test_the_database_refuses_a_waiting_entry_with_an_offer_and_an_offer_without_a_booking(sold_out):
    entry = join(sold_out.show, "a@example.com").entry
    with pytest.raises(IntegrityError), transaction.atomic():
        WaitlistEntry.objects.filter(pk=entry.pk).update(status=EntryStatus.OFFERED)
    with pytest.raises(IntegrityError), transaction.atomic():
        WaitlistEntry.objects.filter(pk=entry.pk).update(booking=sold_out.sales[0].booking)


def test_leaving_by_the_signed_link_and_joining_again_at_the_back(sold_out):
    entry = join(sold_out.show, "a@example.com").entry
    join(sold_out.show, "b@example.com")
    token = leave_token(entry)
    assert entry_id_for_leave_token(token) == entry.pk
    assert entry_id_for_leave_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert entry_id_for_leave_token(f"{entry.pk + 1}:{token.split(':')[1]}") is None
    left = waitlist_leave(entry_id=entry.pk)
    assert left.status == EntryStatus.LEFT and left.closed_at is not None
    assert waitlist_leave(entry_id=entry.pk).status == EntryStatus.LEFT  # again: nothing changes
    back = join(sold_out.show, "a@example.com")
    assert (back.created, back.position) == (True, 2)
