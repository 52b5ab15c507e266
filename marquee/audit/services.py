"""The one audited path: every staff change calls `audit_record` inside its own transaction."""

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import models

from marquee.audit.models import AuditEntry

Actor = User | AnonymousUser | None


def _plain(value: Any) -> Any:
    """A value as JSON can hold it and a person can read it."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Mapping):  # a fact with parts: a seat {"row": 7, "seat": 11}
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of `obj` as plain values, to compare before and after a change."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{"field": [before, after]} for every field whose plain value differs."""
    out: dict[str, list[Any]] = {}
    for name in dict.fromkeys([*before, *after]):
        old, new = _plain(before.get(name)), _plain(after.get(name))
        if old != new:
            out[name] = [old, new]
    return out


def audit_entry(
    *,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: object = "",
    target_label: str = "",
    changes: Mapping[str, Any] | None = None,
    booking_id: int | None = None,
    showtime_id: int | None = None,
    note: str = "",
) -> AuditEntry:
    """One staff change's entry, not yet saved (see `audit_record`, `audit_record_many`).

    `changes` is {"field": [before, after]} (see `changes_between`), or any mapping of plain facts
    for actions that are not edits (a sale's seats, a refund's amount). A fact is one value
    (write a list of seats as one string): a list of two is read as [before, after].
    """
    user = actor if isinstance(actor, User) else None
    plain = {str(k): _plain(v) for k, v in (changes or {}).items()}
    actor_name = user.get_username() if user is not None else ""
    return AuditEntry(
        actor=user,
        actor_name=actor_name,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_label=target_label[:200],
        changes=plain,
        booking_id=booking_id,
        showtime_id=showtime_id,
        note=note,
        search_text=search_text(actor_name, action, target_type, target_id, target_label, plain, note),
    )


def audit_record(
    *,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: object = "",
    target_label: str = "",
    changes: Mapping[str, Any] | None = None,
    booking_id: int | None = None,
    showtime_id: int | None = None,
    note: str = "",
) -> AuditEntry:
    """Record one staff change. Call it inside the transaction that makes the change, so
    that the record and the change land together or not at all. `changes`: see `audit_entry`."""
    made = audit_entry(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        changes=changes,
        booking_id=booking_id,
        showtime_id=showtime_id,
        note=note,
    )
    made.save(force_insert=True)
    return made


def audit_record_many(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """Record many changes in one query (a series of showtimes), inside their transaction."""
    return AuditEntry.objects.bulk_create(list(entries))


def search_text(*parts: object) -> str:
    """What the audit page's free text is matched against: every part, lowercased, with
    changes written out as JSON that keeps its letters (not \\u escapes)."""
    words = [json.dumps(p, ensure_ascii=False, sort_keys=True) if isinstance(p, dict) else str(p) for p in parts]
    return " ".join(w for w in words if w).lower()
