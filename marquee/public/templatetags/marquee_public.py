"""Small presentation helpers for the public templates."""

from decimal import Decimal

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

from marquee.core.money import format_money
from marquee.public.posters import poster_url

register = template.Library()


@register.filter
def money(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{format_money(value)} {settings.CURRENCY}"


@register.filter
def poster(movie: object) -> str:
    return poster_url(movie)


@register.filter
def duration(minutes: int) -> str:
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return _("%(m)d min") % {"m": rest}
    return _("%(h)d h %(m)02d min") % {"h": hours, "m": rest}
