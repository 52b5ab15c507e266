"""/staff/formats/: staff who keep the schedule keep formats and language versions, in both
languages; the planner and the showtime page set a showtime's format and version."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from marquee.audit.models import AuditEntry
from marquee.booking.models import BookingSeat
from marquee.core.clock import local_today
from marquee.payments.services import payment_record_box_office
from marquee.scheduling.formats import format_create, language_version_create
from marquee.scheduling.models import Format, LanguageVersion, Showtime
from marquee.scheduling.services import showtime_update
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_d(db):
    return format_create(code="3d", name="3D", surcharge=Decimal("40.00"))


@pytest.fixture
def subtitled(db):
    return language_version_create(
        code="ov-uk-subs", name_en="Original, Ukrainian subtitles", name_uk="Мовою оригіналу, українські субтитри"
    )


def _day(offset: int) -> dt.date:
    return local_today() + dt.timedelta(days=offset)


def test_the_page_lists_both_kinds_in_the_staff_language(admin_client, three_d, subtitled):
    page = admin_client.get(reverse("backoffice:formats"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "3D" in html and "Original, Ukrainian subtitles" in html and "Мовою оригіналу" in html
    assert "Formats and languages" in html
    admin_client.cookies["django_language"] = "uk"
    html = admin_client.get(reverse("backoffice:formats")).content.decode()
    assert "Формати й мови" in html
    assert "Formats and languages" not in html


def test_only_those_who_keep_the_schedule_open_it(box_client, anon_client):
    assert box_client.get(reverse("backoffice:formats")).status_code == 403
    assert anon_client.get(reverse("backoffice:formats")).status_code == 302


def test_staff_add_edit_and_delete_a_format(admin_client):
    added = admin_client.post(
        reverse("backoffice:formats"),
        {"format-code": "imax", "format-name": "IMAX", "format-surcharge": "80", "format-position": "2"},
    )
    assert added.status_code == 302
    fmt = Format.objects.get(code="imax")
    assert fmt.surcharge == Decimal("80.00")
    edit_url = reverse("backoffice:format", args=[fmt.pk])
    assert 'value="imax"' in admin_client.get(edit_url).content.decode()
    saved = admin_client.post(
        edit_url, {"format-code": "imax", "format-name": "IMAX", "format-surcharge": "85.50", "format-position": "2"}
    )
    assert saved.status_code == 302
    fmt.refresh_from_db()
    assert fmt.surcharge == Decimal("85.50")
    refused = admin_client.post(
        reverse("backoffice:formats"),
        {"format-code": "imax", "format-name": "Other", "format-surcharge": "0", "format-position": "0"},
    )
    assert refused.status_code == 422
    assert "Another format has this code." in refused.content.decode()
    assert admin_client.post(reverse("backoffice:format_delete", args=[fmt.pk])).status_code == 302
    assert not Format.objects.exists()
    actions = list(AuditEntry.objects.filter(target_type="format").order_by("pk").values_list("action", flat=True))
    assert actions == ["format.create", "format.update", "format.delete"]


def test_a_format_in_use_is_not_deleted_and_the_page_says_why(admin_client, three_d):
    show = f.showtime()
    showtime_update(showtime_id=show.pk, format_code="3d")
    response = admin_client.post(reverse("backoffice:format_delete", args=[three_d.pk]), follow=True)
    assert "1 showtime is in 3D" in response.content.decode()
    assert Format.objects.filter(pk=three_d.pk).exists()


def test_staff_add_and_edit_a_language_version(admin_client):
    added = admin_client.post(
        reverse("backoffice:language_version_new"),
        {"version-code": "en", "version-name_en": "English", "version-name_uk": "", "version-position": "0"},
    )
    assert added.status_code == 302
    version = LanguageVersion.objects.get(code="en")
    url = reverse("backoffice:language_version", args=[version.pk])
    admin_client.post(
        url,
        {"version-code": "en", "version-name_en": "English", "version-name_uk": "Англійською", "version-position": "1"},
    )
    version.refresh_from_db()
    assert (version.name_uk, version.position) == ("Англійською", 1)
    nameless = admin_client.post(
        reverse("backoffice:language_version_new"), {"version-code": "de", "version-position": "0"}
    )
    assert nameless.status_code == 422
    assert admin_client.post(reverse("backoffice:language_version_delete", args=[version.pk])).status_code == 302
    assert not LanguageVersion.objects.exists()


def test_the_planner_schedules_in_a_format_and_language(admin_client, three_d, subtitled):
    film, hall = f.movie(title="Stalker", duration_min=105), f.hall()
    form = {
        "movie": film.pk,
        "hall": hall.pk,
        "date": _day(2).isoformat(),
        "time": "19:00",
        "repeat": "once",
        "format": "3d",
        "language_version": "ov-uk-subs",
    }
    page = admin_client.get(reverse("backoffice:planner"), {"hall": hall.pk})
    assert "3D (+" in page.content.decode()  # the surcharge beside the format
    assert admin_client.post(reverse("backoffice:planner"), form).status_code == 302
    show = Showtime.objects.get()
    assert (show.format, show.language_version) == (three_d, subtitled)
    week = admin_client.get(reverse("backoffice:planner"), {"hall": hall.pk, "week": _day(2).isoformat()})
    assert "3D · Original, Ukrainian subtitles" in week.content.decode()


def test_the_showtime_page_changes_the_format_and_sold_seats_keep_their_prices(admin_client, three_d):
    show = f.showtime(hall_obj=f.hall(rows=1, seats=4), starts_at=f.local_dt(_day(2), 19))
    booking = f.hold(show, list(show.hall.seats.order_by("pk").values_list("pk", flat=True)[:2])).booking
    payment_record_box_office(reference=booking.reference)
    sold = dict(BookingSeat.objects.filter(showtime=show).values_list("pk", "final_price"))
    form = {"movie": show.movie_id, "hall": show.hall_id, "date": _day(2).isoformat(), "time": "19:00"}
    response = admin_client.post(
        reverse("backoffice:showtime_move", args=[show.pk]), {**form, "format": "3d", "language_version": ""}
    )
    assert response.status_code == 302, response.content.decode()
    show.refresh_from_db()
    assert (show.format, show.starts_at) == (three_d, f.local_dt(_day(2), 19))
    assert dict(BookingSeat.objects.filter(showtime=show).values_list("pk", "final_price")) == sold
    page = admin_client.get(reverse("backoffice:showtime", args=[show.pk])).content.decode()
    assert "· 3D" in page
    assert 'value="3d" selected' in page


def test_the_counter_and_the_door_list_the_format_and_language(admin_client, three_d, subtitled):
    from marquee.core.clock import now

    # Within the door's hour before the start: listed at the door whatever the time of day (two
    # hours ahead fell on tomorrow after 22:00, and the door lists today's).
    show = f.showtime(starts_at=(now() + dt.timedelta(minutes=20)).replace(microsecond=0, second=0))
    showtime_update(showtime_id=show.pk, format_code="3d", language_code="ov-uk-subs")
    for page in ("backoffice:sell", "backoffice:checkin"):
        assert "3D · Original, Ukrainian subtitles" in admin_client.get(reverse(page)).content.decode(), page
    for page in ("backoffice:sell_showtime", "backoffice:checkin_door"):
        html = admin_client.get(reverse(page, args=[show.pk])).content.decode()
        assert "3D · Original, Ukrainian subtitles" in html, page
