"""Report pages: occupancy (with the expansion signal) and sales, and the CSV downloads:
occupancy per showtime, its heat map and weekly signal, sales, and customers (whose page
is marquee.backoffice.customers).

The figures come from marquee.reports.selectors (aggregates in the database, a fixed
number of queries); these views only choose the period and draw.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from babel.numbers import format_decimal, format_percent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, to_locale
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from marquee.backoffice.access import REPORTS, staff_page
from marquee.backoffice.charts import bar_chart, column_chart, plain
from marquee.backoffice.forms import PeriodForm
from marquee.core.clock import local_today
from marquee.core.clock import now as clock_now
from marquee.reports import selectors
from marquee.reports.csv import (
    write_customers_csv,
    write_expansion_csv,
    write_heat_map_csv,
    write_occupancy_csv,
    write_sales_csv,
)
from marquee.venues.models import Hall, SeatType

# A page shows this many showtimes; the CSV has them all.
OCCUPANCY_ROWS_SHOWN = 400
# Key; the section's heading; its table's first column; its CSV button; its chart's title.
SALES_GROUPS = [
    ("movie", _("By movie"), _("Movie"), _("movie"), _("Revenue by movie")),
    ("hall", _("By hall"), _("Hall"), _("hall"), _("Revenue by hall")),
    ("seat_type", _("By seat type"), _("Seat type"), _("seat type"), _("Revenue by seat type")),
    ("tariff", _("By tariff"), _("Tariff"), _("tariff"), _("Revenue by tariff")),
    ("ticket_type", _("By ticket type"), _("Ticket type"), _("ticket type"), _("Revenue by ticket type")),
]


def report_period(request: HttpRequest) -> tuple[PeriodForm, dt.date, dt.date, Hall | None, str]:
    """The period and hall asked for (or the default), its form, and the query string that
    asks for the same again (for the CSV links)."""
    # Bound only when the period was asked for: a page's other parameters (a search, a
    # page number) leave the form showing the default period's dates.
    asked = any(name in request.GET for name in PeriodForm.base_fields)
    form = PeriodForm(request.GET if asked else None)
    start, end, hall = form.period()
    if not form.is_bound:
        form = PeriodForm(initial={"date_from": start, "date_to": end})
    query = urlencode(
        {"date_from": start.isoformat(), "date_to": end.isoformat(), **({"hall": hall.pk} if hall else {})}
    )
    return form, start, end, hall, query


# The report's words for seats sold without a tariff or a ticket type, in the reader's language.
NO_NAME = {
    ("tariff", selectors.NO_TARIFF): _("No tariff"),
    ("ticket_type", selectors.NO_TICKET_TYPE): _("No ticket type"),
}


def _label(group_by: str, key: str) -> str:
    if group_by == "seat_type" and key in SeatType.values:
        return str(SeatType(key).label)
    return str(NO_NAME.get((group_by, key), key))


def _money(value: Any) -> str:
    return format_decimal(round(Decimal(value)), locale=to_locale(get_language() or "en"))


def by_start_hour(rows: list[selectors.OccupancyRow]) -> list[tuple[str, float]]:
    """Average share sold per local start hour: where the peaks are, so that more
    showtimes go there before a new screen is considered."""
    shares: dict[int, list[float]] = {}
    for r in rows:
        shares.setdefault(r.local_start.hour, []).append(r.occupancy)
    return [(f"{hour:02d}:00", sum(v) / len(v)) for hour, v in sorted(shares.items())]


def _percent(value: Any) -> str:
    return format_percent(float(value), locale=to_locale(get_language() or "en"))


@staff_page(REPORTS)
@require_safe
def occupancy(request: HttpRequest) -> HttpResponse:
    form, start, end, hall, query = report_period(request)
    hall_id = hall.pk if hall else None
    rows = selectors.occupancy(start=start, end=end, hall_id=hall_id)
    heat = selectors.occupancy_heat_map(start=start, end=end, rows=rows)
    # Only showtimes that have begun tell how full halls get: one next week has sold
    # only its advance tickets, and would make any week look half empty.
    begun = [r for r in rows if r.starts_at <= clock_now()]
    signal = selectors.expansion_signal(start=start, end=max(start, min(end, local_today())), rows=begun)
    capacity = sum(r.capacity for r in rows)
    sold = sum(r.sold for r in rows)
    context = {
        "form": form,
        "start": start,
        "end": end,
        "hall": hall,
        "csv_query": query,
        "rows": rows[:OCCUPANCY_ROWS_SHOWN],
        "rows_total": len(rows),
        "heat": heat,
        "hour_chart": bar_chart(
            by_start_hour(begun),
            title=gettext("Average share sold by start hour"),
            fmt=_percent,
            label_width=70,
            maximum=1.0,
        ),
        "signal": signal,
        "latest": signal.latest,
        "kpis": {
            "showtimes": len(rows),
            "sold": sold,
            "held": sum(r.held for r in rows),
            "share": sold / capacity if capacity else None,
            "nearly_full": sum(1 for r in rows if r.nearly_full),
            "sold_out": sum(1 for r in rows if r.sold_out),
        },
        "nearly_full_pct": round(selectors.NEARLY_FULL * 100),
        "today": local_today(),
    }
    return render(request, "backoffice/occupancy.html", context)


@staff_page(REPORTS)
@require_safe
def sales(request: HttpRequest) -> HttpResponse:
    form, start, end, hall, query = report_period(request)
    hall_id = hall.pk if hall else None
    by_day = selectors.sales(start=start, end=end, group_by="day", hall_id=hall_id)
    groups = []
    for key, label, column, short, title in SALES_GROUPS:
        report = selectors.sales(start=start, end=end, group_by=key, hall_id=hall_id)
        chart = bar_chart(
            [(_label(key, r.key), r.revenue) for r in report.rows[:15]],
            title=str(title),
            fmt=_money,
        )
        labels = {r.key: _label(key, r.key) for r in report.rows}
        groups.append(
            {
                "key": key,
                "label": label,
                "column": column,
                "short": short,
                "report": report,
                "chart": chart,
                "labels": labels,
            }
        )
    # Every day of the period gets a column, days without sales included, so gaps show.
    revenue_by_day = {r.key: r for r in by_day.rows}
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    day_format = gettext("j M")
    points = [
        (date_format(d, day_format), revenue_by_day[d.isoformat()].tickets if d.isoformat() in revenue_by_day else 0)
        for d in days
    ]
    line = [revenue_by_day[d.isoformat()].revenue if d.isoformat() in revenue_by_day else Decimal(0) for d in days]
    day_chart = column_chart(
        points, title=gettext("Tickets (columns) and revenue (line) by day"), fmt=plain, line=line, line_fmt=_money
    )
    context = {
        "form": form,
        "start": start,
        "end": end,
        "hall": hall,
        "csv_query": query,
        "by_day": by_day,
        "by_channel": selectors.sales(start=start, end=end, group_by="channel", hall_id=hall_id),
        "day_chart": day_chart,
        "groups": groups,
        "average_price": (by_day.revenue / by_day.tickets) if by_day.tickets else None,
    }
    return render(request, "backoffice/sales.html", context)


def _csv_response(filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _sales_options(request: HttpRequest) -> dict[str, str]:
    """The grouping and channel a sales CSV asks for; anything unknown falls back to by day, every channel."""
    group_by = request.GET.get("group_by", "day")
    if group_by not in selectors.GROUP_BYS:
        group_by = "day"
    channel = request.GET.get("channel", "")
    if channel not in selectors.CHANNELS:
        channel = ""
    return {"group_by": group_by, "channel": channel}


def _no_options(request: HttpRequest) -> dict[str, str]:
    return {}


def _customers(**kwargs: Any) -> list[selectors.CustomerReportRow]:
    return selectors.customers_report(**kwargs).results


@dataclass(frozen=True, slots=True)
class CsvReport:
    """One CSV download: what it reads, how its rows and header are written, what the file is called."""

    # The selector, called with start, end, hall_id and the options.
    read: Callable[..., Any]
    # The marquee.reports.csv writer: it holds the header and the columns.
    write: Callable[[HttpResponse, Any], None]
    # The file's name from start, end and the options.
    filename: Callable[..., str]
    # The report's own choices read from the query string (sales: grouping and channel).
    options: Callable[[HttpRequest], dict[str, str]] = _no_options


CSV_REPORTS: dict[str, CsvReport] = {
    "occupancy": CsvReport(
        read=selectors.occupancy,
        write=write_occupancy_csv,
        filename=lambda start, end: f"occupancy-{start}-{end}.csv",
    ),
    "occupancy_heat": CsvReport(
        read=selectors.occupancy_heat_map,
        write=write_heat_map_csv,
        filename=lambda start, end: f"occupancy-heat-map-{start}-{end}.csv",
    ),
    # The weekly signal as on the occupancy page: showtimes that have begun.
    "expansion": CsvReport(
        read=selectors.expansion_signal,
        write=write_expansion_csv,
        filename=lambda start, end: f"expansion-by-week-{start}-{end}.csv",
    ),
    "sales": CsvReport(
        read=selectors.sales,
        write=write_sales_csv,
        filename=lambda start, end, group_by, channel: (
            f"sales-by-{group_by}{f'-{channel}' if channel else ''}-{start}-{end}.csv"
        ),
        options=_sales_options,
    ),
    "customers": CsvReport(
        read=_customers,
        write=write_customers_csv,
        filename=lambda start, end: f"customers-{start}-{end}.csv",
    ),
}


@staff_page(REPORTS)
@require_safe
def report_csv(request: HttpRequest, report: str) -> HttpResponse:
    """A report's CSV for the period and hall asked for; `report` names its row in CSV_REPORTS
    (each download keeps its own URL and URL name, routed here with that name)."""
    csv_report = CSV_REPORTS[report]
    _form, start, end, hall, _query = report_period(request)
    options = csv_report.options(request)
    response = _csv_response(csv_report.filename(start=start, end=end, **options))
    csv_report.write(response, csv_report.read(start=start, end=end, hall_id=hall.pk if hall else None, **options))
    return response
