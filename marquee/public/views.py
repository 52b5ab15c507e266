"""The public site: listing, movie, schedule, seat map, checkout, bookings.

Each view parses input, calls one service or selector, and turns a DomainError into a
message. The booking service is the only writer of bookings.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from marquee.booking import selectors as booking_selectors
from marquee.booking import services
from marquee.booking.links import booking_for_manage_token
from marquee.booking.models import Booking, BookingStatus
from marquee.booking.seating import SINGLE_SEAT_GAP_WARNING, best_seats, wheelchair_released
from marquee.booking.sign_in import (
    SignInLinkExpired,
    SignInLinkUsed,
    sign_in_link_check,
    sign_in_link_send,
    sign_in_link_use,
)
from marquee.booking.tokens import normalise_reference
from marquee.core.client import client_address
from marquee.core.clock import MAX_YEAR, MIN_YEAR, local_today
from marquee.core.clock import now as clock_now
from marquee.core.errors import (
    CancelWindowClosed,
    DomainError,
    InvalidState,
    NotFound,
    RateLimited,
    SalesClosed,
    SeatsUnavailable,
    SingleSeatGap,
    ValidationFailed,
    WheelchairOnly,
    in_language,
)
from marquee.core.money import money_text
from marquee.payments import services as payments
from marquee.payments.checkout import checkout_hold
from marquee.payments.models import PaymentStatus
from marquee.payments.providers.base import ProviderUnavailable
from marquee.payments.providers.registry import BOX_OFFICE_PROVIDERS, enabled_names, get_provider
from marquee.payments.selectors import booking_money
from marquee.payments.voucher_money import amount_due, voucher_amount_of
from marquee.pricing.models import Tariff, TicketType
from marquee.pricing.prices import seat_price
from marquee.pricing.ticket_types import ticket_types_on_sale
from marquee.public import selectors
from marquee.public.forms import BestSeatsForm, CheckoutForm, EmailForm, SeatChoiceForm
from marquee.public.posters import poster_etag, poster_svg
from marquee.public.seatmap import cached_seat_map_page, seat_map_page, seat_map_version, seat_rows
from marquee.public.templatetags.marquee_public import money as money_filter
from marquee.public.waiting_room import queue_gate
from marquee.scheduling.models import Showtime, ShowtimeStatus
from marquee.venues.models import WHEELCHAIR_TYPES, SeatType

SESSION_TOKENS = "public.booking_tokens"
SESSION_KEYS = "public.booking_link_keys"
SESSION_CUSTOMER = "public.customer_id"
KEEP_TOKENS = 20


# --- helpers ---------------------------------------------------------------------------


def _int_or_none(raw: str | None) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _date_or_today(raw: str | None) -> dt.date:
    try:
        day = dt.date.fromisoformat(raw) if raw else local_today()
    except ValueError:
        return local_today()
    return day if MIN_YEAR <= day.year <= MAX_YEAR else local_today()


def _remember(request: HttpRequest, store: str, reference: str, secret: str) -> None:
    """Keep a booking's token (or email-link key) in the session, for the last few bookings."""
    secrets: dict[str, str] = dict(request.session.get(store, {}))
    secrets.pop(reference, None)
    secrets[reference] = secret
    request.session[store] = dict(list(secrets.items())[-KEEP_TOKENS:])


def _booking_by_secret(reference: str, *, token: str = "", key: str = "") -> Booking | None:
    try:
        if token:
            return services.booking_for_token(reference=reference, token=token)
        if key:
            return booking_for_manage_token(reference, key)
    except NotFound:
        return None
    return None


def _booking_or_404(request: HttpRequest, reference: str) -> Booking:
    """The booking, if this visitor may see it: by its secret token (from checkout or a
    link), by the key of the emailed link, or as the signed-in customer whose booking it
    is. Otherwise 404, the same as for a booking that does not exist."""
    ref = normalise_reference(reference)
    link_token, link_key = request.GET.get("token", ""), request.GET.get("key", "")
    if link_token or link_key:
        booking = _booking_by_secret(ref, token=link_token, key=link_key)
        if booking is None:
            raise Http404
        if link_token:
            _remember(request, SESSION_TOKENS, booking.reference, link_token)
        else:
            _remember(request, SESSION_KEYS, booking.reference, link_key)
        return booking
    booking = _booking_by_secret(
        ref,
        token=request.session.get(SESSION_TOKENS, {}).get(ref, ""),
        key=request.session.get(SESSION_KEYS, {}).get(ref, ""),
    )
    if booking is not None:
        return booking
    customer_id = request.session.get(SESSION_CUSTOMER)
    if customer_id:
        found = selectors.booking_for_customer(reference=ref, customer_id=customer_id)
        if found is not None:
            return found
    raise Http404


