"""The audit in staff pages: `{% load audit_tags %}`.

`{% audit_trail booking=booking as trail %}` / `{% audit_trail showtime=showtime as trail %}`
read the trail through marquee.audit.selectors (one query), so that `_audit_trail.html`
works wherever a page includes it, with nothing but `booking` or `showtime` in its context.
"""

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from marquee.audit import selectors
from marquee.audit.labels import ChangeLine, action_label, change_lines, target_text
from marquee.audit.models import AuditEntry

register = template.Library()

# Where an entry's target is shown, by kind (a deleted target has no page).
TARGET_PAGES = {"booking": "backoffice:booking", "showtime": "backoffice:showtime", "hall": "backoffice:hall"}


@register.simple_tag
def audit_trail(*, booking: Any = None, showtime: Any = None) -> list[AuditEntry]:
    if booking is not None:
        return selectors.booking_trail(booking_id=booking.pk, showtime_id=booking.showtime_id, since=booking.created_at)
    if showtime is not None:
        return selectors.showtime_trail(showtime_id=showtime.pk)
    return []


@register.filter
def audit_action(entry: AuditEntry) -> str:
    return action_label(entry.action)


@register.filter
def audit_target(entry: AuditEntry) -> str:
    return target_text(entry.target_label) if entry.target_label else entry.target_id


@register.filter
def audit_changes(entry: AuditEntry) -> list[ChangeLine]:
    return change_lines(entry.changes)


@register.filter
def audit_target_url(entry: AuditEntry) -> str:
    name = TARGET_PAGES.get(entry.target_type)
    if name is None or entry.action.endswith(".delete") or not entry.target_id:
        return ""
    try:
        return reverse(name, args=[entry.target_id])
    except NoReverseMatch:
        return ""
