"""Money is Decimal with two places, rounded half up, in one currency (a setting).

Two ways to write it: `format_money` is the API's plain string ("288.00", the contract);
`money_text` is how people read it, in the active language, through Babel (CLDR): "UAH 288.00"
in English, "288,00 грн" in Ukrainian. Every page, email and PDF goes through `money_text`.
"""

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency, format_decimal, get_currency_symbol
from django.conf import settings
from django.utils.translation import get_language, to_locale

CENT = Decimal("0.01")

# Where people write the unit differently from CLDR's symbol: Ukrainians write prices as
# "288,00 грн"; CLDR's "₴" is the sign on banknotes and logos, rare on a price.
UNITS = {("uk", "UAH"): "грн"}
NBSP = "\u00a0"


def to_money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(value: Decimal) -> str:
    """The API's money string: two decimals, no grouping (`"150.00"`)."""
    return f"{to_money(value):.2f}"


@lru_cache(maxsize=32)
def _pattern(language: str, currency: str) -> tuple[Locale, str]:
    locale = Locale.parse(to_locale(language))
    symbol = UNITS.get((locale.language, currency)) or get_currency_symbol(currency, locale)
    pattern = locale.currency_formats["standard"].pattern.split(";")[0]
    # CLDR's currency spacing, which Babel leaves out: a symbol made of letters ("UAH") is
    # kept apart from the number, by a space that never breaks the price over two lines.
    if symbol[:1].isalpha() and pattern.startswith("¤") and not pattern.startswith(("¤ ", f"¤{NBSP}")):
        pattern = f"¤{NBSP}" + pattern[1:]
    if symbol[-1:].isalpha() and pattern.endswith("¤") and not pattern.endswith((" ¤", f"{NBSP}¤")):
        pattern = pattern[:-1] + f"{NBSP}¤"
    return locale, pattern.replace(" ", NBSP).replace("¤", "'" + symbol.replace("'", "''") + "'")


def money_text(value: Decimal, *, language: str | None = None) -> str:
    """The amount as a reader of `language` (default: the active one) writes it."""
    locale, pattern = _pattern(language or get_language() or settings.LANGUAGE_CODE, settings.CURRENCY)
    return format_currency(to_money(value), settings.CURRENCY, format=pattern, locale=locale, currency_digits=False)


def money_template(*, language: str | None = None) -> str:
    """`money_text`'s shape with `{amount}` for the number ("UAH {amount}", "{amount} грн"),
    for the seat map's running total, which the browser adds up and formats with Intl."""
    one = money_text(Decimal(1), language=language)
    locale, _ = _pattern(language or get_language() or settings.LANGUAGE_CODE, settings.CURRENCY)
    return one.replace(format_decimal(Decimal("1.00"), format="0.00", locale=locale), "{amount}", 1)