def _seat_names(seat_ids: list[int]) -> str:
    return ", ".join(
        _("row %(row)s, seat %(seat)s") % {"row": seat.row_number, "seat": seat.seat_number}
        for seat in selectors.seats_by_id(seat_ids)
    )


def _seats_by_row(seat_ids: list[int]) -> str:
    """Seats named row by row ("row 5, seats 6, 7, 8; row 6, seat 7"), for the seating messages."""
    rows: dict[int, list[int]] = {}
    for seat in selectors.seats_by_id(seat_ids):
        rows.setdefault(seat.row_number, []).append(seat.seat_number)
    return "; ".join(
        ngettext("row %(row)s, seat %(seats)s", "row %(row)s, seats %(seats)s", len(numbers))
        % {"row": row, "seats": ", ".join(str(n) for n in numbers)}
        for row, numbers in rows.items()
    )


def _showtime_or_404(showtime_id: int) -> Showtime:
    # A showtime of a listed movie, scheduled or not (the page says which); the seat map counts for itself.
    showtime = booking_selectors.showtime_public(showtime_id, with_counts=False)
    if showtime is None:
        raise Http404
    return showtime


def _selected(request: HttpRequest) -> set[int]:
    return {n for n in (_int_or_none(v) for v in request.GET.getlist("seat")) if n is not None}


# --- listing, movie, schedule ----------------------------------------------------------


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    genre_id = _int_or_none(request.GET.get("genre"))
    all_genres = selectors.listed_genres()
    current = next((g for g in all_genres if g.pk == genre_id), None)
    shown = selectors.presentation_filter(request.GET.get("format"), request.GET.get("language"))
    # Lazy: when the template reuses a cached programme, the listing is never read.
    afisha = SimpleLazyObject(
        lambda: selectors.listing(
            genre_id=current.pk if current else None,
            format_code=shown.format_code,
            language_code=shown.language_code,
        )
    )
    return render(
        request,
        "public/home.html",
        {
            "listing": afisha,
            "genres": all_genres,
            "genre": current,
            "shown": shown,
            "days": selectors.day_strip(),
            "today": local_today(),
        },
    )


@require_safe
def poster(request: HttpRequest, movie_id: int) -> HttpResponse:
    found = selectors.movie_title(movie_id)
    if found is None:
        raise Http404
    title, year = found
    etag = f'"{poster_etag(title, year)}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=86400"}
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified(headers=headers)
        return response
    return HttpResponse(poster_svg(title, year), content_type="image/svg+xml; charset=utf-8", headers=headers)


@require_safe
def movie(request: HttpRequest, movie_id: int) -> HttpResponse:
    found = selectors.movie_detail(movie_id)
    if found is None:
        raise Http404
    film, days = found
    return render(request, "public/movie.html", {"movie": film, "days": days})


@require_safe
def schedule(request: HttpRequest) -> HttpResponse:
    day = _date_or_today(request.GET.get("date"))
    shown = selectors.presentation_filter(request.GET.get("format"), request.GET.get("language"))
    timeline = SimpleLazyObject(  # unread when the page is cached
        lambda: selectors.day_timeline(day, format_code=shown.format_code, language_code=shown.language_code)
    )
    return render(
        request,
        "public/schedule.html",
        {
            "timeline": timeline,
            "shown": shown,
            "day": day,
            "days": selectors.day_strip(),
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
        },
    )


# --- seat map and checkout -------------------------------------------------------------


def _askable_types() -> list[tuple[str, str]]:
    """The types a buyer may ask the best seats of: wheelchair spaces and companion seats come
    with the "I need a wheelchair space" box instead."""
    return [(value, str(label)) for value, label in SeatType.choices if value not in WHEELCHAIR_TYPES]


def _seat_map_context(request: HttpRequest, showtime: Showtime, selected: set[int]) -> dict[str, object]:
    seat_map = booking_selectors.showtime_seat_map(showtime)
    on_sale = _on_sale(showtime)
    free = {state.seat.pk for state in seat_map.seats if state.status == booking_selectors.FREE}
    lost = sorted(selected - free)
    return {
        "showtime": showtime,
        "seat_map": seat_map,
        "on_sale": on_sale,
        "rows": seat_rows(seat_map, selected=selected & free, on_sale=on_sale),
        "version": seat_map_version(seat_map, on_sale=on_sale),
        "lost": [s for s in seat_map.seats if s.seat.pk in lost],
        "max_seats": settings.MAX_SEATS_PER_BOOKING,
    }


def _on_sale(showtime: Showtime) -> bool:
    return showtime.status == ShowtimeStatus.SCHEDULED and showtime.starts_at > clock_now()


