"""Days as people read them, in the active language, through Babel (CLDR), as money_text does
for amounts: "Sunday 6 December" in English, "неділя, 6 грудня" in Ukrainian (the month in the
genitive, the weekday in lower case as it is written inside a sentence).

Django's `date` filter gives the parts but not the grammar: "l j F" in Ukrainian is
"Неділя 6 Грудень" (nominative month, capital weekday).
"""

import datetime as dt

from babel.dates import format_date
from django.conf import settings
from django.utils.translation import get_language, to_locale

# CLDR's own "full date without year" differs by region (en: "Sunday, December 6");
# these are the cinema's, per language, in CLDR's pattern syntax.
DAY_PATTERNS = {"en": "EEEE d MMMM", "uk": "EEEE, d MMMM"}


def day_text(value: dt.date, *, language: str | None = None) -> str:
    """The weekday, day and month of `value` as a reader of `language` writes them in a sentence."""
    language = language or get_language() or settings.LANGUAGE_CODE
    pattern = DAY_PATTERNS.get(language.split("-")[0], DAY_PATTERNS["en"])
    return format_date(value, pattern, locale=to_locale(language))
