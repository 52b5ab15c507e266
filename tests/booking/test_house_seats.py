"""House seats: staff keep seats back with a reason and release them; a kept seat is never
held, shows as sold to customers, and counts out of the seats on sale."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from marquee.audit.models import AuditEntry
from marquee.booking.house_seats import seats_block, seats_release, showtime_blocks
from marquee.booking.models import SeatBlock
from marquee.booking.selectors import SOLD, seats_free, showtime_seat_map, with_seats_taken
from marquee.core.errors import InvalidState, SeatsUnavailable, ValidationFailed
from marquee.payments.services import booking_pay
from marquee.reports.selectors import occupancy
from marquee.scheduling.models import Showtime
from tests import factories as f
from tests.checks import seat_ids_taken
from tests.staff.conftest import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def show():
    return f.showtime(hall_obj=f.hall(rows=2, seats=5))


@pytest.fixture
def seats(show) -> list[int]:
    return list(show.hall.seats.order_by("pk").values_list("pk", flat=True))


@pytest.fixture
def boss():
    return staff_user("boss", None)


def test_kept_seats_refuse_a_hold_naming_them(show, seats, boss):
    seats_block(showtime_id=show.pk, seat_ids=seats[:2], reason="house", staff_user=boss)
    with pytest.raises(SeatsUnavailable) as refused:
        f.hold(show, [seats[1], seats[2]])
    assert refused.value.extra["seat_ids"] == [seats[1]]
    # The other seats sell as before.
    assert f.hold(show, [seats[2], seats[3]]).booking.pk


def test_blocking_a_held_or_sold_seat_names_it(show, seats, boss):
    held = f.hold(show, [seats[0]], email="a@example.com")
    sold = f.hold(show, [seats[1]], email="b@example.com")
    booking_pay(reference=sold.booking.reference, method="demo")
    with pytest.raises(SeatsUnavailable) as refused:
        seats_block(showtime_id=show.pk, seat_ids=seats[:3], reason="press", staff_user=boss)
    assert refused.value.extra["seat_ids"] == [seats[0], seats[1]]
    assert "row 1, seat 1" in refused.value.detail and "row 1, seat 2" in refused.value.detail
    assert not SeatBlock.objects.exists()  # all or none
    assert held.booking.pk


def test_kept_seats_show_as_sold_to_customers_and_count_as_not_for_sale(show, seats, boss):
    seats_block(showtime_id=show.pk, seat_ids=seats[:3], reason="broken", staff_user=boss)
    states = {s.seat.pk: s for s in showtime_seat_map(show).seats}
    assert [states[i].status for i in seats[:3]] == [SOLD] * 3
    assert all(states[i].kept for i in seats[:3]) and not states[seats[3]].kept
    assert seat_ids_taken(show.pk, seats[2:5]) == [seats[2]]
    annotated = with_seats_taken(Showtime.objects.filter(pk=show.pk).select_related("hall")).get()
    assert seats_free(annotated) == 10 - 3
    # Occupancy: capacity is the seats on sale (10 less 3 kept).
    day = show.starts_at.astimezone(dt.UTC).date()
    [row] = occupancy(start=day - dt.timedelta(days=1), end=day + dt.timedelta(days=1))
    assert row.capacity == 7


def test_the_api_seat_map_shows_kept_seats_as_sold_at_once(
    client, show, seats, boss, settings, django_capture_on_commit_callbacks
):
    settings.SEAT_MAP_CACHE_SECONDS = 600  # the cached map would answer for ten minutes
    url = f"/api/v1/showtimes/{show.pk}/seats"
    assert {s["status"] for s in client.get(url).json()["seats"]} == {"free"}
    with django_capture_on_commit_callbacks(execute=True):
        seats_block(showtime_id=show.pk, seat_ids=[seats[4]], reason="house", staff_user=boss)
    status = {s["id"]: s["status"] for s in client.get(url).json()["seats"]}
    assert status[seats[4]] == "sold" and status[seats[3]] == "free"
    with django_capture_on_commit_callbacks(execute=True):
        seats_release(showtime_id=show.pk, seat_ids=[seats[4]], staff_user=boss)
    assert {s["status"] for s in client.get(url).json()["seats"]} == {"free"}


def test_release_puts_seats_back_on_sale_and_both_are_audited(show, seats, boss, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        seats_block(showtime_id=show.pk, seat_ids=seats[:2], reason="other", note="Director's guests", staff_user=boss)
    assert [b.seat_id for b in showtime_blocks(show.pk)] == seats[:2]
    released = seats_release(showtime_id=show.pk, seat_ids=seats[:3], staff_user=boss)
    assert released == seats[:2]
    assert f.hold(show, seats[:2]).booking.pk
    block, release = AuditEntry.objects.filter(showtime_id=show.pk, action__endswith="_seats").order_by("pk")
    assert (block.action, block.actor, block.note) == ("showtime.block_seats", boss, "Director's guests")
    # Seats and reasons are kept as facts and codes; the audit page names them in its reader's language.
    kept = [{"row": 1, "seat": 1}, {"row": 1, "seat": 2}]
    assert block.changes["seats"] == kept and block.changes["reason"] == "other"
    assert release.action == "showtime.release_seats" and release.changes["seats"] == kept


def test_bad_input_is_a_clear_error(show, seats, boss):
    with pytest.raises(ValidationFailed) as bad:
        seats_block(showtime_id=show.pk, seat_ids=[], reason="nonsense", staff_user=boss)
    assert set(bad.value.fields) == {"seat_ids", "reason"}
    with pytest.raises(ValidationFailed) as other:
        seats_block(showtime_id=show.pk, seat_ids=seats[:1], reason="other", note="  ", staff_user=boss)
    assert set(other.value.fields) == {"note"}
    stranger = f.hall(rows=1, seats=1).seats.get().pk
    with pytest.raises(ValidationFailed) as foreign:
        seats_block(showtime_id=show.pk, seat_ids=[stranger], reason="house", staff_user=boss)
    assert "seat_ids" in foreign.value.fields
    with pytest.raises(InvalidState):
        seats_release(showtime_id=show.pk, seat_ids=seats[:1], staff_user=boss)


def test_the_database_keeps_a_seat_once_per_showtime(show, seats, boss):
    seats_block(showtime_id=show.pk, seat_ids=seats[:1], reason="house", staff_user=boss)
    with pytest.raises(IntegrityError), transaction.atomic():
        SeatBlock.objects.create(showtime=show, seat_id=seats[0], reason="press")
    with pytest.raises(SeatsUnavailable):
        seats_block(showtime_id=show.pk, seat_ids=seats[:1], reason="press", staff_user=boss)