def _accessible_released(showtime: Showtime) -> bool:
    """Unsold wheelchair spaces and companion seats are anyone's this close to the show."""
    return wheelchair_released(showtime.starts_at, clock_now())


def _best_form(data: QueryDict, seat_types: list[tuple[str, str]]) -> BestSeatsForm:
    """The "best seats for N" part of the seat form: bound when the request names a count."""
    if "count" in data or "wheelchair" in data:
        data = data.copy()
        data.setdefault("count", "2")
        return BestSeatsForm(data, seat_types=seat_types)
    return BestSeatsForm(initial={"count": 2}, seat_types=seat_types)


@dataclass(frozen=True)
class BestSuggestion:
    """The seats the site suggests for "best seats for N" (none when no such seats are free)."""

    seat_ids: list[int]
    note: str

    @property
    def ids_text(self) -> str:
        return ",".join(str(pk) for pk in self.seat_ids)


def _best_suggestion(showtime: Showtime, form: BestSeatsForm) -> BestSuggestion | None:
    """The best seats for the count (and type) the buyer asked for, or None when the form
    did not ask (or asked for nonsense). Read-only: the checkout holds them."""
    if not form.is_bound or not form.is_valid() or not form.cleaned_data["count"]:
        return None
    count: int = form.cleaned_data["count"]
    seat_type = form.cleaned_data["seat_type"] or None
    found = best_seats(showtime.pk, count, seat_type, wheelchair=form.cleaned_data["wheelchair"])
    if not found:
        return BestSuggestion(
            [],
            ngettext(
                "Sorry, there is no free seat of that kind for this showtime.",
                "Sorry, there are not %(count)d free seats of that kind for this showtime.",
                count,
            )
            % {"count": count},
        )
    note = ngettext(
        "The best seat for you: %(seats)s. Continue to hold it, or tick another seat.",
        "The best %(count)d seats for you: %(seats)s. Continue to hold them, or tick other seats.",
        len(found),
    ) % {"count": len(found), "seats": _seats_by_row(found)}
    return BestSuggestion(found, note)


@require_safe
@queue_gate
def showtime(request: HttpRequest, showtime_id: int) -> HttpResponse:
    showtime = _showtime_or_404(showtime_id)
    on_sale = _on_sale(showtime)
    selected = _selected(request)
    page = cached_seat_map_page(showtime, on_sale=on_sale)
    best = _best_form(request.GET, [(e.kind, e.label) for e in page.legend if e.kind not in WHEELCHAIR_TYPES])
    suggestion = _best_suggestion(showtime, best) if on_sale and request.GET.get("action") == "best" else None
    if suggestion is not None:
        selected = set(suggestion.seat_ids)
    if selected:  # back from checkout with seats picked, or the best seats suggested: drawn for this visitor alone
        seat_map = booking_selectors.showtime_seat_map(showtime)
        free = {state.seat.pk for state in seat_map.seats if state.status == booking_selectors.FREE}
        page = seat_map_page(seat_map, on_sale=on_sale, selected=frozenset(selected & free))
    context = {
        "showtime": showtime,
        "on_sale": on_sale,
        "page": page,
        "max_seats": settings.MAX_SEATS_PER_BOOKING,
        "my_holds": selectors.visitor_holds(list(request.session.get(SESSION_TOKENS, {})), showtime_id),
        "best_form": best,
        "suggestion": suggestion,
        "accessible_released": _accessible_released(showtime),
        # Nothing of this visitor's in the legend and the seat form: the page keeps them
        # rendered as long as the seat map is (rendering them cost half the page's CPU).
        "main_cache_seconds": 0 if selected or best.is_bound else settings.SEAT_MAP_CACHE_SECONDS,
    }
    return render(request, "public/showtime.html", context)


@require_safe
@queue_gate
def showtime_seats(request: HttpRequest, showtime_id: int) -> HttpResponse:
    """The seat grid alone, for htmx polling: fresh states, the visitor's picks kept. Asked
    with `action=best`, the grid with the best seats for the count asked ticked instead, and
    the note that names them."""
    if request.GET.get("action") == "best":
        return _no_store(_best_seats_grid(request, _showtime_or_404(showtime_id)))
    asked = request.GET.get("v")
    showtime = _showtime_or_404(showtime_id)
    # Most polls find nothing changed: the cached map's version answers them.
    if asked and asked == cached_seat_map_page(showtime, on_sale=_on_sale(showtime)).version:
        return _no_store(HttpResponse(status=204))  # htmx leaves the page (and the picks) alone
    context = _seat_map_context(request, showtime, _selected(request))
    if asked == context["version"]:
        return _no_store(HttpResponse(status=204))
    context["oob"] = True
    return _no_store(render(request, "public/_seat_grid.html", context))


