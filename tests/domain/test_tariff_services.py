"""Tariffs never overlap: the service refuses, whatever the order of writes."""

import datetime as dt
from decimal import Decimal

import pytest

from marquee.core.errors import TariffOverlap, ValidationFailed
from marquee.pricing.models import Tariff
from marquee.pricing.services import tariff_create, tariff_delete, tariff_update
from tests import factories as f

pytestmark = pytest.mark.django_db

WEEKDAYS = 0b0011111
WEEKEND = 0b1100000


def test_an_overlapping_tariff_is_refused():
    evening = f.tariff(start=dt.time(18), end=dt.time(22))
    with pytest.raises(TariffOverlap) as refused:
        f.tariff(name="Late", start=dt.time(21), end=dt.time(23))
    assert refused.value.extra["conflicts"] == [evening.pk]
    assert Tariff.objects.count() == 1


def test_a_tariff_inside_another_is_refused():
    f.tariff(start=dt.time(10), end=dt.time(22))
    with pytest.raises(TariffOverlap):
        f.tariff(name="Inner", start=dt.time(12), end=dt.time(13))


def test_touching_ranges_are_allowed():
    f.tariff(name="Day", start=dt.time(12), end=dt.time(18), multiplier="1.0")
    f.tariff(name="Evening", start=dt.time(18), end=dt.time(22))
    f.tariff(name="Morning", start=dt.time(9), end=dt.time(12), multiplier="0.8")
    assert Tariff.objects.count() == 3


def test_the_same_hours_on_different_days_are_allowed():
    tariff_create(
        name="Weekday", start_time=dt.time(10), end_time=dt.time(18), price_multiplier=Decimal(1), days_mask=WEEKDAYS
    )
    tariff_create(
        name="Weekend", start_time=dt.time(10), end_time=dt.time(18), price_multiplier=Decimal("1.3"), days_mask=WEEKEND
    )
    assert Tariff.objects.count() == 2


def test_sharing_one_day_is_an_overlap():
    tariff_create(
        name="Weekday", start_time=dt.time(10), end_time=dt.time(18), price_multiplier=Decimal(1), days_mask=WEEKDAYS
    )
    with pytest.raises(TariffOverlap):
        tariff_create(
            name="Fri+Sat",
            start_time=dt.time(10),
            end_time=dt.time(18),
            price_multiplier=Decimal(1),
            days_mask=0b0110000,
        )


def test_an_update_into_an_overlap_is_refused_and_changes_nothing():
    f.tariff(name="Day", start=dt.time(12), end=dt.time(18), multiplier="1.0")
    evening = f.tariff(name="Evening", start=dt.time(18), end=dt.time(22))
    with pytest.raises(TariffOverlap):
        tariff_update(tariff_id=evening.pk, start_time=dt.time(17))
    evening.refresh_from_db()
    assert evening.start_time == dt.time(18)


def test_a_tariff_may_be_updated_within_its_own_range():
    evening = f.tariff(start=dt.time(18), end=dt.time(22))
    tariff_update(tariff_id=evening.pk, start_time=dt.time(19), price_multiplier=Decimal("1.5"))
    evening.refresh_from_db()
    assert (evening.start_time, evening.price_multiplier) == (dt.time(19), Decimal("1.500"))


@pytest.mark.parametrize(
    ("start", "end", "multiplier", "days", "field"),
    [
        (dt.time(18), dt.time(18), "1", 0b1111111, "end_time"),
        (dt.time(18), dt.time(9), "1", 0b1111111, "end_time"),
        (dt.time(9), dt.time(18), "0", 0b1111111, "price_multiplier"),
        (dt.time(9), dt.time(18), "-1", 0b1111111, "price_multiplier"),
        (dt.time(9), dt.time(18), "1", 0, "days_mask"),
    ],
)
def test_invalid_tariffs_are_refused_with_the_field(start, end, multiplier, days, field):
    with pytest.raises(ValidationFailed) as refused:
        tariff_create(name="X", start_time=start, end_time=end, price_multiplier=Decimal(multiplier), days_mask=days)
    assert field in refused.value.fields


def test_delete_frees_the_range():
    evening = f.tariff(start=dt.time(18), end=dt.time(22))
    tariff_delete(tariff_id=evening.pk)
    f.tariff(name="Again", start=dt.time(18), end=dt.time(22))
