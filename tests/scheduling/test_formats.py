"""Formats and language versions: kept by staff through audited services, set on showtimes by
code, never deleted while a showtime uses them; a showtime's format never reprices a sale."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.utils import translation

from marquee.audit.models import AuditEntry
from marquee.booking.models import BookingSeat
from marquee.booking.selectors import showtime_prices, showtime_seat_map
from marquee.core.errors import InvalidState, NotFound, ValidationFailed
from marquee.payments.services import payment_record_box_office
from marquee.scheduling.formats import (
    format_create,
    format_delete,
    format_update,
    language_version_create,
    language_version_delete,
    language_version_update,
)
from marquee.scheduling.models import Format, LanguageVersion, Showtime
from marquee.scheduling.services import showtime_schedule, showtime_schedule_many, showtime_update
from marquee.staff.roles import ADMIN
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    user = User.objects.create_user("ada", is_staff=True)
    user.groups.add(Group.objects.get(name=ADMIN))
    return user


@pytest.fixture
def three_d():
    return format_create(code="3d", name="3D", surcharge=Decimal("40.00"))


@pytest.fixture
def subtitled():
    return language_version_create(
        code="ov-uk-subs", name_en="Original, Ukrainian subtitles", name_uk="Мовою оригіналу, українські субтитри"
    )


def _fields(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        call()
    return caught.value.fields or {}


def test_a_format_is_created_changed_and_deleted_with_its_records(admin):
    fmt = format_create(code=" IMAX ", name="IMAX", surcharge=Decimal("80"), position=3, staff_user=admin)
    assert (fmt.code, fmt.name, fmt.surcharge, fmt.position) == ("imax", "IMAX", Decimal("80.00"), 3)
    format_update(format_id=fmt.pk, surcharge=Decimal("85.50"), staff_user=admin)
    format_update(format_id=fmt.pk, surcharge=Decimal("85.50"), staff_user=admin)  # no change, no record
    format_delete(format_id=fmt.pk, staff_user=admin)
    assert not Format.objects.exists()
    records = list(AuditEntry.objects.filter(target_type="format").order_by("pk").values_list("action", "changes"))
    assert records == [
        ("format.create", {"code": "imax", "name": "IMAX", "surcharge": "80.00", "position": 3}),
        ("format.update", {"surcharge": ["80.00", "85.50"]}),
        (
            "format.delete",
            {"code": ["imax", None], "name": ["IMAX", None], "surcharge": ["85.50", None], "position": [3, None]},
        ),
    ]
    assert AuditEntry.objects.filter(target_type="format", actor=admin).count() == 3


def test_a_format_is_refused_with_the_reason_on_its_field(three_d):
    assert set(_fields(lambda: format_create(code="3 D!", name="Odd"))) == {"code"}
    assert set(_fields(lambda: format_create(code="3d", name="Another"))) == {"code"}
    assert set(_fields(lambda: format_create(code="4dx", name="3d"))) == {"name"}  # names differ by more than case
    assert set(_fields(lambda: format_create(code="4dx", name=" "))) == {"name"}
    assert set(_fields(lambda: format_create(code="4dx", name="4DX", surcharge=Decimal("-1")))) == {"surcharge"}
    assert set(_fields(lambda: format_create(code="4dx", name="4DX", surcharge=Decimal("0.001")))) == {"surcharge"}
    assert set(_fields(lambda: format_update(format_id=three_d.pk, position=-1))) == {"position"}
    with pytest.raises(NotFound):
        format_update(format_id=three_d.pk + 100, name="Gone")
    assert Format.objects.count() == 1


def test_a_language_version_has_a_name_in_each_language(admin):
    version = language_version_create(code="uk", name="Ukrainian", staff_user=admin)  # the default language's
    assert (version.name_en, version.name_uk) == ("Ukrainian", "")
    language_version_update(version_id=version.pk, name_uk="Українською", staff_user=admin)
    version.refresh_from_db()
    with translation.override("uk"):
        assert version.name == "Українською"
    with translation.override("en"):
        assert version.name == "Ukrainian"
    assert set(_fields(lambda: language_version_create(code="en"))) == {"name"}
    assert set(_fields(lambda: language_version_create(code="uk", name_en="Again"))) == {"code"}
    language_version_delete(version_id=version.pk, staff_user=admin)
    actions = list(
        AuditEntry.objects.filter(target_type="languageversion").order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["languageversion.create", "languageversion.update", "languageversion.delete"]


def test_a_format_or_version_some_showtime_uses_cannot_be_deleted(three_d, subtitled):
    show = f.showtime()
    showtime_update(showtime_id=show.pk, format_code="3d", language_code="ov-uk-subs")
    later = f.showtime(movie_obj=show.movie, hall_obj=show.hall, starts_at=show.ends_at + dt.timedelta(hours=1))
    showtime_update(showtime_id=later.pk, format_code="3d")
    with pytest.raises(InvalidState) as caught:
        format_delete(format_id=three_d.pk)
    assert "2 showtimes" in caught.value.detail
    with pytest.raises(InvalidState) as caught:
        language_version_delete(version_id=subtitled.pk)
    assert "1 showtime " in caught.value.detail
    assert Format.objects.filter(pk=three_d.pk).exists()
    assert LanguageVersion.objects.filter(pk=subtitled.pk).exists()
    assert not AuditEntry.objects.filter(action__in=["format.delete", "languageversion.delete"]).exists()
    showtime_update(showtime_id=show.pk, format_code=None, language_code="")
    showtime_update(showtime_id=later.pk, format_code=None)
    format_delete(format_id=three_d.pk)
    language_version_delete(version_id=subtitled.pk)


def test_a_showtime_is_scheduled_in_a_format_and_version_by_code(three_d, subtitled, admin):
    movie, hall = f.movie(), f.hall()
    starts = f.showtime().starts_at
    show = showtime_schedule(
        movie_id=movie.pk,
        hall_id=hall.pk,
        starts_at=starts,
        format_code="3D",
        language_code="ov-uk-subs",
        staff_user=admin,
    )
    assert (show.format, show.language_version) == (three_d, subtitled)
    record = AuditEntry.objects.get(action="showtime.schedule", showtime_id=show.pk)
    assert (record.changes["format"], record.changes["language_version"]) == ("3d", "ov-uk-subs")
    series = showtime_schedule_many(
        movie_id=movie.pk,
        hall_id=hall.pk,
        starts=[starts + dt.timedelta(days=1), starts + dt.timedelta(days=2)],
        format_code="3d",
    )
    assert {s.format_id for s in Showtime.objects.filter(pk__in=[s.pk for s in series])} == {three_d.pk}


def test_an_unknown_code_is_refused_and_nothing_is_scheduled():
    movie, hall, starts = f.movie(), f.hall(), f.showtime().starts_at
    assert set(
        _fields(lambda: showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=starts, format_code="5d"))
    ) == {"format"}
    assert set(
        _fields(
            lambda: showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=starts, language_code="klingon")
        )
    ) == {"language_version"}
    assert not Showtime.objects.filter(hall=hall).exists()


def test_the_seat_map_and_the_showtimes_prices_include_the_surcharge(three_d):
    show = f.showtime(hall_obj=f.hall(rows=1, seats=2, price="100.00"))
    assert {s.price for s in showtime_seat_map(show).seats} == {Decimal("100.00")}
    show = showtime_update(showtime_id=show.pk, format_code="3d")
    assert {s.price for s in showtime_seat_map(show).seats} == {Decimal("140.00")}
    assert showtime_prices(show).uniform == {"standard": Decimal("140.00")}
    # Read without the format joined (one more query), the price is the same.
    assert {s.price for s in showtime_seat_map(Showtime.objects.get(pk=show.pk)).seats} == {Decimal("140.00")}


def test_changing_the_format_of_a_showtime_with_sold_seats_keeps_their_prices(three_d, admin):
    show = f.showtime(hall_obj=f.hall(rows=1, seats=4, price="100.00"))
    seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    booking = f.hold(show, seats[:2]).booking
    payment_record_box_office(reference=booking.reference)
    sold = sorted(BookingSeat.objects.filter(booking=booking).values_list("final_price", flat=True))
    showtime_update(showtime_id=show.pk, format_code="3d", staff_user=admin)
    format_update(format_id=three_d.pk, surcharge=Decimal("60.00"))
    assert sorted(BookingSeat.objects.filter(booking=booking).values_list("final_price", flat=True)) == sold
    booking.refresh_from_db()
    assert booking.total_price == sum(sold)
    record = AuditEntry.objects.get(action="showtime.update", showtime_id=show.pk)
    assert record.changes == {"format": [None, "3d"]}
    # Seats still for sale pay the surcharge in force.
    free = {s.seat.pk: s.price for s in showtime_seat_map(Showtime.objects.get(pk=show.pk)).seats}
    assert free[seats[3]] == Decimal("160.00")


def test_a_hold_pays_the_surcharge_the_seat_map_shows(three_d):
    show = f.showtime(hall_obj=f.hall(rows=1, seats=2, price="100.00"))
    show = showtime_update(showtime_id=show.pk, format_code="3d")
    shown = {s.seat.pk: s.price for s in showtime_seat_map(show).seats}
    booking = f.hold(show, list(shown)).booking
    held = dict(BookingSeat.objects.filter(booking=booking).values_list("seat_id", "final_price"))
    assert held == shown == dict.fromkeys(shown, Decimal("140.00"))


def test_the_counter_sells_a_3d_showtime_with_its_surcharge_and_comps_stay_free(three_d, admin):
    from marquee.payments.counter import counter_sell

    show = f.showtime(hall_obj=f.hall(rows=1, seats=4, price="100.00"))
    showtime_update(showtime_id=show.pk, format_code="3d")
    seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    sold = counter_sell(showtime_id=show.pk, seat_ids=seats[:2], method="cash", staff_user=admin)
    assert sold.total_price == Decimal("280.00")
    comp = counter_sell(showtime_id=show.pk, seat_ids=seats[2:3], method="comp", comp_reason="Press", staff_user=admin)
    assert comp.total_price == Decimal("0.00")


def test_a_move_into_a_3d_showtime_is_priced_with_its_surcharge(three_d, admin):
    from marquee.booking.moves import move_quote
    from marquee.payments.moves import booking_move

    hall = f.hall(rows=1, seats=4, price="100.00")
    show = f.showtime(hall_obj=hall)
    later = f.showtime(movie_obj=show.movie, hall_obj=hall, starts_at=show.ends_at + dt.timedelta(hours=1))
    showtime_update(showtime_id=later.pk, format_code="3d")
    seats = list(hall.seats.order_by("pk").values_list("pk", flat=True))
    booking = f.hold(show, seats[:1]).booking
    payment_record_box_office(reference=booking.reference)
    booking.refresh_from_db()
    quote = move_quote(booking=booking, showtime_id=later.pk, seat_ids=seats[:1])
    assert (quote.old_total, quote.new_total) == (Decimal("100.00"), Decimal("140.00"))
    booking_move(reference=booking.reference, showtime_id=later.pk, seat_ids=seats[:1], method="cash", staff_user=admin)
    assert BookingSeat.objects.get(booking=booking).final_price == Decimal("140.00")