def _best_seats_grid(request: HttpRequest, showtime: Showtime) -> HttpResponse:
    suggestion = _best_suggestion(showtime, _best_form(request.GET, _askable_types())) if _on_sale(showtime) else None
    picked = set(suggestion.seat_ids) if suggestion else _selected(request)
    context = _seat_map_context(request, showtime, picked)
    context.update({"oob": True, "suggestion": suggestion})
    grid = render_to_string("public/_seat_grid.html", context, request=request)
    note = render_to_string("public/_best_seats_note.html", context, request=request)
    return HttpResponse(grid + note)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@dataclass(frozen=True)
class SeatLine:
    """A chosen seat at checkout, with the ticket types it may be sold as and each one's price."""

    state: booking_selectors.SeatState
    offers: list[tuple[TicketType, Decimal]]
    chosen: str  # the type's code picked (the default unless the buyer picked another)

    @property
    def field(self) -> str:
        return f"type_{self.state.seat.pk}"

    @property
    def price(self) -> Decimal:
        return next((price for t, price in self.offers if t.code == self.chosen), self.state.price)


def _seat_lines(
    showtime: Showtime, tariff: Tariff | None, chosen: list[booking_selectors.SeatState], data: QueryDict
) -> list[SeatLine]:
    """Each chosen seat with the types sold for this film, priced by the one rule; the pick read
    from `data` (`type_<seat id>`), the default where none or a type not offered is named."""
    types = ticket_types_on_sale(age_rating=showtime.movie.age_rating)
    if not any(t.is_default for t in types):
        types = []  # no default to start from (its row is gone): every seat as the seat map prices it
    surcharge = showtime.surcharge
    lines = []
    for state in chosen:
        offers = [(t, seat_price(state.seat.base_price, tariff, t, surcharge)) for t in types]
        picked = data.get(f"type_{state.seat.pk}", "")
        codes = [t.code for t, _price in offers]
        lines.append(SeatLine(state, offers, picked if picked in codes else next(iter(codes), "")))
    return lines


def _hold_error_fields(form: CheckoutForm, error: ValidationFailed) -> None:
    names = {
        "customer.first_name": "first_name",
        "customer.last_name": "last_name",
        "customer.email": "email",
        "customer.phone": "phone",
        "recipient.name": "recipient_name",
        "recipient.email": "recipient_email",
        "gift_message": "gift_message",
        "promo_code": "promo_code",
        "voucher_code": "voucher_code",
    }
    for key, problems in (error.fields or {}).items():
        for problem in problems:
            form.add_error(names.get(key), in_language(problem))
    if not error.fields:
        form.add_error(None, error.detail)


def _hold_limit_message(error: RateLimited) -> str:
    held, maximum = error.extra.get("held", 0), error.extra.get("maximum", 0)
    if error.extra.get("limit") == "seats_per_customer":
        return _(
            "This email already holds %(held)s unpaid seats for this showtime, and one customer may hold at "
            "most %(max)s. Pay for or cancel that booking first, or wait until its hold ends."
        ) % {"held": held, "max": maximum}
    return _(
        "Too many unpaid seats are held from your connection (%(held)s; at most %(max)s at once). Pay for or "
        "cancel a booking first, or wait until its hold ends."
    ) % {"held": held, "max": maximum}


@dataclass(frozen=True)
class CheckoutAsk:
    """What the buyer asks the hold for: these seats, or (`best_count`) the best seats for that
    many of `seat_type`, chosen and held in one transaction; `wheelchair` when they need a
    wheelchair space."""

    seat_ids: list[int]
    best_count: int | None
    seat_type: str | None
    wheelchair: bool


def _checkout_ask(data: QueryDict, seat_ids: list[int]) -> CheckoutAsk:
    # Best seats when the seats sent are the ones the site suggested: a buyer who ticked
    # others (with or without JavaScript) gets those others.
    best = BestSeatsForm(data, seat_types=_askable_types())
    asked = best.cleaned_data if best.is_valid() else {}
    count = asked.get("count")
    keeps_best = bool(count) and asked.get("best") == seat_ids and len(seat_ids) == count
    return CheckoutAsk(
        seat_ids=seat_ids,
        best_count=count if keeps_best else None,
        seat_type=(asked.get("seat_type") or None) if keeps_best else None,
        wheelchair=bool(asked.get("wheelchair")),
    )


def _with_seats(data: QueryDict, seat_ids: list[int], *, best: bool) -> QueryDict:
    changed = data.copy()
    changed.setlist("seat", [str(pk) for pk in seat_ids])
    changed["best"] = ",".join(str(pk) for pk in seat_ids) if best else ""
    return changed


