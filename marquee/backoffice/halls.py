"""Halls and the layout builder: rows × seats, seat types by row or by seat, prices."""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from marquee.backoffice.access import HALLS, staff_page
from marquee.backoffice.feedback import error_lines, say_error
from marquee.backoffice.forms import ZONE_IN, ZONE_OUT, HallCreateForm, RowFormSet, SeatForm, rows_from_formset
from marquee.backoffice.query import int_or_none
from marquee.core.errors import DomainError
from marquee.venues.layout import row_shape
from marquee.venues.models import Hall, Seat, SeatType
from marquee.venues.selectors import (
    hall_numbers_taken,
    hall_seats,
    hall_zone_marks,
    halls_with_counts,
    seat_at,
    seat_in_hall,
)
from marquee.venues.services import RowSpec, hall_create, hall_set_layout, seat_update
from marquee.venues.zones import default_best_zone


@dataclass(frozen=True)
class PreviewSeat:
    """Quacks like a Seat for the seat-map template, without touching the database."""

    seat_number: int
    seat_type: str
    column: int
    best_zone: bool = False
    pk: int | None = None  # a saved seat: the preview links to its own edit form

    def get_seat_type_display(self) -> str:
        return str(SeatType(self.seat_type).label) if self.seat_type in SeatType.values else self.seat_type


@dataclass(frozen=True)
class PreviewState:
    seat: Any  # a PreviewSeat or a Seat
    price: Decimal
    status: str = "free"


def preview_rows(rows: list[RowSpec], zone: dict[tuple[int, int], bool]) -> list[tuple[int, list[PreviewState]]]:
    """The rows being edited as the seat map draws them: seats at the places their offset and
    aisles give; a seat that exists keeps its zone mark (`zone`, by row and number), a new one
    gets the default zone of the whole new layout, as hall_set_layout will do."""
    places = {(r.row, n): column for r in rows for n, column in r.columns().items()}
    default = default_best_zone((row, column) for (row, _n), column in places.items())
    return [
        (
            r.row,
            [
                PreviewState(
                    PreviewSeat(n, r.type, column, zone.get((r.row, n), (r.row, column) in default)), r.base_price
                )
                for n, column in r.columns().items()
            ],
        )
        for r in sorted(rows, key=lambda r: r.row)
    ]


def _current_layout(hall: Hall) -> tuple[list[dict[str, Any]], list[Seat], list[tuple[int, list[Any]]]]:
    """The hall as rows (each row's most common type and price, its offset and aisles), the
    seats that differ from their row, and the seat map as the customer sees it. One query."""
    seats = hall_seats(hall)
    by_row: dict[int, list[Seat]] = {}
    for seat in seats:
        by_row.setdefault(seat.row_number, []).append(seat)
    initial: list[dict[str, Any]] = []
    exceptions: list[Seat] = []
    for row, row_seats in sorted(by_row.items()):
        kind = Counter(s.seat_type for s in row_seats).most_common(1)[0][0]
        price = Counter(s.base_price for s in row_seats).most_common(1)[0][0]
        offset, aisles = row_shape({s.seat_number: s.column for s in row_seats})
        initial.append(
            {
                "row": row,
                "seats": max(s.seat_number for s in row_seats),
                "type": kind,
                "base_price": price,
                "offset": offset,
                "aisles_after": aisles,
            }
        )
        exceptions.extend(s for s in row_seats if s.seat_type != kind or s.base_price != price)
    seat_map = [(row, [PreviewState(s, s.base_price) for s in row_seats]) for row, row_seats in sorted(by_row.items())]
    return initial, exceptions, seat_map


def _as_specs(initial: list[dict[str, Any]]) -> list[RowSpec]:
    return [
        RowSpec(
            row=r["row"],
            seats=r["seats"],
            type=r["type"],
            base_price=r["base_price"],
            offset=r["offset"],
            aisles_after=r["aisles_after"],
        )
        for r in initial
    ]


def _zone_marks(seat_map: list[tuple[int, list[Any]]]) -> dict[tuple[int, int], bool]:
    return {(row, s.seat.seat_number): s.seat.best_zone for row, states in seat_map for s in states}


def _seat_form(hall: Hall, seat_id: int | None) -> tuple[SeatForm, Seat | None]:
    """The one-seat form, filled in with the seat clicked in the preview (if it is the hall's)."""
    seat = seat_in_hall(hall, seat_id) if seat_id else None
    if seat is None:
        return SeatForm(), None
    initial = {
        "row": seat.row_number,
        "seat": seat.seat_number,
        "type": seat.seat_type,
        "base_price": seat.base_price,
        "zone": ZONE_IN if seat.best_zone else ZONE_OUT,
    }
    return SeatForm(initial=initial), seat


