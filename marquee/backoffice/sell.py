"""The counter sale at /staff/sell/: the showtimes on sale (today's first), a showtime's seat
map with the sale form, and the sale's page with its printouts (tickets on 80 mm thermal paper
or A4, and a receipt).

Two seats are sold in three actions after choosing the showtime: tick a seat, tick a seat,
press "Cash" (or "Card terminal"). The seat map is the public site's (markup, seat states and
script: marquee.public.seatmap, public/_seat_grid.html, public/seatmap.js), so it works with
a mouse, a finger and the keyboard alike. The sale itself is one service call
(marquee.payments.counter.counter_sell).
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from marquee.backoffice.access import BOOKINGS, staff_page
from marquee.backoffice.sell_pdf import receipt_pdf, tickets_80mm_pdf, tickets_a4_pdf
from marquee.booking.counter import counter_sales_close_at, counter_sales_open, counter_showtimes
from marquee.booking.models import Booking, BookingStatus, Channel
from marquee.booking.selectors import FREE, booking_sold, seats_free, showtime_seat_map
from marquee.core.clock import local_today
from marquee.core.clock import now as clock_now
from marquee.core.errors import DomainError, SeatsUnavailable, SingleSeatGap, ValidationFailed, in_language
from marquee.payments.counter import counter_sell
from marquee.payments.voucher_money import voucher_amount
from marquee.pricing.models import TicketType
from marquee.pricing.ticket_types import ticket_types_on_sale
from marquee.public.seatmap import legend, seat_map_version, seat_rows
from marquee.scheduling.models import Showtime
from marquee.scheduling.selectors import showtime_find
from marquee.venues.models import WHEELCHAIR_TYPES
from marquee.venues.selectors import hall_seats_by_id


@staff_page(BOOKINGS)
@require_safe
def sell_list(request: HttpRequest) -> HttpResponse:
    days = counter_showtimes()
    for day in days:
        for show in day.showtimes:
            show.free = seats_free(show)  # type: ignore[attr-defined]
    context = {"days": days, "today": local_today(), "late_minutes": settings.BOX_OFFICE_SALES_MINUTES_AFTER_START}
    return render(request, "backoffice/sell_list.html", context)


def _showtime(showtime_id: int) -> Showtime:
    found = showtime_find(showtime_id)
    if found is None:
        raise Http404("No such showtime.")
    return found


def _selected(values: list[str]) -> set[int]:
    return {int(v) for v in values if v.isdigit() and len(v) < 19}


def _map_context(showtime: Showtime, selected: set[int]) -> dict[str, Any]:
    seat_map = showtime_seat_map(showtime)
    on_sale = counter_sales_open(showtime, clock_now())
    free = {state.seat.pk for state in seat_map.seats if state.status == FREE}
    return {
        "showtime": showtime,
        "seat_map": seat_map,
        "on_sale": on_sale,
        "closes_at": counter_sales_close_at(showtime),
        "rows": seat_rows(seat_map, selected=selected & free, on_sale=on_sale),
        "version": seat_map_version(seat_map, on_sale=on_sale),
        "lost": [state for state in seat_map.seats if state.seat.pk in selected - free],
        "legend": legend(seat_map),
        "max_seats": settings.MAX_SEATS_PER_BOOKING,
        # Staff may sell these at any time; the page says whom they are for.
        "has_wheelchair_places": any(state.seat.seat_type in WHEELCHAIR_TYPES for state in seat_map.seats),
        "accessible_minutes": settings.ACCESSIBLE_RELEASE_MINUTES,
    }


def _types_by_seat(data: QueryDict, offered: list[TicketType], seat_ids: list[int]) -> list[str]:
    """One type code per seat (in `seat_ids`' order) from the counts the cashier typed ("2 Child,
    1 Student"): the first seats take the counted types, in the types' order, the rest the default.
    ValidationFailed when the counts pass the seats or are not whole numbers."""
    codes: list[str] = []
    for kind in offered:
        raw = data.get(f"count_{kind.code}", "").strip() or "0"
        if not raw.isdigit() or len(raw) > 3:
            raise ValidationFailed(
                _("Some fields are not valid."), fields={"ticket_types": [_("Give each count as a whole number.")]}
            )
        codes += [kind.code] * int(raw)
    if len(codes) > len(seat_ids):
        raise ValidationFailed(
            _("Some fields are not valid."),
            fields={"ticket_types": [_("More tickets by type than seats chosen: tick more seats or lower a count.")]},
        )
    return codes + [""] * (len(seat_ids) - len(codes))


def _seat_names(showtime: Showtime, seat_ids: list[int]) -> str:
    seats = hall_seats_by_id(showtime.hall, seat_ids)
    return "; ".join(_("row %(row)s, seat %(n)s") % {"row": s.row_number, "n": s.seat_number} for s in seats)


@staff_page(BOOKINGS)
@require_http_methods(["GET", "HEAD", "POST"])
def sell_showtime(request: HttpRequest, showtime_id: int) -> HttpResponse:
    showtime = _showtime(showtime_id)
    errors: dict[str, list[str]] = {}
    problem = ""
    gap: list[int] = []  # a gap-free choice of as many seats, when the sale would leave a single seat
    selected = _selected(request.POST.getlist("seat")) if request.method == "POST" else set()
    offered = [t for t in ticket_types_on_sale(age_rating=showtime.movie.age_rating) if not t.is_default]
    if request.method == "POST":
        try:
            seat_ids = sorted(selected)
            booking = counter_sell(
                showtime_id=showtime.pk,
                seat_ids=seat_ids,
                ticket_types=_types_by_seat(request.POST, offered, seat_ids),
                method=request.POST.get("method", ""),
                staff_user=request.user,  # type: ignore[arg-type]
                email=request.POST.get("email", ""),
                name=request.POST.get("name", ""),
                comp_reason=request.POST.get("comp_reason", ""),
                language=get_language() or "",
                promo_code=request.POST.get("promo_code", ""),
                voucher_code=request.POST.get("voucher_code", "").strip()[:64],
                allow_gap=request.POST.get("allow_gap") == "on",
            )
        except SingleSeatGap as error:
            gap = [int(pk) for pk in error.extra.get("suggestion") or []]
            problem = _(
                "These seats leave a single empty seat on its own. Seats that leave none: %(seats)s. "
                "Choose those, or tick “Sell anyway” and sell these."
            ) % {"seats": _seat_names(showtime, gap)}
        except SeatsUnavailable as error:
            taken = list(error.extra.get("seat_ids", []))
            problem = _("Just taken by someone else: %(seats)s. Choose other seats.") % {
                "seats": _seat_names(showtime, taken)
            }
            selected -= set(taken)
        except DomainError as error:
            problem = in_language(error.detail)
            errors = {field: [in_language(p) for p in problems] for field, problems in (error.fields or {}).items()}
        else:
            return redirect("backoffice:sell_done", reference=booking.reference)
    context = _map_context(showtime, selected)
    context.update(
        {
            "problem": problem,
            "errors": errors,
            "email": request.POST.get("email", "").strip()[:254],
            "name": request.POST.get("name", "").strip()[:200],
            "comp_reason": request.POST.get("comp_reason", "").strip()[:200],
            "promo_code": request.POST.get("promo_code", "").strip()[:40],
            "offered": [(t, request.POST.get(f"count_{t.code}", "")[:3]) for t in offered],
            "voucher_code": request.POST.get("voucher_code", "").strip()[:64],
            "gap": gap,
        }
    )
    status = 422 if problem else 200
    return render(request, "backoffice/sell.html", context, status=status)


@staff_page(BOOKINGS)
@require_safe
def sell_seats(request: HttpRequest, showtime_id: int) -> HttpResponse:
    """The seat grid alone, for htmx polling: fresh states, the ticked seats kept."""
    context = _map_context(_showtime(showtime_id), _selected(request.GET.getlist("seat")))
    if request.GET.get("v") == context["version"]:
        response = HttpResponse(status=204)
    else:
        context["oob"] = True
        response = render(request, "public/_seat_grid.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _sold(reference: str) -> Booking:
    booking = booking_sold(reference)
    if booking is None:
        raise Http404("No such booking.")
    return booking


@staff_page(BOOKINGS)
@require_safe
def sell_done(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _sold(reference)
    if booking.status != BookingStatus.PAID:
        messages.error(request, _("This booking is not paid: it has no tickets to print."))
        return redirect("backoffice:booking", reference=booking.reference)
    return render(
        request,
        "backoffice/sell_done.html",
        {
            "booking": booking,
            "seats": list(booking.seats.all()),
            "box_office": booking.channel == Channel.BOX_OFFICE,
            # What a gift voucher paid: the till took only the rest.
            "voucher_amount": (paid_by_voucher := voucher_amount(booking.pk)),
            "to_take": booking.total_price - paid_by_voucher,
        },
    )


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _printable(reference: str) -> Booking:
    booking = _sold(reference)
    if booking.status != BookingStatus.PAID:
        raise Http404("Only a paid booking has tickets.")
    return booking


@staff_page(BOOKINGS)
@require_safe
def sell_tickets_80mm(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _printable(reference)
    return _pdf(tickets_80mm_pdf(booking), f"tickets-{booking.reference}-80mm.pdf")


@staff_page(BOOKINGS)
@require_safe
def sell_tickets_a4(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _printable(reference)
    return _pdf(tickets_a4_pdf(booking), f"tickets-{booking.reference}-a4.pdf")


@staff_page(BOOKINGS)
@require_safe
def sell_receipt(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _printable(reference)
    return _pdf(receipt_pdf(booking), f"receipt-{booking.reference}.pdf")