def _take_suggestion(data: QueryDict) -> QueryDict:
    """The checkout form sent back with "Take seats … instead": the suggested seats replace
    the chosen ones, the buyer's details stay, nothing is held yet."""
    ids = [int(v) for v in data.get("take", "").split(",") if v.isdigit() and len(v) < 19]
    return _with_seats(data, ids[: settings.MAX_SEATS_PER_BOOKING], best=False)


def _wheelchair_message(names: str) -> str:
    return _(
        "%(seats)s: kept for customers who need a wheelchair space until %(minutes)s minutes before the show. "
        "If you need one, tick “I need a wheelchair space” on the seat map; otherwise please choose other seats."
    ) % {"seats": names, "minutes": settings.ACCESSIBLE_RELEASE_MINUTES}


def _gap_message(names: str) -> str:
    return _(
        "%(seats)s would leave a single empty seat on its own beside them, which nobody can book with a friend. "
        "Please move along by a seat, or take the seats suggested."
    ) % {"seats": capfirst(names)}


@require_http_methods(["GET", "HEAD", "POST"])
@queue_gate
def checkout(request: HttpRequest, showtime_id: int) -> HttpResponse:
    """Step 2: the buyer's details for the chosen seats (or the best seats for the number
    asked); submitting holds them."""
    seat_url = reverse("public:showtime", args=[showtime_id])
    data: QueryDict = request.POST if request.method == "POST" else request.GET
    taking = request.method == "POST" and bool(request.POST.get("take"))
    if taking:
        data = _take_suggestion(request.POST)
    showtime = _showtime_or_404(showtime_id)
    context = _seat_map_context(request, showtime, set())
    seat_map: booking_selectors.SeatMap = context["seat_map"]  # type: ignore[assignment]
    all_ids = [state.seat.pk for state in seat_map.seats]
    if not context["on_sale"]:
        messages.error(request, _("Sales for this showtime are closed."))
        return redirect(seat_url)
    picked = SeatChoiceForm(data, seat_ids=all_ids)
    if not picked.is_valid():
        for problem in picked.errors.get("seat", []):
            messages.error(request, str(problem))
        return redirect(seat_url)
    ask = _checkout_ask(data, picked.cleaned_data["seat"])
    free = {state.seat.pk for state in seat_map.seats if state.status == booking_selectors.FREE}
    if ask.best_count and not set(ask.seat_ids) <= free:
        # The suggestion went meanwhile: suggest again (the hold chooses afresh anyway).
        again = best_seats(showtime.pk, ask.best_count, ask.seat_type, wheelchair=ask.wheelchair)
        if not again:
            messages.error(request, _("Sorry, those seats were just taken and no others like them are free."))
            return redirect(seat_url)
        data = _with_seats(data, again, best=True)
        ask = CheckoutAsk(again, ask.best_count, ask.seat_type, ask.wheelchair)
    chosen = [state for state in seat_map.seats if state.seat.pk in ask.seat_ids]
    taken = [state.seat.pk for state in chosen if state.status != booking_selectors.FREE]
    if taken:
        return _seats_gone(request, showtime_id, ask.seat_ids, taken)
    kept = [s.seat.pk for s in chosen if s.seat.seat_type in WHEELCHAIR_TYPES]
    if kept and request.method != "POST" and not ask.wheelchair and not _accessible_released(showtime):
        # Sent back to the map (the hold would refuse them); a POST gets the hold's answer, details kept.
        messages.error(request, _wheelchair_message(_seats_by_row(kept)))
        keep = [pk for pk in ask.seat_ids if pk not in kept]
        return redirect(f"{seat_url}?{urlencode({'seat': keep}, doseq=True)}" if keep else seat_url)

    form = CheckoutForm(data, seat_ids=all_ids) if request.method == "POST" else None
    if form is not None and not taking and form.is_valid():
        held = _checkout_hold(request, showtime, form, ask, context)
        if held is not None:
            return held
    lines = _seat_lines(showtime, seat_map.tariff, chosen, data)
    context.update(
        {
            "form": form or CheckoutForm(initial={"seat": ask.seat_ids}, seat_ids=all_ids),
            "chosen": chosen,
            "lines": lines,
            "total": sum((line.price for line in lines), Decimal("0.00")),
            "seat_ids": ask.seat_ids,
            "ask": ask,
            "best_ids": ",".join(str(pk) for pk in ask.seat_ids),
            "hold_minutes": settings.HOLD_MINUTES,
        }
    )
    return render(request, "public/checkout.html", context, status=409 if context.get("gap") else 200)


