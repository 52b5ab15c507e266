"""Small presentation helpers for the public templates."""

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django import template
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from marquee.core.money import money_template, money_text
from marquee.public.posters import poster_url

register = template.Library()


@register.filter
def money(value: Decimal | None) -> str:
    if value is None:
        return ""
    return money_text(value)


@register.filter
def cents(value: Decimal) -> int:
    """An amount in whole cents (kopiykas), for scripts that add prices up without floating point."""
    return int(value * 100)


@register.filter
def poster(movie: object) -> str:
    return poster_url(movie)


@register.filter
def duration(minutes: int) -> str:
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return _("%(m)d min") % {"m": rest}
    return _("%(h)d h %(m)02d min") % {"h": hours, "m": rest}


@register.simple_tag
def money_pattern() -> str:
    """How the active language writes an amount, `{amount}` standing for the number: for the
    scripts that add prices up on the page."""
    return money_template()


# Languages that write the names of weekdays in lower case inside a sentence (Django's
# Ukrainian WEEKDAYS are capitalised, as for a heading).
LOWER_CASE_WEEKDAYS = {"uk"}


@register.filter(expects_localtime=True)
def day_in_text(value: dt.date | dt.datetime) -> str:
    """A date inside running text: "Sunday, 6 December", "неділя, 6 грудня"."""
    weekday = formats.date_format(value, "l")
    if (get_language() or "")[:2] in LOWER_CASE_WEEKDAYS:
        weekday = weekday.lower()
    return f"{weekday}, {formats.date_format(value, 'j E')}"


@register.simple_tag
def query(**params: object) -> str:
    """A link's query from the filters given ("?genre=3&format=3d"), leaving out empty ones:
    built from named values only, so that a cached page's links never carry a visitor's own."""
    kept = {name: str(value) for name, value in params.items() if value not in (None, "")}
    return "?" + urlencode(kept)
