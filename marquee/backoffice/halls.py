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
from marquee.backoffice.forms import HallCreateForm, RowFormSet, SeatForm, rows_from_formset
from marquee.core.errors import DomainError
from marquee.venues.models import Hall, Seat, SeatType
from marquee.venues.selectors import hall_numbers_taken, hall_seats, halls_with_counts, seat_at
from marquee.venues.services import RowSpec, hall_create, hall_set_layout, seat_update


@dataclass(frozen=True)
class PreviewSeat:
    """Quacks like a Seat for the seat-map template, without touching the database."""

    seat_number: int
    seat_type: str

    def get_seat_type_display(self) -> str:
        return str(SeatType(self.seat_type).label) if self.seat_type in SeatType.values else self.seat_type


@dataclass(frozen=True)
class PreviewState:
    seat: PreviewSeat
    price: Decimal
    status: str = "free"


def preview_rows(rows: list[RowSpec]) -> list[tuple[int, list[PreviewState]]]:
    return [
        (r.row, [PreviewState(PreviewSeat(n, r.type), r.base_price) for n in range(1, r.seats + 1)])
        for r in sorted(rows, key=lambda r: r.row)
    ]


def _current_layout(hall: Hall) -> tuple[list[dict[str, Any]], list[Seat], list[tuple[int, list[Any]]]]:
    """The hall as rows (each row's most common type and price), the seats that differ
    from their row, and the seat map as the customer sees it. One query."""
    seats = hall_seats(hall)
    by_row: dict[int, list[Seat]] = {}
    for seat in seats:
        by_row.setdefault(seat.row_number, []).append(seat)
    initial: list[dict[str, Any]] = []
    exceptions: list[Seat] = []
    for row, row_seats in sorted(by_row.items()):
        kind = Counter(s.seat_type for s in row_seats).most_common(1)[0][0]
        price = Counter(s.base_price for s in row_seats).most_common(1)[0][0]
        initial.append({"row": row, "seats": max(s.seat_number for s in row_seats), "type": kind, "base_price": price})
        exceptions.extend(s for s in row_seats if s.seat_type != kind or s.base_price != price)
    seat_map = [(row, [PreviewState(s, s.base_price) for s in row_seats]) for row, row_seats in sorted(by_row.items())]  # type: ignore[arg-type]
    return initial, exceptions, seat_map


def _as_specs(initial: list[dict[str, Any]]) -> list[RowSpec]:
    return [RowSpec(row=r["row"], seats=r["seats"], type=r["type"], base_price=r["base_price"]) for r in initial]


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
        preview = preview_rows(rows_from_formset(formset)) if formset.is_valid() else seat_map
    else:
        formset = RowFormSet(initial=initial, prefix="rows")
        preview = seat_map
    context = {
        "hall": hall,
        "formset": formset,
        "preview": preview,
        "exceptions": exceptions,
        "problems": problems,
        "seat_form": SeatForm(),
    }
    return render(request, "backoffice/hall_layout.html", context, status=status)


@staff_page(HALLS)
@require_POST
def hall_preview(request: HttpRequest, hall_id: int) -> HttpResponse:
    """The seat map as it would look with the rows being edited (htmx, nothing saved)."""
    hall = get_object_or_404(Hall, pk=hall_id)
    formset = RowFormSet(request.POST, prefix="rows")
    rows = rows_from_formset(formset) if formset.is_valid() else []
    return render(
        request,
        "backoffice/_layout_preview.html",
        {"hall": hall, "preview": preview_rows(rows), "valid": formset.is_valid(), "total": sum(r.seats for r in rows)},
    )


@staff_page(HALLS)
@require_POST
def hall_seat(request: HttpRequest, hall_id: int) -> HttpResponse:
    """Give one seat its own type or price, different from its row's."""
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
        seat_update(seat_id=seat.pk, seat_type=d["type"], base_price=d.get("base_price"), staff_user=request.user)
    except DomainError as error:
        say_error(request, error)
    else:
        messages.success(
            request,
            _("Row %(row)s, seat %(seat)s is now %(type)s.")
            % {"row": d["row"], "seat": d["seat"], "type": SeatType(d["type"]).label},
        )
    return redirect("backoffice:hall", hall_id=hall.pk)