def _checkout_hold(
    request: HttpRequest, showtime: Showtime, form: CheckoutForm, ask: CheckoutAsk, context: dict[str, object]
) -> HttpResponse | None:
    """Hold what the buyer asked for; the booking's page when held, else None with the reason
    on the form (and, for a single-seat gap, the suggestion in `context["gap"]`)."""
    gift = form.cleaned_data["is_gift"]
    try:
        result = checkout_hold(
            showtime_id=showtime.pk,
            seat_ids=[] if ask.best_count else ask.seat_ids,
            best_available=(ask.best_count, ask.seat_type) if ask.best_count else None,
            wheelchair=ask.wheelchair,
            customer=services.CustomerDetails(
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
            ),
            recipient_name=form.cleaned_data["recipient_name"] if gift else "",
            recipient_email=form.cleaned_data["recipient_email"] if gift else "",
            gift_message=form.cleaned_data["gift_message"] if gift else "",
            marketing_consent=form.cleaned_data["marketing_consent"],
            promo_code=form.cleaned_data["promo_code"],
            voucher_code=form.cleaned_data["voucher_code"],
            language=request.LANGUAGE_CODE,
            client_ip=client_address(request),
            # What the buyer picked, as sent: the hold refuses a type it cannot sell.
            ticket_types={pk: code for pk in ask.seat_ids if (code := request.POST.get(f"type_{pk}", ""))},
        )
    except SeatsUnavailable as error:
        if ask.best_count:
            messages.error(request, _("Sorry, the seats went while we were holding them. Please try again."))
            return redirect("public:showtime", showtime_id=showtime.pk)
        return _seats_gone(request, showtime.pk, ask.seat_ids, list(error.extra.get("seat_ids", [])))
    except SingleSeatGap as error:
        suggestion = [int(pk) for pk in error.extra.get("suggestion") or []]
        form.add_error(None, _gap_message(_seats_by_row(list(error.extra.get("seat_ids") or ask.seat_ids))))
        if suggestion:
            context["gap"] = {"ids": ",".join(str(pk) for pk in suggestion), "names": _seats_by_row(suggestion)}
        return None
    except WheelchairOnly as error:
        form.add_error(None, _wheelchair_message(_seats_by_row(list(error.extra.get("seat_ids") or ask.seat_ids))))
        return None
    except SalesClosed:
        messages.error(request, _("Sales for this showtime are closed."))
        return redirect("public:showtime", showtime_id=showtime.pk)
    except ValidationFailed as error:
        _hold_error_fields(form, error)
        return None
    except RateLimited as error:
        form.add_error(None, _hold_limit_message(error))
        return None
    except NotFound:
        raise Http404 from None
    _remember(request, SESSION_TOKENS, result.booking.reference, result.token)
    names = _seats_by_row([bs.seat_id for bs in result.seats])
    if ask.best_count:
        messages.success(request, _("We chose the best seats for you: %(seats)s.") % {"seats": names})
    if SINGLE_SEAT_GAP_WARNING in result.warnings:
        messages.warning(
            request,
            _(
                "Note: your seats leave a single empty seat on its own beside them, which is hard for anyone "
                "else to use."
            ),
        )
    return redirect("public:booking", reference=result.booking.reference)


def _seats_gone(request: HttpRequest, showtime_id: int, seat_ids: list[int], taken: list[int]) -> HttpResponse:
    # The browser's Back button (or a re-sent form) after paying brings the visitor here with
    # the seats they have just bought: those are theirs, so show their booking, not a conflict.
    own = selectors.visitor_booking_of_seats(list(request.session.get(SESSION_TOKENS, {})), showtime_id, taken)
    if own is not None:
        messages.info(request, _("These seats are already yours: here is your booking."))
        return redirect("public:booking", reference=own)
    messages.error(
        request,
        ngettext(
            "Sorry, this seat was just taken: %(seats)s. Please choose another.",
            "Sorry, these seats were just taken: %(seats)s. Please choose others.",
            len(taken),
        )
        % {"seats": _seat_names(taken)},
    )
    keep = [pk for pk in seat_ids if pk not in set(taken)]
    url = reverse("public:showtime", args=[showtime_id])
    return redirect(f"{url}?{urlencode({'seat': keep}, doseq=True)}" if keep else url)


# --- a booking -------------------------------------------------------------------------


def _pay_label(provider: str, booking: Booking, due: Decimal | None = None) -> str:
    total = money_filter(booking.total_price if due is None else due)
    labels = {
        "demo": _("Pay %(total)s (demo)"),
        "stripe": _("Pay %(total)s by card"),
        "liqpay": _("Pay %(total)s with LiqPay (card, Apple Pay, Google Pay, Privat24)"),
    }
    return labels.get(provider, _("Pay %(total)s")) % {"total": total}


