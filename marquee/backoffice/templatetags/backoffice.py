"""Small template helpers for the staff pages: numbers, colours and the navigation."""

import datetime as dt
from decimal import Decimal
from typing import Any

from babel.numbers import format_percent
from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy, to_locale
from django.utils.translation import gettext as _

from marquee.backoffice import access
from marquee.backoffice.charts import heat_colour, heat_ink
from marquee.core.clock import local_today
from marquee.core.dates import day_text
from marquee.core.money import money_text
from marquee.reports.selectors import NEARLY_FULL, NO_TARIFF

register = template.Library()

# Label, URL name, the action the page needs.
NAV = [
    (gettext_lazy("Dashboard"), "backoffice:dashboard", access.DASHBOARD),
    (gettext_lazy("Schedule"), "backoffice:planner", access.SCHEDULE),
    (gettext_lazy("Halls"), "backoffice:halls", access.HALLS),
    (gettext_lazy("Tariffs"), "backoffice:tariffs", access.TARIFFS),
    (gettext_lazy("Promotions"), "backoffice:promotions", access.PROMOTIONS),
    (gettext_lazy("Ticket types"), "backoffice:ticket_types", access.TARIFFS),
    (gettext_lazy("Formats"), "backoffice:formats", access.SCHEDULE),
    (gettext_lazy("Movies"), "backoffice:movies", access.CATALOG),
    (gettext_lazy("Sell"), "backoffice:sell", access.BOOKINGS),
    (gettext_lazy("Bookings"), "backoffice:bookings", access.BOOKINGS),
    (gettext_lazy("Check-in"), "backoffice:checkin", "check_in"),
    (gettext_lazy("Mail"), "backoffice:mail", access.BOOKINGS),
    (gettext_lazy("Payments"), "backoffice:payments", access.BOOKINGS),
    (gettext_lazy("Cash-up"), "backoffice:cash_up", access.BOOKINGS),
    (gettext_lazy("Vouchers"), "backoffice:vouchers", access.BOOKINGS),
    (gettext_lazy("Waiting lists"), "backoffice:waitlists", access.BOOKINGS),
    (gettext_lazy("Reconciliation"), "backoffice:reconciliation", access.REPORTS),
    (gettext_lazy("Occupancy"), "backoffice:occupancy", access.REPORTS),
    (gettext_lazy("Sales"), "backoffice:sales", access.REPORTS),
    (gettext_lazy("Settlement"), "backoffice:settlement", access.REPORTS),
    (gettext_lazy("Customers"), "backoffice:customers", access.CUSTOMERS),
    (gettext_lazy("Campaign"), "backoffice:campaign", access.CAMPAIGNS),
    (gettext_lazy("Audit"), "backoffice:audit", access.AUDIT),
]


@register.inclusion_tag("backoffice/_nav.html", takes_context=True)
def bo_nav(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    path = request.path
    items = []
    for label, name, action in NAV:
        if access.can(request.user, action):
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue  # a page another part of the back office has not wired yet
            current = path == url if name == "backoffice:dashboard" else path.startswith(url)
            items.append({"label": label, "url": url, "current": current})
    return {"items": items, "user": request.user}


@register.filter
def percent(value: float | Decimal | None) -> str:
    if value is None:
        return "–"
    return format_percent(float(value), locale=to_locale(get_language() or "en"))


@register.filter
def day(value: Any) -> str:
    """A day as people read it in a sentence: "Sunday 6 December", "неділя, 6 грудня"."""
    return day_text(value) if value else "–"


@register.filter
def signal_sentence(signal: Any) -> str:
    """The expansion signal's sentence about its latest week, in the staff member's language
    (the selector's own sentence is the staff API's, in English)."""
    latest = signal.latest
    if latest is None:
        return ""
    today = local_today()
    this_monday = today - dt.timedelta(days=today.weekday())
    if latest.monday == this_monday:
        when = _("This week so far")
    elif latest.monday == this_monday - dt.timedelta(days=7):
        when = _("Last week")
    else:
        when = _("In the week of %(monday)s") % {"monday": date_format(latest.monday, _("j M Y"))}
    advice = {
        "expand": _("demand exceeds capacity; consider adding a screen or more evening showtimes."),
        "watch": _(
            "halls are often nearly full at peak times; schedule more showtimes at the busiest hours "
            "and watch the trend before adding a screen."
        ),
        "fine": _("there is spare capacity; no need for another screen."),
    }[latest.level]
    return _(
        "%(when)s %(nearly_full)s of showtimes were at least %(threshold)s full and %(sold_out)s sold out: %(advice)s"
    ) % {
        "when": when,
        "nearly_full": percent(latest.nearly_full_share),
        "threshold": percent(NEARLY_FULL),
        "sold_out": percent(latest.sold_out_share),
        "advice": advice,
    }


@register.filter
def money(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return money_text(value)


@register.filter
def exact(value: Decimal | None) -> str:
    """A decimal with neither rounding nor trailing zeros: 1.125, 1.25, 1 (a multiplier
    rounded to two places would misstate the price it gives)."""
    if value is None:
        return "–"
    return f"{Decimal(value).normalize():f}"


@register.simple_tag
def heat_cell(share: float | None) -> SafeString:
    return format_html('style="background:{};color:{}"', heat_colour(share), heat_ink(share))


@register.filter
def movie_hue(movie_id: int) -> int:
    """A stable hue per movie, spread around the wheel (golden angle) so neighbours differ."""
    return int(movie_id * 137.508) % 360


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def days_label(mask: int) -> str:
    """A weekday bit mask in words: "every day", "Mon–Fri", "Sat, Sun"."""
    names = [str(WEEKDAYS_ABBR[d]) for d in range(7)]
    days = [d for d in range(7) if mask & (1 << d)]
    if len(days) == 7:
        return _("every day")
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"{names[days[0]]}–{names[days[-1]]}"
    return ", ".join(names[d] for d in days)


@register.filter(name="can")
def can_filter(user: Any, capability: str) -> bool:
    return access.can(user, capability)


@register.filter
def seat_type_label(value: str) -> str:
    from marquee.venues.models import SeatType

    return str(SeatType(value).label) if value in SeatType.values else value


@register.filter
def max_seat(rows: list[tuple[int, list[Any]]]) -> int:
    """The farthest seat's column (aisles and offsets count): the seat map's column count."""
    return max((s.seat.column for _, seats in rows for s in seats), default=1)


@register.filter
def mean(values: list[float | None]) -> float | None:
    """The average of the values present (days without showtimes are left out)."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


@register.simple_tag(takes_context=True)
def page_url(context: dict[str, Any], page: int) -> str:
    """This page's address with another page number, every other filter (search, period,
    hall) kept as the user chose it."""
    params = context["request"].GET.copy()
    params["page"] = str(page)
    return "?" + params.urlencode()


@register.filter
def tariff_label(key: str) -> str:
    """A sales row's tariff: its name, or "No tariff" in the staff's language (the report's
    key is the English one its CSV and the API keep)."""
    return _("No tariff") if key == NO_TARIFF else key
