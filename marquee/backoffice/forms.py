"""Forms of the staff pages. They parse and check input; the services hold the rules."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marquee.backoffice.query import MAX_ID
from marquee.catalog.selectors import movies_by_title
from marquee.core.clock import cinema_tz, local_today
from marquee.core.money import money_text
from marquee.pricing.models import ALL_DAYS, Tariff
from marquee.scheduling.selectors import formats_ordered, language_versions_by_code
from marquee.venues.models import Hall, SeatType
from marquee.venues.selectors import halls_by_number
from marquee.venues.services import MAX_COLUMNS, MAX_ROWS, MAX_SEATS_PER_ROW, RowSpec


class FormatChoice(forms.ModelChoiceField):
    """A format as staff choose it: its name, and what it adds to each seat."""

    def label_from_instance(self, obj: Any) -> str:
        if not obj.surcharge:
            return str(obj.name)
        return f"{obj.name} (+{money_text(obj.surcharge)})"


class LanguageVersionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)  # in the reader's language


def format_field() -> FormatChoice:
    return FormatChoice(
        queryset=formats_ordered(),
        required=False,
        empty_label=_("Not said"),
        label=_("Format"),
        to_field_name="code",
    )


def language_version_field() -> LanguageVersionChoice:
    return LanguageVersionChoice(
        queryset=language_versions_by_code(),
        required=False,
        empty_label=_("Not said"),
        label=_("Language"),
        to_field_name="code",
    )


class PresentationFields:
    """What a showtime form says of its format and version, as the scheduling services take it."""

    cleaned_data: dict[str, Any]

    def presentation_codes(self) -> dict[str, str | None]:
        fmt, version = self.cleaned_data.get("format"), self.cleaned_data.get("language_version")
        return {"format_code": fmt.code if fmt else None, "language_code": version.code if version else None}


# Monday first, as "0" (the weekday numbers of datetime); the short names in the active language.
WEEKDAYS = [(str(d), WEEKDAYS_ABBR[d]) for d in range(7)]
# A series longer than this is almost certainly a typo in the end date.
MAX_SERIES = 400


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


def days_to_mask(days: list[str]) -> int:
    return sum(1 << int(d) for d in days)


def mask_to_days(mask: int) -> list[str]:
    return [str(d) for d in range(7) if mask & (1 << d)]


class ShowtimeForm(PresentationFields, forms.Form):
    """One showtime, or a series of them: daily or on chosen weekdays until a date."""

    REPEAT_CHOICES = [("once", _("Once")), ("daily", _("Every day")), ("weekdays", _("On chosen weekdays"))]

    movie = forms.ModelChoiceField(queryset=movies_by_title(), empty_label=_("Choose a movie…"), label=_("Movie"))
    hall = forms.ModelChoiceField(queryset=halls_by_number(), empty_label=None, label=_("Hall"))
    date = forms.DateField(widget=DateInput(), label=_("Date"))
    time = forms.TimeField(widget=TimeInput(), label=_("Starts at"))
    format = format_field()
    language_version = language_version_field()
    repeat = forms.ChoiceField(choices=REPEAT_CHOICES, initial="once", widget=forms.RadioSelect, label=_("Repeat"))
    until = forms.DateField(widget=DateInput(), required=False, label=_("Repeat until"), help_text=_("Inclusive."))
    weekdays = forms.MultipleChoiceField(
        choices=WEEKDAYS, required=False, widget=forms.CheckboxSelectMultiple, label=_("On")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        repeat = data.get("repeat")
        start_day, until = data.get("date"), data.get("until")
        if repeat in {"daily", "weekdays"}:
            if until is None:
                self.add_error("until", _("Give the last day of the series."))
            elif start_day is not None and until < start_day:
                self.add_error("until", _("The series must end on or after its first day."))
            elif start_day is not None and (until - start_day).days > MAX_SERIES:
                self.add_error("until", _("A series may span at most %(days)d days.") % {"days": MAX_SERIES})
        if repeat == "weekdays" and not data.get("weekdays"):
            self.add_error("weekdays", _("Choose at least one weekday."))
        elif (
            repeat == "weekdays"
            and not self.errors
            and start_day is not None
            and until is not None
            and not _series_days(start_day, until, data["weekdays"])
        ):
            # A short range can miss every ticked day (Mon–Tue, Sunday ticked): an empty
            # series would save nothing, so it is refused here rather than "scheduled".
            self.add_error(
                "weekdays",
                _(
                    "None of the chosen weekdays falls between %(first)s and %(last)s; "
                    "tick a day in that range or move the end of the series."
                )
                % {"first": date_format(start_day, str(_("D j M"))), "last": date_format(until, str(_("D j M")))},
            )
        return data

    def starts(self) -> list[dt.datetime]:
        """Every start of the series as an aware datetime in the cinema's time zone."""
        data = self.cleaned_data
        first: dt.date = data["date"]
        at: dt.time = data["time"]
        tz = cinema_tz()
        if data["repeat"] == "once":
            days = [first]
        else:
            chosen = (data.get("weekdays") or []) if data["repeat"] == "weekdays" else [d for d, _label in WEEKDAYS]
            days = _series_days(first, data["until"], chosen)
        return [dt.datetime.combine(day, at, tzinfo=tz) for day in days]


