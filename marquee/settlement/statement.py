"""A distributor's statement for a film week, as a PDF (reportlab, A4 landscape) and as CSV.

The PDF is written in the active language (the staff member's on the page, the distributor's
in the email: `translation.override`), from the same figures the page shows
(`marquee.settlement.selectors.settlement`).
"""

import csv
import io
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from marquee.core.money import format_money, money_text
from marquee.notifications.rendering.pdf import pdf_fonts
from marquee.settlement.selectors import DistributorSettlement, MovieSettlement, Settlement, Tally


def week_text(result: Settlement) -> str:
    first = formats.date_format(result.week_start, "j E Y")
    last = formats.date_format(result.week_end, "j E Y")
    return f"{first} – {last}"


def percent_text(value: Decimal) -> str:
    return f"{formats.number_format(value, decimal_pos=2)} %"


def type_label(tally: Tally) -> str:
    return tally.label or _("No ticket type")


def mix_line(movie: MovieSettlement) -> str:
    """Admissions by ticket type and by format, in one line: "Adult 12, Child 3 · 3D 15"."""
    types = ", ".join(f"{type_label(t)} {t.admissions}" for t in movie.by_type)
    formats_ = ", ".join(f"{t.label} {t.admissions}" for t in movie.by_format)
    return " · ".join(part for part in (types, formats_) if part)


def statement_filename(block: DistributorSettlement, result: Settlement) -> str:
    return f"settlement-{result.week_start.isoformat()}-{block.distributor_id or 'none'}.pdf"


COLUMN_RIGHTS = [0, 118, 138, 162, 190, 215, 240, 257, 282]  # mm from the left margin


def statement_pdf(block: DistributorSettlement, result: Settlement) -> bytes:
    """One distributor's statement: a line per movie, its mix of tickets below it, the totals."""
    regular, bold = pdf_fonts()
    out = io.BytesIO()
    size = landscape(A4)
    canvas = Canvas(out, pagesize=size, pageCompression=1)
    title = _("Settlement statement")
    canvas.setTitle(f"{title} {block.name} {result.week_start.isoformat()}")
    canvas.setAuthor(settings.CINEMA_NAME)
    _width, height = size
    left = 12 * mm
    columns = [
        _("Movie"),
        _("Week of run"),
        _("Showtimes"),
        _("Admissions"),
        _("Gross"),
        _("VAT"),
        _("Net"),
        _("Share"),
        _("Amount due"),
    ]

    def header() -> float:
        canvas.setFont(bold, 16)
        canvas.drawString(left, height - 18 * mm, f"{title}: {block.name or _('No distributor')}")
        canvas.setFont(regular, 10)
        canvas.drawString(left, height - 25 * mm, f"{settings.CINEMA_NAME} · {_('Film week')} {week_text(result)}")
        canvas.drawString(
            left,
            height - 31 * mm,
            _("VAT included in ticket prices: %(rate)s. Comps count as admissions at no price.")
            % {"rate": percent_text(block.vat_rate)},
        )
        canvas.setFont(bold, 8.5)
        y = height - 41 * mm
        canvas.drawString(left, y, str(columns[0]))
        for i, label in enumerate(columns[1:], start=1):
            canvas.drawRightString(left + COLUMN_RIGHTS[i] * mm, y, str(label))
        canvas.line(left, y - 2 * mm, left + COLUMN_RIGHTS[-1] * mm, y - 2 * mm)
        return y - 7 * mm

    def cells(m: MovieSettlement) -> list[str]:
        admissions = str(m.admissions) + (f" ({m.comps} {_('comps')})" if m.comps else "")
        share = percent_text(m.percentage) if m.has_terms else _("no terms")
        return [
            str(m.week_of_run),
            str(m.showtimes),
            admissions,
            money_text(m.gross),
            money_text(m.vat),
            money_text(m.net),
            share,
            money_text(m.due),
        ]

    y = header()
    for movie in block.movies:
        if y < 30 * mm:
            canvas.showPage()
            y = header()
        canvas.setFont(bold, 9)
        canvas.drawString(left, y, simpleSplit(movie.title, bold, 9, 110 * mm)[0])
        canvas.setFont(regular, 9)
        for i, cell in enumerate(cells(movie), start=1):
            canvas.drawRightString(left + COLUMN_RIGHTS[i] * mm, y, cell)
        y -= 4.5 * mm
        canvas.setFont(regular, 7.5)
        for line in simpleSplit(mix_line(movie), regular, 7.5, 250 * mm)[:3]:
            canvas.drawString(left + 3 * mm, y, line)
            y -= 3.8 * mm
        if movie.minimum_per_showtime is not None:
            canvas.drawString(
                left + 3 * mm,
                y,
                _("Minimum per showtime %(amount)s: applied to %(count)s of %(showtimes)s showtimes.")
                % {
                    "amount": money_text(movie.minimum_per_showtime),
                    "count": movie.minimum_applied,
                    "showtimes": movie.showtimes,
                },
            )
            y -= 3.8 * mm
        y -= 2.5 * mm
    if not block.movies:
        canvas.setFont(regular, 10)
        canvas.drawString(left, y, _("No showtimes of this distributor's movies in this film week."))
        y -= 7 * mm
    canvas.line(left, y + 3 * mm, left + COLUMN_RIGHTS[-1] * mm, y + 3 * mm)
    canvas.setFont(bold, 9.5)
    canvas.drawString(left, y - 2 * mm, _("Total"))
    totals = ["", "", str(block.admissions), *(money_text(v) for v in (block.gross, block.vat, block.net)), "",
              money_text(block.due)]  # fmt: skip
    for i, cell in enumerate(totals, start=1):
        canvas.drawRightString(left + COLUMN_RIGHTS[i] * mm, y - 2 * mm, cell)
    canvas.setFont(regular, 8)
    canvas.drawString(
        left,
        14 * mm,
        _("Gross is the price of the tickets sold less refunds; VAT = gross × rate / (100 + rate); net = gross − VAT.")
        + " "
        + _("The amount due is the share of each showtime's net, at least its minimum, rounded to the cent."),
    )
    canvas.showPage()
    canvas.save()
    return out.getvalue()


