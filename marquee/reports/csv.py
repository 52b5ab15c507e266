"""CSV downloads of the reports, from the same rows the pages and the API show.

response = HttpResponse(content_type="text/csv; charset=utf-8")
write_occupancy_csv(response, rows)
"""

import csv
from collections.abc import Iterable
from typing import Any, Protocol

from django.conf import settings

from marquee.core.clock import local
from marquee.core.money import format_money
from marquee.reports.selectors import CustomerReportRow, ExpansionSignal, HeatMap, OccupancyRow, SalesReport

OCCUPANCY_HEADER = [
    "showtime_id",
    "date",
    "time",
    "movie_id",
    "movie",
    "hall_number",
    "hall",
    "capacity",
    "sold",
    "held",
    "occupancy",
]
SALES_HEADER = ["key", "tickets", "revenue", "currency", "comps"]
CUSTOMERS_HEADER = [
    "customer_id",
    "first_name",
    "last_name",
    "email",
    "bookings",
    "tickets",
    "revenue",
    "currency",
    "first_visit",
    "last_visit",
    "favourite_genre",
    "marketing_consent",
]
HEAT_MAP_HEADER = ["date", "hall_number", "hall", "occupancy"]
EXPANSION_HEADER = [
    "week_of",
    "iso_year",
    "iso_week",
    "showtimes",
    "nearly_full",
    "sold_out",
    "nearly_full_share",
    "sold_out_share",
    "signal",
]


class Writable(Protocol):
    def write(self, s: Any, /) -> Any: ...


def _safe(value: str) -> str:
    """Keep spreadsheets from running a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def safe_cell(value: str) -> str:
    """`_safe` for the CSVs other pages write (the audit's)."""
    return _safe(value)


def write_occupancy_csv(out: Writable, rows: Iterable[OccupancyRow]) -> None:
    writer = csv.writer(out)
    writer.writerow(OCCUPANCY_HEADER)
    for r in rows:
        start = r.local_start
        writer.writerow(
            [
                r.showtime_id,
                start.date().isoformat(),
                start.strftime("%H:%M"),
                r.movie_id,
                _safe(r.movie_title),
                r.hall_number,
                _safe(r.hall_name),
                r.capacity,
                r.sold,
                r.held,
                f"{r.occupancy:.4f}",
            ]
        )


def write_sales_csv(out: Writable, report: SalesReport) -> None:
    writer = csv.writer(out)
    writer.writerow([report.group_by, *SALES_HEADER[1:]])
    for r in report.rows:
        writer.writerow([_safe(r.key), r.tickets, format_money(r.revenue), report.currency, r.comps])
    writer.writerow(["TOTAL", report.tickets, format_money(report.revenue), report.currency, report.comps])


def write_customers_csv(out: Writable, rows: Iterable[CustomerReportRow]) -> None:
    """Visits in the cinema's time zone; consent as it stands now ("yes" / "no")."""
    writer = csv.writer(out)
    writer.writerow(CUSTOMERS_HEADER)
    for r in rows:
        writer.writerow(
            [
                r.customer_id,
                _safe(r.first_name),
                _safe(r.last_name),
                _safe(r.email),
                r.bookings,
                r.tickets,
                format_money(r.revenue),
                settings.CURRENCY,
                f"{local(r.first_visit):%Y-%m-%d %H:%M}",
                f"{local(r.last_visit):%Y-%m-%d %H:%M}",
                _safe(r.favourite_genre),
                "yes" if r.marketing_consent else "no",
            ]
        )


def write_heat_map_csv(out: Writable, heat: HeatMap) -> None:
    """One line per hall and day that had showtimes (the page's blank cells are left out)."""
    writer = csv.writer(out)
    writer.writerow(HEAT_MAP_HEADER)
    for day in heat.days:
        for hall in heat.halls:
            value = heat.value(hall.id, day)
            if value is not None:
                writer.writerow([day.isoformat(), hall.number, _safe(hall.name), f"{value:.4f}"])


def write_expansion_csv(out: Writable, signal: ExpansionSignal) -> None:
    writer = csv.writer(out)
    writer.writerow(EXPANSION_HEADER)
    for w in signal.weeks:
        writer.writerow(
            [
                w.monday.isoformat(),
                w.year,
                w.week,
                w.showtimes,
                w.nearly_full,
                w.sold_out,
                f"{w.nearly_full_share:.4f}",
                f"{w.sold_out_share:.4f}",
                w.level,
            ]
        )


PAYMENTS_HEADER = [
    "payment_id",
    "created",
    "booking",
    "provider",
    "provider_id",
    "status",
    "amount",
    "refunded",
    "currency",
    "succeeded",
    "taken_by",
    "problem",
]


def write_payments_csv(out: Writable, payments: Iterable[Any]) -> None:
    """The ledger's payments (marquee.payments.selectors.payments_all), times in the cinema's zone."""
    writer = csv.writer(out)
    writer.writerow(PAYMENTS_HEADER)
    for p in payments:
        writer.writerow(
            [
                p.pk,
                f"{local(p.created_at):%Y-%m-%d %H:%M}",
                # A gift voucher bought has no booking (issue 13): "voucher <id>" in its place.
                p.booking.reference if p.booking is not None else f"voucher {p.voucher_id}",
                _safe(p.provider),
                _safe(p.provider_id),
                p.status,
                format_money(p.amount),
                format_money(p.amount_refunded),
                p.currency,
                f"{local(p.succeeded_at):%Y-%m-%d %H:%M}" if p.succeeded_at else "",
                _safe(p.taken_by.get_username()) if p.taken_by else "",
                _safe(p.problem),
            ]
        )