def _series_days(first: dt.date, last: dt.date, weekdays: list[str]) -> list[dt.date]:
    """The days from `first` to `last` (inclusive) that fall on one of `weekdays` ("0" is Monday)."""
    chosen = {int(d) for d in weekdays}
    days = (first + dt.timedelta(days=i) for i in range((last - first).days + 1))
    return [day for day in days if day.weekday() in chosen]


class ShowtimeMoveForm(PresentationFields, forms.Form):
    """Change a showtime's movie, hall or start (only while no tickets are held or sold), and
    its format and language version (whatever is sold: sold seats keep their prices)."""

    movie = forms.ModelChoiceField(queryset=movies_by_title(), empty_label=None, label=_("Movie"))
    hall = forms.ModelChoiceField(queryset=halls_by_number(), empty_label=None, label=_("Hall"))
    date = forms.DateField(widget=DateInput(), label=_("Date"))
    time = forms.TimeField(widget=TimeInput(), label=_("Starts at"))
    format = format_field()
    language_version = language_version_field()

    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"], tzinfo=cinema_tz())


class AislesField(forms.CharField):
    """Seat numbers after which an aisle follows, typed as "4, 10" (a number twice: two places)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, tuple | list):
            return ", ".join(str(n) for n in value)
        return value

    def clean(self, value: Any) -> tuple[int, ...]:
        text = super().clean(value)
        parts = [p for p in (text or "").replace(";", ",").replace(" ", ",").split(",") if p]
        if not all(p.isdigit() and len(p) <= 3 for p in parts):
            raise ValidationError(_("Give seat numbers separated by commas, e.g. 4, 10."), code="invalid")
        return tuple(sorted(int(p) for p in parts))


class HallCreateForm(forms.Form):
    number = forms.IntegerField(min_value=1, max_value=32767, label=_("Number"))
    name = forms.CharField(max_length=100, label=pgettext_lazy("of a thing", "Name"))
    rows = forms.IntegerField(min_value=1, max_value=MAX_ROWS, initial=8, label=_("Rows"))
    seats = forms.IntegerField(min_value=1, max_value=MAX_SEATS_PER_ROW, initial=12, label=_("Seats per row"))
    base_price = forms.DecimalField(
        min_value=Decimal(0), max_digits=8, decimal_places=2, initial=Decimal("150.00"), label=_("Base price")
    )
    aisles_after = AislesField(
        label=_("Aisles after seats"), help_text=_("Optional, in every row: e.g. 4, 10 for two aisles.")
    )

    def row_specs(self) -> list[RowSpec]:
        d = self.cleaned_data
        return [
            RowSpec(row=r, seats=d["seats"], base_price=d["base_price"], aisles_after=d["aisles_after"])
            for r in range(1, d["rows"] + 1)
        ]


class RowForm(forms.Form):
    row = forms.IntegerField(min_value=1, max_value=MAX_ROWS, required=False, label=_("Row"))
    seats = forms.IntegerField(
        min_value=0, max_value=MAX_SEATS_PER_ROW, required=False, help_text=_("0 removes the row."), label=_("Seats")
    )
    type = forms.ChoiceField(choices=SeatType.choices, initial=SeatType.STANDARD, label=_("Type"))
    base_price = forms.DecimalField(
        min_value=Decimal(0), max_digits=8, decimal_places=2, required=False, label=_("Base price")
    )
    offset = forms.IntegerField(
        min_value=0,
        max_value=MAX_COLUMNS,
        required=False,
        label=_("Offset"),
        help_text=_("Empty places before seat 1."),
    )
    aisles_after = AislesField(label=_("Aisles after seats"))


RowFormSet = formset_factory(RowForm, extra=2, max_num=MAX_ROWS, absolute_max=MAX_ROWS + 10)


def rows_from_formset(formset: Any) -> list[RowSpec]:
    """The rows the staff described; blank rows and rows of 0 seats are left out."""
    specs = []
    for form in formset.forms:
        data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
        if not data or data.get("row") is None or not data.get("seats"):
            continue
        specs.append(
            RowSpec(
                row=data["row"],
                seats=data["seats"],
                type=data.get("type") or SeatType.STANDARD,
                base_price=data.get("base_price") or Decimal("0.00"),
                offset=data.get("offset") or 0,
                aisles_after=data.get("aisles_after") or (),
            )
        )
    return specs


ZONE_KEEP, ZONE_IN, ZONE_OUT = "", "in", "out"


class SeatForm(forms.Form):
    """One seat's own type, price or best-zone mark, different from its row."""

    row = forms.IntegerField(min_value=1, max_value=MAX_ROWS, label=_("Row"))
    seat = forms.IntegerField(min_value=1, max_value=MAX_SEATS_PER_ROW, label=_("Seat"))
    type = forms.ChoiceField(choices=SeatType.choices, label=_("Type"))
    base_price = forms.DecimalField(
        min_value=Decimal(0), max_digits=8, decimal_places=2, required=False, label=_("Base price")
    )
    zone = forms.ChoiceField(
        choices=[(ZONE_KEEP, _("As it is")), (ZONE_IN, _("In the best seats zone")), (ZONE_OUT, _("Not in the zone"))],
        required=False,
        label=_("Best seats zone"),
    )

    def best_zone(self) -> bool | None:
        """True or False to move the seat in or out of the zone; None to leave it."""
        return {ZONE_IN: True, ZONE_OUT: False}.get(self.cleaned_data.get("zone") or ZONE_KEEP)


