"""Forms of the public site. They parse and label input; the booking service validates
what the booking rules need and has the last word."""

from typing import Any

from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _


class QuickSelect(forms.Select):
    """Django's <select>, the same markup, written in Python: the template renderer draws each
    option through a template of its own, and the seat map page's two selects cost about a
    millisecond of CPU that way. Plain choices only (no option groups)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        chosen = set(self.format_value(value))
        selected = mark_safe(" selected")
        options = format_html_join(
            "\n  ",
            '<option value="{}"{}>{}</option>',
            ((choice, selected if str(choice) in chosen else "", label) for choice, label in self.choices),
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>\n  {}\n</select>', name, attributes, options)


class SeatChoiceForm(forms.Form):
    """The seats picked on the seat map (ids of the showtime's hall's seats)."""

    seat = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)

    def __init__(self, *args: object, seat_ids: list[int] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["seat"].choices = [(pk, pk) for pk in seat_ids or []]  # type: ignore[attr-defined]
        self.fields["seat"].error_messages = {
            "required": _("Choose at least one seat."),
            "invalid_choice": _("Some of the chosen seats are not in this hall."),
        }

    def clean_seat(self) -> list[int]:
        seats: list[int] = self.cleaned_data["seat"]
        if len(set(seats)) > settings.MAX_SEATS_PER_BOOKING:
            raise forms.ValidationError(_("Choose at most %(max)d seats.") % {"max": settings.MAX_SEATS_PER_BOOKING})
        return sorted(set(seats))


class BestSeatsForm(forms.Form):
    """How many seats the buyer wants the site to pick (and of which type), whether they need a
    wheelchair space, and `best`: the seats the site suggested (ids, comma-separated), so that
    the checkout knows the buyer kept the suggestion rather than picking seats by hand."""

    count = forms.TypedChoiceField(
        label=_("Best seats for"), coerce=int, required=False, empty_value=None, widget=QuickSelect
    )
    seat_type = forms.ChoiceField(label=_("Seat type"), required=False, widget=QuickSelect)
    wheelchair = forms.BooleanField(
        label=_("I need a wheelchair space"),
        required=False,
        help_text=_("Wheelchair spaces and the companion seats beside them are kept for customers who need them."),
    )
    best = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args: object, seat_types: list[tuple[str, str]] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        numbers = range(1, settings.MAX_SEATS_PER_BOOKING + 1)
        self.fields["count"].choices = [(n, n) for n in numbers]  # type: ignore[attr-defined]
        self.fields["seat_type"].choices = [("", _("Any type")), *(seat_types or [])]  # type: ignore[attr-defined]

    def clean_best(self) -> list[int]:
        raw: str = self.cleaned_data.get("best") or ""
        ids = [int(part) for part in raw.split(",") if part.strip().isdigit() and len(part.strip()) < 19]
        return sorted(set(ids))


class CheckoutForm(SeatChoiceForm):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Email"), help_text=_("We send the tickets and the booking link here."))
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    is_gift = forms.BooleanField(label=_("These tickets are a gift"), required=False)
    recipient_name = forms.CharField(label=_("Recipient's name"), max_length=200, required=False)
    recipient_email = forms.EmailField(
        label=_("Recipient's email"), required=False, help_text=_("The tickets go to this address.")
    )
    gift_message = forms.CharField(
        label=_("Message to the recipient"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    marketing_consent = forms.BooleanField(
        label=_("Send me news about upcoming movies (you can unsubscribe at any time)"), required=False
    )
    promo_code = forms.CharField(label=_("Promo code"), max_length=40, required=False)
    voucher_code = forms.CharField(
        label=_("Gift voucher code"),
        max_length=64,
        required=False,
        help_text=_("It pays what it can; you pay the rest by card."),
    )

    autocomplete = {
        "first_name": "given-name",
        "last_name": "family-name",
        "email": "email",
        "phone": "tel",
        "recipient_name": "off",
        "recipient_email": "off",
        "promo_code": "off",
        "voucher_code": "off",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, value in self.autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value
        self.fields["phone"].widget.input_type = "tel"
        self.fields["seat"].widget = forms.MultipleHiddenInput()

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("is_gift"):
            if not data.get("recipient_name"):
                self.add_error("recipient_name", _("Give the recipient's name."))
            if not data.get("recipient_email") and "recipient_email" not in self.errors:
                self.add_error("recipient_email", _("Give the recipient's email."))
        return data


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