CSV_HEADER = [
    "week_start",
    "week_end",
    "distributor_id",
    "distributor",
    "movie_id",
    "movie",
    "week_of_run",
    "showtimes",
    "admissions",
    "comps",
    "admissions_by_ticket_type",
    "admissions_by_format",
    "gross",
    "vat_rate",
    "vat",
    "net",
    "percentage",
    "minimum_per_showtime",
    "amount_due",
    "currency",
]


def _mix(tallies: list[Tally]) -> str:
    return "; ".join(f"{t.label or '-'}={t.admissions}" for t in tallies)


def csv_rows(result: Settlement) -> list[list[Any]]:
    rows: list[list[Any]] = [CSV_HEADER]
    for block in result.distributors:
        for m in block.movies:
            rows.append(
                [
                    result.week_start.isoformat(),
                    result.week_end.isoformat(),
                    block.distributor_id or "",
                    block.name,
                    m.movie_id,
                    m.title,
                    m.week_of_run,
                    m.showtimes,
                    m.admissions,
                    m.comps,
                    _mix(m.by_type),
                    _mix(m.by_format),
                    format_money(m.gross),
                    format_money(m.vat_rate),
                    format_money(m.vat),
                    format_money(m.net),
                    format_money(m.percentage) if m.has_terms else "",
                    format_money(m.minimum_per_showtime) if m.minimum_per_showtime is not None else "",
                    format_money(m.due),
                    result.currency,
                ]
            )
    return rows


def settlement_csv(result: Settlement) -> str:
    """The week's settlement, a row per distributor and movie (money as the API writes it)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in csv_rows(result):
        # A cell starting with = + - @ is a formula to a spreadsheet: quoted as text.
        writer.writerow([f"'{c}" if isinstance(c, str) and c[:1] in "=+-@" else c for c in row])
    return out.getvalue()
