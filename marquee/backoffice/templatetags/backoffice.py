"""Small template helpers for the staff pages: numbers, colours and the navigation."""

from decimal import Decimal
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from marquee.backoffice import access
from marquee.backoffice.charts import heat_colour, heat_ink
from marquee.core.money import money_text

register = template.Library()

# Label, URL name, the action the page needs.
NAV = [
    ("Dashboard", "backoffice:dashboard", access.DASHBOARD),
    ("Schedule", "backoffice:planner", access.SCHEDULE),
    ("Halls", "backoffice:halls", access.HALLS),
    ("Tariffs", "backoffice:tariffs", access.TARIFFS),
    ("Movies", "backoffice:movies", access.CATALOG),
    ("Bookings", "backoffice:bookings", access.BOOKINGS),
    ("Check-in", "backoffice:checkin", "check_in"),
    ("Mail", "backoffice:mail", access.BOOKINGS),
    ("Payments", "backoffice:payments", access.BOOKINGS),
    ("Cash-up", "backoffice:cash_up", access.BOOKINGS),
    ("Reconciliation", "backoffice:reconciliation", access.REPORTS),
    ("Occupancy", "backoffice:occupancy", access.REPORTS),
    ("Sales", "backoffice:sales", access.REPORTS),
    ("Customers", "backoffice:customers", access.CUSTOMERS),
    ("Campaign", "backoffice:campaign", access.CAMPAIGNS),
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
    return f"{float(value) * 100:.0f}%"


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
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    days = [d for d in range(7) if mask & (1 << d)]
    if len(days) == 7:
        return "every day"
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
    """The widest row's last seat number: the seat map's column count."""
    return max((s.seat.seat_number for _, seats in rows for s in seats), default=1)


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
