"""Content kept in each site language: one field per language (`title_en`, `title_uk`).

A model names its translated fields and reads them through `localized`, which picks the active
language's value and falls back to the other languages' (the default language first) when it is
blank. Pages, emails and PDFs render under the visitor's or the booking's language
(`translation.override`), so `movie.title` is already the right one there.
"""

from typing import Any

from django.conf import settings
from django.db.models import F, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language

# The languages content is kept in. The fields are columns, so this is fixed in code;
# settings.LANGUAGES names the same two (a test checks).
CONTENT_LANGUAGES = ("en", "uk")


def current_language(language: str | None = None) -> str:
    """`language`, or the active one, as one of CONTENT_LANGUAGES (else the default language)."""
    code = (language or get_language() or settings.LANGUAGE_CODE)[:2].lower()
    return code if code in CONTENT_LANGUAGES else default_language()


def default_language() -> str:
    code = settings.LANGUAGE_CODE[:2].lower()
    return code if code in CONTENT_LANGUAGES else CONTENT_LANGUAGES[0]


def fallback_order(language: str | None = None) -> list[str]:
    """The languages to try in turn: the chosen one, the default, then the rest."""
    first = current_language(language)
    return list(dict.fromkeys([first, default_language(), *CONTENT_LANGUAGES]))


def localized(obj: Any, field: str, language: str | None = None) -> str:
    """`obj`'s `field` in `language` (default: the active one), else in the next language that has it."""
    for code in fallback_order(language):
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return str(value)
    return ""


def localized_expression(field: str, language: str | None = None) -> Combinable:
    """The same choice in SQL, to order or search by: the first non-blank of the languages' columns."""
    columns = [NullIf(F(f"{field}_{code}"), Value("")) for code in fallback_order(language)]
    return Coalesce(*columns, Value(""))