class TariffForm(forms.Form):
    # One name per site language; one of them is enough (the other shows it in its place).
    name_en = forms.CharField(max_length=60, required=False, label=_("Name in English"))
    name_uk = forms.CharField(max_length=60, required=False, label=_("Name in Ukrainian"))
    start_time = forms.TimeField(widget=TimeInput(), label=pgettext_lazy("start of a period", "From"))
    end_time = forms.TimeField(widget=TimeInput(), label=_("Until"), help_text=_("Exclusive; 23:59 for the day's end."))
    price_multiplier = forms.DecimalField(
        max_digits=6, decimal_places=3, min_value=Decimal("0.001"), label=_("Multiplier"), initial=Decimal("1.000")
    )
    days = forms.MultipleChoiceField(
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        initial=mask_to_days(ALL_DAYS),
        label=_("Days of week"),
    )

    @classmethod
    def for_tariff(cls, tariff: Tariff) -> "TariffForm":
        return cls(
            initial={
                "name_en": tariff.name_en,
                "name_uk": tariff.name_uk,
                "start_time": tariff.start_time,
                "end_time": tariff.end_time,
                "price_multiplier": tariff.price_multiplier,
                "days": mask_to_days(tariff.days_mask),
            }
        )

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name_en": d["name_en"],
            "name_uk": d["name_uk"],
            "start_time": d["start_time"],
            "end_time": d["end_time"],
            "price_multiplier": d["price_multiplier"],
            "days_mask": days_to_mask(d["days"]),
        }


class BookingSearchForm(forms.Form):
    q = forms.CharField(
        required=False, max_length=254, label=_("Reference or email"), widget=forms.TextInput(attrs={"type": "search"})
    )
    showtime = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, label=_("Showtime id"))


class PeriodForm(forms.Form):
    """A report's filter: a date range (inclusive, cinema days) and an optional hall."""

    date_from = forms.DateField(widget=DateInput(), label=pgettext_lazy("start of a period", "From"), required=False)
    date_to = forms.DateField(widget=DateInput(), label=_("To"), required=False)
    hall = forms.ModelChoiceField(
        queryset=halls_by_number(), required=False, empty_label=_("All halls"), label=_("Hall")
    )

    # The default period: the four weeks up to today (sales and occupancy that happened).
    DEFAULT_BACK_DAYS = 27
    DEFAULT_AHEAD_DAYS = 0
    MAX_DAYS = 366 * 2

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = local_today()
        data["date_from"] = data.get("date_from") or today - dt.timedelta(days=self.DEFAULT_BACK_DAYS)
        data["date_to"] = data.get("date_to") or today + dt.timedelta(days=self.DEFAULT_AHEAD_DAYS)
        if data["date_to"] < data["date_from"]:
            raise ValidationError(_("The end of the period comes before its start."))
        if (data["date_to"] - data["date_from"]).days > self.MAX_DAYS:
            raise ValidationError(_("Choose a period of at most two years."))
        return data

    def period(self) -> tuple[dt.date, dt.date, Hall | None]:
        """The chosen period, or the default one when the input is not valid."""
        if self.is_valid():
            d = self.cleaned_data
            return d["date_from"], d["date_to"], d.get("hall")
        today = local_today()
        return (
            today - dt.timedelta(days=self.DEFAULT_BACK_DAYS),
            today + dt.timedelta(days=self.DEFAULT_AHEAD_DAYS),
            None,
        )


class CustomerSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=254,
        label=_("Name, email or phone"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
