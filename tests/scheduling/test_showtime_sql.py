"""listed_showtime_read (marquee/scheduling/showtime_sql.py) reads in one statement exactly what
`showtimes_all().filter(pk=…, movie__is_listed=True).first()` read: the same fields as the same
Python types, the same related objects kept, and nothing for an unlisted movie or an id no
showtime has."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Model

from marquee.catalog.models import Movie
from marquee.scheduling.models import Format, LanguageVersion, Showtime, ShowtimeStatus
from marquee.scheduling.selectors import showtimes_all
from marquee.scheduling.showtime_sql import listed_showtime_read
from tests import factories as f

pytestmark = pytest.mark.django_db


def _fields(instance: Model | None) -> dict | None:
    if instance is None:
        return None
    return {
        field.attname: (type(value := getattr(instance, field.attname)), value)
        for field in instance._meta.concrete_fields
    }


def _walk(show: Showtime) -> list:
    return [_fields(o) for o in (show, show.movie, show.hall, show.format, show.language_version)]


def _orm(showtime_id: int) -> Showtime | None:
    return showtimes_all().filter(pk=showtime_id, movie__is_listed=True).first()


def test_a_showtime_in_a_format_and_language_reads_as_the_orm_reads_it():
    show = f.showtime(starts_at=f.local_dt(dt.date(2026, 12, 20), 19))
    three_d = Format.objects.create(code="3d", name="3D", surcharge=Decimal("40.00"))
    original = LanguageVersion.objects.create(code="ov", name_en="Original", name_uk="Оригінал")
    Showtime.objects.filter(pk=show.pk).update(format=three_d, language_version=original)
    read = listed_showtime_read(show.pk)
    assert read is not None
    assert _walk(read) == _walk(_orm(show.pk))
    assert read.format.surcharge == Decimal("40.00") and read.language_version.name_uk == "Оригінал"


def test_without_format_or_language_and_cancelled_it_still_reads(django_assert_num_queries):
    show = f.showtime()
    Showtime.objects.filter(pk=show.pk).update(status=ShowtimeStatus.CANCELLED, cancelled_at=show.starts_at)
    with django_assert_num_queries(1):
        read = listed_showtime_read(show.pk)
        walked = _walk(read)
    assert read.format is None and read.language_version is None and read.is_cancelled
    assert walked == _walk(_orm(show.pk))


def test_an_unlisted_movie_or_an_unknown_id_reads_nothing():
    show = f.showtime()
    Movie.objects.filter(pk=show.movie_id).update(is_listed=False)
    assert listed_showtime_read(show.pk) is None
    for missing in (show.pk + 1000, 0, -1, 2**63, 10**30):
        assert listed_showtime_read(missing) is None
