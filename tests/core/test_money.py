"""Money as people read it (Babel): "UAH 288.00" in English, "288,00 грн" in Ukrainian; the
API keeps its plain "288.00"."""

from decimal import Decimal

from django.utils import translation

from marquee.core.money import format_money, money_template, money_text


def test_english_writes_the_code_before_the_amount():
    assert money_text(Decimal("288"), language="en") == "UAH\xa0288.00"
    assert money_text(Decimal("1288.5"), language="en") == "UAH\xa01,288.50"


def test_ukrainian_writes_hryvnias_as_grn_after_the_amount():
    assert money_text(Decimal("288"), language="uk") == "288,00\xa0грн"
    assert money_text(Decimal("1288.5"), language="uk") == "1\xa0288,50\xa0грн"
    assert "₴" not in money_text(Decimal("1"), language="uk")


def test_the_active_language_decides_and_amounts_are_rounded_half_up():
    with translation.override("uk"):
        assert money_text(Decimal("0.005")) == "0,01\xa0грн"
    with translation.override("en"):
        assert money_text(Decimal("0.005")) == "UAH\xa00.01"


def test_another_currency_uses_the_locale_symbol(settings):
    settings.CURRENCY = "EUR"
    assert money_text(Decimal("5"), language="en") == "€5.00"
    assert money_text(Decimal("5"), language="uk") == "5,00\xa0EUR"  # CLDR's Ukrainian symbol for the euro


def test_the_template_for_the_browser_and_the_api_string():
    assert money_template(language="en") == "UAH\xa0{amount}"
    assert money_template(language="uk") == "{amount}\xa0грн"
    assert format_money(Decimal("1288.5")) == "1288.50"