@staff_page(HALLS)
@require_http_methods(["GET", "HEAD", "POST"])
def hall_list(request: HttpRequest) -> HttpResponse:
    form = HallCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                hall = hall_create(
                    number=form.cleaned_data["number"],
                    name=form.cleaned_data["name"],
                    rows=form.row_specs(),
                    staff_user=request.user,
                )
            except DomainError as error:
                for field, problems in (error.fields or {}).items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
                status = 422
            else:
                messages.success(
                    request,
                    ngettext(
                        "Created %(hall)s with %(count)d seat. Adjust its rows below.",
                        "Created %(hall)s with %(count)d seats. Adjust its rows below.",
                        hall.capacity,
                    )
                    % {"hall": hall.name, "count": hall.capacity},
                )
                return redirect("backoffice:hall", hall_id=hall.pk)
        else:
            status = 422
    else:
        taken = hall_numbers_taken()
        form = HallCreateForm(initial={"number": next(n for n in range(1, len(taken) + 2) if n not in taken)})
    halls = halls_with_counts()
    return render(request, "backoffice/halls.html", {"halls": halls, "form": form}, status=status)


@staff_page(HALLS)
@require_http_methods(["GET", "HEAD", "POST"])
def hall_layout(request: HttpRequest, hall_id: int) -> HttpResponse:
    hall = get_object_or_404(Hall, pk=hall_id)
    seat_form, chosen = _seat_form(hall, int_or_none(request.GET.get("seat", "")))
    if request.method != "POST" and request.headers.get("HX-Request") and chosen is not None:
        # A seat clicked in the preview (htmx): only its form, in place of the empty one.
        return render(request, "backoffice/_seat_edit.html", {"hall": hall, "seat_form": seat_form, "chosen": chosen})
    initial, exceptions, seat_map = _current_layout(hall)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        formset = RowFormSet(request.POST, prefix="rows")
        if formset.is_valid() and rows_from_formset(formset) == _as_specs(initial):
            # Saving an untouched layout would only reset seats that differ from their row.
            messages.info(request, _("Nothing changed in the rows; the layout is as it was."))
            return redirect("backoffice:hall", hall_id=hall.pk)
        if formset.is_valid():
            try:
                hall = hall_set_layout(hall_id=hall.pk, rows=rows_from_formset(formset), staff_user=request.user)
            except DomainError as error:
                problems = error_lines(error)
                status = 409 if error.status == 409 else 422
            else:
                messages.success(
                    request,
                    ngettext(
                        "Saved the layout of %(hall)s: %(count)d seat.",
                        "Saved the layout of %(hall)s: %(count)d seats.",
                        hall.capacity,
                    )
                    % {"hall": hall.name, "count": hall.capacity},
                )
                return redirect("backoffice:hall", hall_id=hall.pk)
        else:
            status = 422
        preview = preview_rows(rows_from_formset(formset), _zone_marks(seat_map)) if formset.is_valid() else seat_map
    else:
        formset = RowFormSet(initial=initial, prefix="rows")
        preview = seat_map
    context = {
        "hall": hall,
        "formset": formset,
        "preview": preview,
        "exceptions": exceptions,
        "problems": problems,
        "seat_form": seat_form,
        "chosen": chosen,
        "editable": request.method != "POST",
    }
    return render(request, "backoffice/hall_layout.html", context, status=status)


@staff_page(HALLS)
@require_POST
def hall_preview(request: HttpRequest, hall_id: int) -> HttpResponse:
    """The seat map as it would look with the rows being edited (htmx, nothing saved)."""
    hall = get_object_or_404(Hall, pk=hall_id)
    formset = RowFormSet(request.POST, prefix="rows")
    rows = rows_from_formset(formset) if formset.is_valid() else []
    zone = dict(((row, n), marked) for row, n, marked in hall_zone_marks(hall))
    context = {
        "hall": hall,
        "preview": preview_rows(rows, zone),
        "valid": formset.is_valid(),
        "total": sum(r.seats for r in rows),
    }
    return render(request, "backoffice/_layout_preview.html", context)


@staff_page(HALLS)
@require_POST
def hall_seat(request: HttpRequest, hall_id: int) -> HttpResponse:
    """Give one seat its own type or price, different from its row's, or move it in or out
    of the best seats zone."""
    hall = get_object_or_404(Hall, pk=hall_id)
    form = SeatForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}")
        return redirect("backoffice:hall", hall_id=hall.pk)
    d = form.cleaned_data
    seat = seat_at(hall, row=d["row"], seat=d["seat"])
    if seat is None:
        messages.error(
            request,
            _("%(hall)s has no seat %(seat)s in row %(row)s.")
            % {"hall": hall.name, "seat": d["seat"], "row": d["row"]},
        )
        return redirect("backoffice:hall", hall_id=hall.pk)
    try:
        seat_update(
            seat_id=seat.pk,
            seat_type=d["type"],
            base_price=d.get("base_price"),
            best_zone=form.best_zone(),
            staff_user=request.user,
        )
    except DomainError as error:
        say_error(request, error)
    else:
        said = {
            None: _("Row %(row)s, seat %(seat)s is now %(type)s."),
            True: _("Row %(row)s, seat %(seat)s is now %(type)s, in the best seats zone."),
            False: _("Row %(row)s, seat %(seat)s is now %(type)s, outside the best seats zone."),
        }[form.best_zone()]
        messages.success(request, said % {"row": d["row"], "seat": d["seat"], "type": SeatType(d["type"]).label})
    return redirect("backoffice:hall", hall_id=hall.pk)