def _can_cancel(found: Booking, now: dt.datetime) -> bool:
    deadline = selectors.customer_cancel_deadline(found)
    if found.showtime.starts_at <= now:
        return False
    if found.status == BookingStatus.PENDING:
        return found.expires_at > now
    return found.status == BookingStatus.PAID and now < deadline


def _refund(found: Booking) -> str:
    """What happens to the customer's money when they cancel, in their words."""
    if found.status != BookingStatus.PAID:
        return "none"
    return "box_office" if found.payment_method in BOX_OFFICE_PROVIDERS else "online"


@require_safe
def booking(request: HttpRequest, reference: str) -> HttpResponse:
    found = _booking_or_404(request, reference)
    if request.GET.get("token") or request.GET.get("key"):
        # The secret is in the session now; drop it from the address bar (and from Referer).
        return redirect("public:booking", reference=found.reference)
    now = clock_now()
    seats = selectors.booking_seats(found)
    money = booking_money(found.pk)
    vouchers = voucher_amount_of(money.payments)  # what gift vouchers paid; the card pays the rest
    due = amount_due(found, vouchers)
    return render(
        request,
        "public/booking.html",
        {
            "booking": found,
            "seats": seats,
            "discount": sum((bs.discount for bs in seats), Decimal("0.00")),
            "now": now,
            "cancel_deadline": selectors.customer_cancel_deadline(found),
            "can_cancel": _can_cancel(found, now),
            "payment_methods": [(name, _pay_label(name, found, due)) for name in enabled_names()],
            "money": money,
            "voucher_amount": vouchers,
            "amount_due": due,
            "expired": found.status == BookingStatus.PENDING and found.expires_at <= now,
        },
    )


@require_POST
def booking_pay(request: HttpRequest, reference: str) -> HttpResponse:
    """Start paying through the chosen provider: paid at once (demo), or the provider's
    next step: its card form on our page, or a form that takes the customer to its page."""
    found = _booking_or_404(request, reference)
    method = request.POST.get("method", "demo")
    try:
        started = payments.payment_start(reference=found.reference, provider=method, language=request.LANGUAGE_CODE)
    except payments.AlreadyPaid:
        return redirect("public:booking", reference=found.reference)
    except ProviderUnavailable:
        messages.error(
            request,
            _("The payment service is not answering. Your seats stay held: please try again in a moment."),
        )
    except InvalidState:
        messages.error(request, _("The hold has expired or the booking changed; please choose your seats again."))
    except ValidationFailed:
        messages.error(request, _("That payment method is not available."))
    else:
        if started.payment.status == PaymentStatus.SUCCEEDED:
            messages.success(request, _("Payment received. Your tickets are on their way."))
        elif started.next.type in ("card_form", "redirect_form"):
            return render(
                request,
                "public/booking_pay.html",
                {
                    "booking": found,
                    "payment": started.payment,
                    "next": started.next,
                    "provider_label": getattr(get_provider(method), "label", method),
                    "confirm_url": reverse("public:booking_pay_confirm", args=[found.reference]),
                    # Absolute: a provider's page sends the customer's browser back to it.
                    "return_url": settings.SITE_URL + reverse("payments:return", args=[found.reference]),
                },
            )
        else:
            messages.error(request, started.payment.message or _("The payment did not go through; please try again."))
    return redirect("public:booking", reference=found.reference)


@require_POST
def booking_pay_confirm(request: HttpRequest, reference: str) -> HttpResponse:
    """The card form's answer (Stripe's "finalize on the server"): JSON for
    payments/static/payments/stripe-card.js."""
    found = _booking_or_404(request, reference)
    booking_url = reverse("public:booking", args=[found.reference])
    try:
        confirmed = payments.payment_confirm(
            booking_id=found.pk, data={"payment_method": request.POST.get("payment_method", "")[:255]}
        )
    except ProviderUnavailable:
        return JsonResponse(
            {"status": "failed", "message": _("The payment service is not answering; please try again.")}, status=503
        )
    except DomainError as error:
        return JsonResponse({"status": "failed", "message": error.detail, "redirect": booking_url}, status=409)
    payment = confirmed.payment
    if confirmed.next.type == "action":
        return JsonResponse({"status": "action", "next": confirmed.next.as_api()})
    if payment.status == PaymentStatus.SUCCEEDED:
        messages.success(request, _("Payment received. Your tickets are on their way."))
        return JsonResponse({"status": "succeeded", "redirect": booking_url})
    if payment.status == PaymentStatus.FAILED:
        message = payment.message or _("The card was declined. Please try another card.")
        return JsonResponse({"status": "failed", "message": message})
    return JsonResponse({"status": "pending", "redirect": reverse("payments:return", args=[found.reference])})


