"""Writing tariffs: the no-overlap rule lives here, safe against concurrent writers."""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction

from marquee.audit.services import Actor, audit_record, changes_between, snapshot
from marquee.core.errors import TariffOverlap, ValidationFailed
from marquee.core.languages import default_language
from marquee.core.locks import lock_named
from marquee.core.rows import row_or_not_found
from marquee.pricing.models import ALL_DAYS, Tariff
from marquee.pricing.prices import ranges_overlap


def _validate(
    *, names: tuple[str, str], start_time: dt.time, end_time: dt.time, price_multiplier: Decimal, days_mask: int
) -> None:
    errors: dict[str, list[str]] = {}
    if not any(n.strip() for n in names):
        errors["name"] = ["A tariff needs a name."]
    if start_time >= end_time:
        errors["end_time"] = ["The end must be later than the start (ranges do not cross midnight)."]
    if price_multiplier <= 0:
        errors["price_multiplier"] = ["The multiplier must be greater than zero."]
    if not 1 <= days_mask <= ALL_DAYS:
        errors["days_mask"] = ["Choose at least one day of the week."]
    if errors:
        raise ValidationFailed("The tariff is not valid.", fields=errors)


def _names(name: str | None, name_en: str | None, name_uk: str | None) -> tuple[str | None, str | None]:
    """(name_en, name_uk), the plain `name` standing for the default language's if that was not given."""
    given = {"en": name_en, "uk": name_uk}
    default = default_language()
    if given[default] is None and name is not None:
        given[default] = name
    return given["en"], given["uk"]


def _check_overlap(candidate: Tariff) -> None:
    others = Tariff.objects.exclude(pk=candidate.pk) if candidate.pk else Tariff.objects.all()
    clashing = [t for t in others if ranges_overlap(candidate, t)]
    if clashing:
        names = ", ".join(str(t) for t in clashing)
        raise TariffOverlap(f"The tariff overlaps {names}.", conflicts=[t.pk for t in clashing])


AUDITED_FIELDS = ("name_en", "name_uk", "start_time", "end_time", "price_multiplier", "days_mask")


def _audit(tariff: Tariff, action: str, changes: Mapping[str, object], staff_user: Actor) -> None:
    audit_record(
        actor=staff_user,
        action=action,
        target_type="tariff",
        target_id=tariff.pk,
        target_label=str(tariff.name),
        changes=changes,
    )


def tariff_create(
    *,
    start_time: dt.time,
    end_time: dt.time,
    price_multiplier: Decimal,
    days_mask: int = ALL_DAYS,
    name: str | None = None,
    name_en: str | None = None,
    name_uk: str | None = None,
    staff_user: Actor = None,
) -> Tariff:
    """`name` is the default language's name (marquee.catalog.services says why), or give each language's."""
    name_en, name_uk = _names(name, name_en, name_uk)
    _validate(
        names=(name_en or "", name_uk or ""),
        start_time=start_time,
        end_time=end_time,
        price_multiplier=price_multiplier,
        days_mask=days_mask,
    )
    with transaction.atomic():
        lock_named("tariffs")
        tariff = Tariff(
            name_en=(name_en or "").strip(),
            name_uk=(name_uk or "").strip(),
            start_time=start_time,
            end_time=end_time,
            price_multiplier=price_multiplier,
            days_mask=days_mask,
        )
        _check_overlap(tariff)
        tariff.save()
        _audit(tariff, "tariff.create", snapshot(tariff, AUDITED_FIELDS), staff_user)
        return tariff


def tariff_update(
    *,
    tariff_id: int,
    name: str | None = None,
    name_en: str | None = None,
    name_uk: str | None = None,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    price_multiplier: Decimal | None = None,
    days_mask: int | None = None,
    staff_user: Actor = None,
) -> Tariff:
    """Change a tariff. Bookings keep the tariff and price they were made with."""
    with transaction.atomic():
        lock_named("tariffs")
        tariff = row_or_not_found(Tariff, "No such tariff.", pk=tariff_id)
        before = snapshot(tariff, AUDITED_FIELDS)
        name_en, name_uk = _names(name, name_en, name_uk)
        if name_en is not None:
            tariff.name_en = name_en.strip()
        if name_uk is not None:
            tariff.name_uk = name_uk.strip()
        if start_time is not None:
            tariff.start_time = start_time
        if end_time is not None:
            tariff.end_time = end_time
        if price_multiplier is not None:
            tariff.price_multiplier = price_multiplier
        if days_mask is not None:
            tariff.days_mask = days_mask
        _validate(
            names=(tariff.name_en, tariff.name_uk),
            start_time=tariff.start_time,
            end_time=tariff.end_time,
            price_multiplier=tariff.price_multiplier,
            days_mask=tariff.days_mask,
        )
        _check_overlap(tariff)
        tariff.save()
        changed = changes_between(before, snapshot(tariff, AUDITED_FIELDS))
        if changed:
            _audit(tariff, "tariff.update", changed, staff_user)
        return tariff


def tariff_delete(*, tariff_id: int, staff_user: Actor = None) -> None:
    """Bookings made under it keep its name and their frozen price."""
    with transaction.atomic():
        tariff = row_or_not_found(Tariff, "No such tariff.", pk=tariff_id)
        gone = {name: [value, None] for name, value in snapshot(tariff, AUDITED_FIELDS).items()}
        _audit(tariff, "tariff.delete", gone, staff_user)
        tariff.delete()
