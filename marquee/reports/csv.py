"""CSV downloads of the reports, from the same rows the pages and the API show.

response = HttpResponse(content_type="text/csv; charset=utf-8")
write_occupancy_csv(response, rows)
"""

import csv
from collections.abc import Iterable
from typing import Any, Protocol

from marquee.core.money import format_money
from marquee.reports.selectors import OccupancyRow, SalesReport

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
SALES_HEADER = ["key", "tickets", "revenue", "currency"]


class Writable(Protocol):
    def write(self, s: Any, /) -> Any: ...


def _safe(value: str) -> str:
    """Keep spreadsheets from running a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


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
        writer.writerow([_safe(r.key), r.tickets, format_money(r.revenue), report.currency])
    writer.writerow(["TOTAL", report.tickets, format_money(report.revenue), report.currency])
