"""Admin for halls and seats, written through marquee.venues.services.

A hall's seats are described row by row in a small text layout, which the service turns
into seats; the capacity follows and is never typed in. Single seats change on their own
page (type, price), also through the services.
"""

import re
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marquee.core.admin import ReadOnlyInline, ServiceAdmin, ServiceModelForm
from marquee.venues.models import Hall, Seat, SeatType
from marquee.venues.services import (
    RowSpec,
    hall_create,
    hall_delete,
    hall_set_layout,
    hall_update,
    seat_add,
    seat_remove,
    seat_update,
)

LAYOUT_LINE = re.compile(r"^\s*(\d+)\s*:\s*(\d+)\s+([a-z]+)\s+(\S+)\s*$")
LAYOUT_HELP = _(
    "One line per row: “row: seats type price”, e.g. “1: 12 standard 150.00”. "
    "Types: standard, vip, accessible. Changing it adds, removes or retypes seats."
)


def parse_layout(text: str) -> list[RowSpec]:
    rows: list[RowSpec] = []
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = LAYOUT_LINE.match(line.lower())
        if match is None:
            errors.append(gettext("Line %(number)d: write “row: seats type price”.") % {"number": number})
            continue
        row, seats, seat_type, price = match.groups()
        try:
            base_price = Decimal(price)
        except InvalidOperation:
            errors.append(gettext("Line %(number)d: %(price)s is not a price.") % {"number": number, "price": price})
            continue
        rows.append(RowSpec(row=int(row), seats=int(seats), type=seat_type, base_price=base_price))
    if errors:
        raise forms.ValidationError(errors)
    return rows


def layout_of(hall: Hall) -> str:
    """The hall's seats as layout lines; a row of mixed seats shows its most common kind."""
    by_row: dict[int, list[Seat]] = {}
    for seat in hall.seats.order_by("row_number", "seat_number"):
        by_row.setdefault(seat.row_number, []).append(seat)
    lines = []
    for row, seats in by_row.items():
        (kind, price), _count = Counter((s.seat_type, s.base_price) for s in seats).most_common(1)[0]
        lines.append(f"{row}: {len(seats)} {kind} {price}")
    return "\n".join(lines)


class HallForm(ServiceModelForm):
    layout = forms.CharField(label=_("seat layout"), widget=forms.Textarea(attrs={"rows": 12}), help_text=LAYOUT_HELP)

    class Meta:
        model = Hall
        fields = ("number", "name")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["layout"].initial = layout_of(self.instance)
            self.fields["layout"].help_text = _(
                "%(help)s Rows with some accessible or differently priced seats show their most common kind; "
                "leave the layout as it is to keep those seats."
            ) % {"help": LAYOUT_HELP}

    def clean_layout(self) -> list[RowSpec]:
        return parse_layout(self.cleaned_data["layout"])


class SeatInline(ReadOnlyInline):
    model = Seat
    fields = ("row_number", "seat_number", "seat_type", "base_price")
    readonly_fields = fields
    ordering = ("row_number", "seat_number")


@admin.register(Hall)
class HallAdmin(ServiceAdmin):
    form = HallForm
    list_display = ("number", "name", "capacity", "updated_at")
    search_fields = ("name",)
    readonly_fields = ("capacity",)
    fields = ("number", "name", "capacity", "layout")
    inlines = (SeatInline,)
    service_field_map = {"rows": "layout"}

    def get_inlines(self, request: HttpRequest, obj: Hall | None) -> tuple[type[SeatInline], ...]:
        return self.inlines if obj is not None else ()  # a new hall's seats come from its layout

    def service_save(self, form: Any) -> Hall:
        data = form.cleaned_data
        if form.instance.pk is None:
            return hall_create(
                number=data["number"], name=data["name"], rows=data["layout"], staff_user=form.staff_user
            )
        hall = hall_update(
            hall_id=form.instance.pk, number=data["number"], name=data["name"], staff_user=form.staff_user
        )
        # Compared as rows, not text (browsers send CRLF): an unchanged layout must not
        # flatten a row's accessible or differently priced seats into its most common kind.
        if data["layout"] != parse_layout(layout_of(hall)):
            hall = hall_set_layout(hall_id=hall.pk, rows=data["layout"], staff_user=form.staff_user)
        return hall

    def service_delete(self, obj: Hall, *, staff_user: Any = None) -> None:
        hall_delete(hall_id=obj.pk, staff_user=staff_user)


class SeatForm(ServiceModelForm):
    class Meta:
        model = Seat
        fields = ("hall", "row_number", "seat_number", "seat_type", "base_price")


@admin.register(Seat)
class SeatAdmin(ServiceAdmin):
    form = SeatForm
    list_display = ("__str__", "hall", "seat_type", "base_price")
    list_filter = ("hall", "seat_type")
    list_select_related = ("hall",)
    search_fields = ("hall__name",)
    ordering = ("hall__number", "row_number", "seat_number")

    def get_readonly_fields(self, request: HttpRequest, obj: Seat | None = None) -> tuple[str, ...]:
        # A seat's place is its identity (bookings point at it); only its kind and price change.
        return ("hall", "row_number", "seat_number") if obj is not None else ()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Seat]:
        return super().get_queryset(request).select_related("hall")

    def service_save(self, form: Any) -> Seat:
        data = form.cleaned_data
        if form.instance.pk is None:
            return seat_add(
                hall_id=data["hall"].pk,
                row_number=data["row_number"],
                seat_number=data["seat_number"],
                seat_type=data.get("seat_type") or SeatType.STANDARD,
                base_price=data["base_price"],
                staff_user=form.staff_user,
            )
        return seat_update(
            seat_id=form.instance.pk,
            seat_type=data["seat_type"],
            base_price=data["base_price"],
            staff_user=form.staff_user,
        )

    def service_delete(self, obj: Seat, *, staff_user: Any = None) -> None:
        seat_remove(seat_id=obj.pk, staff_user=staff_user)
