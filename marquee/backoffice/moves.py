"""Keeping seats back on a showtime, and moving a paid booking (choose a showtime, then
seats, then confirm with the price difference). Plain forms: every step works without
JavaScript, with the keyboard, and on a phone."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from marquee.backoffice.access import BOOKINGS, SCHEDULE, staff_page
from marquee.backoffice.feedback import error_lines
from marquee.backoffice.query import int_or_none
from marquee.booking.house_seats import seats_block, seats_release, showtime_blocks
from marquee.booking.models import BlockReason, Booking, BookingStatus
from marquee.booking.moves import move_quote, move_targets
from marquee.booking.selectors import (
    FREE,
    SeatMap,
    booking_by_reference,
    booking_paid_seat_count,
    booking_paid_seat_ids,
    showtime_seat_map,
)
from marquee.core.errors import DomainError
from marquee.payments.moves import booking_move
from marquee.scheduling.models import Showtime
from marquee.scheduling.selectors import showtime_find


@dataclass(frozen=True)
class PickCell:
    pk: int
    number: int
    column: int
    label: str
    css: str  # seat type and state classes
    checked: bool
    disabled: bool


@dataclass(frozen=True)
class PickRow:
    number: int
    label: str
    cells: list[PickCell]


def _state_label(status: str, kept: bool) -> str:
    if kept:
        return _("kept back")
    return {"free": _("free"), "held": _("held"), "sold": _("sold")}.get(status, status)


def picker_rows(
    seat_map: SeatMap, *, selectable: Any, checked: set[int], own: frozenset[int] = frozenset()
) -> list[PickRow]:
    """The seat map as rows of checkboxes; `selectable(state)` says which may be chosen, and
    `own` are the booking's own seats (choosable again)."""
    rows = []
    for number, states in seat_map.rows:
        cells = []
        for state in states:
            seat = state.seat
            mine = seat.pk in own
            status = "mine" if mine else ("kept" if state.kept else state.status)
            label = _("Row %(row)s, seat %(seat)s, %(type)s, %(state)s") % {
                "row": number,
                "seat": seat.seat_number,
                "type": seat.get_seat_type_display(),
                "state": _("this booking's") if mine else _state_label(state.status, state.kept),
            }
            cells.append(
                PickCell(
                    pk=seat.pk,
                    number=seat.seat_number,
                    column=seat.column + 1,
                    label=label,
                    css=f"seat-{seat.seat_type} pick-{status}",
                    checked=seat.pk in checked,
                    disabled=not (mine or selectable(state)),
                )
            )
        rows.append(PickRow(number=number, label=_("Row %(row)s") % {"row": number}, cells=cells))
    return rows


# --- house seats --------------------------------------------------------------------------------


def house_seats_context(showtime: Showtime, seat_map: SeatMap) -> dict[str, Any]:
    """What the showtime page's house-seats section needs (see backoffice/_house_seats.html)."""
    return {
        "house_rows": picker_rows(seat_map, selectable=lambda s: s.status == FREE or s.kept, checked=set()),
        "house_blocks": showtime_blocks(showtime.pk),
        "house_reasons": BlockReason.choices,
        "house_cols": seat_map.max_seat_number,
    }


def _seat_ids(request: HttpRequest) -> list[int]:
    return [n for n in (int_or_none(v) for v in request.POST.getlist("seat") or request.GET.getlist("seat")) if n]


@staff_page(SCHEDULE, BOOKINGS)
@require_POST
def house_seats(request: HttpRequest, showtime_id: int) -> HttpResponse:
    showtime = get_object_or_404(Showtime, pk=showtime_id)
    seat_ids = _seat_ids(request)
    note = request.POST.get("note", "")
    try:
        if request.POST.get("action") == "release":
            released = seats_release(showtime_id=showtime.pk, seat_ids=seat_ids, note=note, staff_user=request.user)
            messages.success(request, _("%(count)s seats are on sale again.") % {"count": len(released)})
        else:
            kept = seats_block(
                showtime_id=showtime.pk,
                seat_ids=seat_ids,
                reason=request.POST.get("reason", ""),
                note=note,
                staff_user=request.user,
            )
            messages.success(request, _("%(count)s seats kept back.") % {"count": len(kept)})
    except DomainError as error:
        for line in error_lines(error):
            messages.error(request, line)
    return redirect("backoffice:showtime", showtime_id=showtime.pk)


# --- moving a booking ---------------------------------------------------------------------------


def _booking(reference: str) -> Booking:
    booking = booking_by_reference(reference.upper())
    if booking is None:
        raise Http404
    return booking


@staff_page(BOOKINGS)
@require_http_methods(["GET", "HEAD", "POST"])
def booking_move_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Step 1 (no showtime): choose the showtime; step 2 (a showtime): choose the seats;
    step 3 (a showtime and seats): confirm, with the difference and how it is settled."""
    booking = _booking(reference)
    source = request.POST if request.method == "POST" else request.GET
    showtime_id = int_or_none(source.get("showtime"))
    seat_ids = _seat_ids(request)
    context: dict[str, Any] = {
        "booking": booking,
        "seat_count": booking_paid_seat_count(booking),
    }
    if booking.status != BookingStatus.PAID:
        messages.error(request, _("Only a paid booking can be moved."))
        return redirect("backoffice:booking", reference=booking.reference)
    if showtime_id is None:
        context["targets"] = move_targets(booking=booking)
        return render(request, "backoffice/booking_move.html", context | {"step": 1})
    showtime = showtime_find(showtime_id)
    if showtime is None:
        raise Http404
    context["target"] = showtime
    if request.method == "POST":
        try:
            booking_move(
                reference=booking.reference,
                showtime_id=showtime.pk,
                seat_ids=seat_ids,
                staff_user=request.user,
                reason=request.POST.get("reason", ""),
                method=request.POST.get("method") or None,
            )
        except DomainError as error:
            context["problems"] = error_lines(error)
            return _seats_step(request, context, booking, showtime, seat_ids, status=error.status)
        messages.success(request, _("Booking moved; the customer is sent the new tickets."))
        return redirect("backoffice:booking", reference=booking.reference)
    if seat_ids and len(seat_ids) == context["seat_count"]:
        quote = move_quote(booking=booking, showtime_id=showtime.pk, seat_ids=seat_ids)
        context |= {"quote": quote, "seat_ids": seat_ids, "refund": -quote.difference, "step": 3}
        context["chosen"] = [s for s in showtime_seat_map(showtime).seats if s.seat.pk in set(seat_ids)]
        return render(request, "backoffice/booking_move.html", context)
    if seat_ids:
        context["problems"] = [
            _("Choose %(count)s seats, as many as the booking has.") % {"count": context["seat_count"]}
        ]
    return _seats_step(request, context, booking, showtime, seat_ids)


def _seats_step(
    request: HttpRequest,
    context: dict[str, Any],
    booking: Booking,
    showtime: Showtime,
    seat_ids: list[int],
    status: int = 200,
) -> HttpResponse:
    seat_map = showtime_seat_map(showtime)
    mine = booking_paid_seat_ids(booking)
    own = mine if showtime.pk == booking.showtime_id else set()
    chosen = set(seat_ids) or own
    rows = picker_rows(
        seat_map, selectable=lambda s: s.status == FREE and not s.kept, checked=chosen, own=frozenset(own)
    )
    context |= {"step": 2, "rows": rows, "cols": seat_map.max_seat_number, "zero": Decimal("0.00")}
    return render(request, "backoffice/booking_move.html", context, status=status)