@require_safe
def payment_return(request: HttpRequest, reference: str) -> HttpResponse:
    """Where the customer's browser comes back from a provider's page: the provider is
    asked if the payment is still pending; then the booking (paid), a page that waits for
    the bank and refreshes itself, or the failure with a way to try again."""
    found = _booking_or_404(request, reference)
    payment = payments.payment_check(booking_id=found.pk)
    found.refresh_from_db()
    if found.status == BookingStatus.PAID:
        return redirect("public:booking", reference=found.reference)
    waiting = payment is not None and payment.status in (PaymentStatus.CREATED, PaymentStatus.PENDING)
    return render(
        request,
        "public/payment_return.html",
        {"booking": found, "payment": payment, "waiting": waiting},
        status=200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def booking_cancel(request: HttpRequest, reference: str) -> HttpResponse:
    """Two steps, so that one stray tap never cancels: GET (or a POST without `confirm`) asks
    and says what happens to the money; a POST with `confirm` cancels."""
    found = _booking_or_404(request, reference)
    refund = _refund(found)
    if request.method == "GET" or not request.POST.get("confirm"):
        if not _can_cancel(found, clock_now()):
            if found.status == BookingStatus.PAID:
                messages.error(request, _("It is too late to cancel this booking online; please ask the box office."))
            else:
                messages.error(request, _("This booking can no longer be cancelled."))
            return redirect("public:booking", reference=found.reference)
        return render(request, "public/booking_cancel.html", {"booking": found, "refund": refund})
    try:
        payments.booking_cancel(reference=found.reference)
    except CancelWindowClosed:
        messages.error(request, _("It is too late to cancel this booking online; please ask the box office."))
    except InvalidState:
        messages.error(request, _("This booking can no longer be cancelled."))
    else:
        messages.success(request, _("The booking is cancelled and its seats are free again."))
        if refund == "online":
            messages.info(
                request,
                _(
                    "The full amount, %(amount)s, goes back to the card or account you paid with; "
                    "banks usually take 3–10 working days."
                )
                % {"amount": money_text(found.total_price)},
            )
        elif refund == "box_office":
            amount = money_text(found.total_price)
            messages.info(request, _("Collect your refund of %(amount)s at the box office.") % {"amount": amount})
    return redirect("public:booking", reference=found.reference)


@require_POST
def booking_resend(request: HttpRequest, reference: str) -> HttpResponse:
    found = _booking_or_404(request, reference)
    try:
        services.booking_resend(reference=found.reference)
    except RateLimited:
        messages.error(
            request,
            _(
                "We have already sent these tickets again several times in the last hour. Please look in your "
                "spam folder, or try again in an hour."
            ),
        )
    except DomainError:
        messages.error(request, _("Only paid bookings have tickets to send."))
    else:
        messages.success(request, _("We are sending the tickets again to %(email)s.") % {"email": found.ticket_email})
    return redirect("public:booking", reference=found.reference)


# --- my bookings -----------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def my_bookings(request: HttpRequest) -> HttpResponse:
    customer_id = request.session.get(SESSION_CUSTOMER)
    if request.method in ("GET", "HEAD") and customer_id:
        customer, bookings = selectors.customer_bookings(customer_id)
        if customer is not None:
            return render(request, "public/my_bookings.html", {"customer": customer, "bookings": bookings})
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        sign_in_link_send(
            customer=selectors.customer_by_email(email),
            client_ip=client_address(request),
            language=request.LANGUAGE_CODE,
        )
        # The same answer whether the address is known, unknown or past its hourly limit:
        # no account enumeration, and nothing to learn about the limits.
        return render(request, "public/sign_in_sent.html", {"email": email})
    return render(request, "public/sign_in.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def my_bookings_sign_in(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks the visitor to confirm, POST spends the link and signs in: mail scanners
    that open every link in a message must not spend a single-use link."""
    try:
        if request.method == "GET":
            sign_in_link_check(token=token)
            return render(request, "public/sign_in_confirm.html")
        customer = sign_in_link_use(token=token)
    except SignInLinkUsed:
        return render(request, "public/sign_in_used.html", {"form": EmailForm()}, status=410)
    except SignInLinkExpired:
        messages.error(request, _("That sign-in link has expired. Enter your email for a new one."))
        return redirect("public:my_bookings")
    except NotFound:
        messages.error(request, _("That sign-in link is not valid. Enter your email for a new one."))
        return redirect("public:my_bookings")
    request.session.cycle_key()
    request.session[SESSION_CUSTOMER] = customer.pk
    return redirect("public:my_bookings")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_CUSTOMER, None)
    messages.success(request, _("You are signed out."))
    return redirect("public:home")
