"""Bookings at the box office: find one, read it, take payment, cancel, resend tickets."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from marquee.backoffice.access import BOOKINGS, staff_page
from marquee.backoffice.feedback import say_error
from marquee.backoffice.forms import BookingSearchForm
from marquee.booking.selectors import booking_by_reference, booking_seats_with_seat, bookings_search
from marquee.booking.services import booking_resend
from marquee.booking.tokens import normalise_reference
from marquee.core.errors import DomainError
from marquee.core.money import money_text
from marquee.notifications.selectors import booking_mails
from marquee.payments.services import booking_cancel, payment_record_box_office, refund_create
from marquee.scheduling.selectors import showtime_find

RESULTS_LIMIT = 100


@staff_page(BOOKINGS)
@require_safe
def booking_list(request: HttpRequest) -> HttpResponse:
    form = BookingSearchForm(request.GET or None)
    showtime = None
    searched = False
    q, showtime_id = "", None
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        showtime_id = form.cleaned_data.get("showtime") or None
        searched = bool(q or showtime_id)
        if showtime_id:
            showtime = showtime_find(showtime_id)
    bookings = list(bookings_search(q=q, showtime_id=showtime_id)[: RESULTS_LIMIT + 1])
    if searched and len(bookings) == 1 and form.cleaned_data["q"] and not form.cleaned_data.get("showtime"):
        return redirect("backoffice:booking", reference=bookings[0].reference)
    return render(
        request,
        "backoffice/bookings.html",
        {
            "form": form,
            "bookings": bookings[:RESULTS_LIMIT],
            "more": len(bookings) > RESULTS_LIMIT,
            "searched": searched,
            "showtime": showtime,
        },
    )


@staff_page(BOOKINGS)
@require_safe
def booking_detail(request: HttpRequest, reference: str) -> HttpResponse:
    booking = booking_by_reference(normalise_reference(reference))
    if booking is None:
        raise Http404
    seats = booking_seats_with_seat(booking)
    mails = booking_mails(booking.pk, limit=20)
    return render(request, "backoffice/booking.html", {"booking": booking, "seats": seats, "mails": mails})


def _act(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    user = request.user
    try:
        if action == "pay":
            method = request.POST.get("method", "cash")
            payment_record_box_office(reference=reference, method=method, staff_user=user)
            messages.success(
                request, _("%(reference)s is paid; the tickets are on their way by email.") % {"reference": reference}
            )
        elif action == "cancel":
            booking_cancel(
                reference=reference,
                by_staff=True,
                # An amount typed in wins over the radio buttons.
                refund=request.POST.get("refund_amount", "").strip() or request.POST.get("refund", "full"),
                reason=request.POST.get("reason", ""),
                staff_user=user,
            )
            messages.success(
                request, _("%(reference)s is cancelled and its seats are free again.") % {"reference": reference}
            )
        elif action == "refund":
            refund = refund_create(
                reference=reference,
                amount=request.POST.get("amount", ""),
                reason=request.POST.get("reason", ""),
                staff_user=user,
            )
            messages.success(
                request,
                _("Refund of %(amount)s for %(reference)s: %(status)s.")
                % {"amount": money_text(refund.amount), "reference": reference, "status": refund.get_status_display()},
            )
        else:
            booking_resend(reference=reference, staff_user=user)
            messages.success(
                request, _("The tickets of %(reference)s will be emailed again.") % {"reference": reference}
            )
    except DomainError as error:
        say_error(request, error)
    return redirect("backoffice:booking", reference=reference)


@staff_page(BOOKINGS)
@require_POST
def booking_pay(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "pay")


@staff_page(BOOKINGS)
@require_POST
def booking_cancel_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "cancel")


@staff_page(BOOKINGS)
@require_POST
def booking_refund_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "refund")


@staff_page(BOOKINGS)
@require_POST
def booking_resend_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "resend")
