"""The cash-up page and its printable PDF: one day's till per staff member (a shift is the
cinema's local day per staff member), from marquee.payments.cash_up.

Who sees what: Admin (report readers) sees every staff member's line and the totals; Box
office sees only its own line, so that a cashier counts their own till and not a colleague's.
"""

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from marquee.backoffice.access import BOOKINGS, REPORTS, can, staff_page
from marquee.core.clock import MAX_YEAR, MIN_YEAR, local_today
from marquee.core.money import money_text
from marquee.notifications.rendering.pdf import pdf_fonts
from marquee.payments.cash_up import CashUp, CashUpLine, cash_up

SHIFT_NOTE = _("A shift is the cinema's day (midnight to midnight) per staff member.")
COMPS_NOTE = gettext_lazy("Comps are free tickets given at the counter: counted as tickets, no money.")


def chosen_day(request: HttpRequest) -> tuple[dt.date, bool]:
    """The day asked for, or today when none was or it is not a date (never a 500); and
    whether what was typed was refused."""
    raw = request.GET.get("day", "")
    if not raw:
        return local_today(), False
    try:
        day = dt.date.fromisoformat(raw) if raw.isascii() and len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None or not MIN_YEAR <= day.year <= MAX_YEAR:
        return local_today(), True
    return day, False


def _figures(request: HttpRequest, day: dt.date) -> tuple[CashUp, bool]:
    everyone = can(request.user, REPORTS)
    return cash_up(day=day, staff_user_id=None if everyone else request.user.pk), everyone


@staff_page(BOOKINGS, REPORTS)
@require_safe
def cash_up_page(request: HttpRequest) -> HttpResponse:
    day, refused = chosen_day(request)
    figures, everyone = _figures(request, day)
    context: dict[str, Any] = {
        "day": day,
        "refused": refused,
        "figures": figures,
        "total": figures.total,
        "everyone": everyone,
        "shift_note": SHIFT_NOTE,
        "comps_note": COMPS_NOTE,
        # Inside MIN_YEAR..MAX_YEAR both exist; one just outside the range reads as today.
        "previous": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1),
    }
    return render(request, "backoffice/cash_up.html", context)


@staff_page(BOOKINGS, REPORTS)
@require_safe
def cash_up_pdf(request: HttpRequest) -> HttpResponse:
    day, _refused = chosen_day(request)
    figures, everyone = _figures(request, day)
    response = HttpResponse(cash_up_document(figures, everyone=everyone), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="cash-up-{day.isoformat()}.pdf"'
    return response


COLUMNS = (
    _("Staff member"),
    _("Payments"),
    _("Cash taken"),
    _("Cash paid back"),
    _("Net cash"),
    _("Card taken"),
    _("Card paid back"),
    _("Comps"),
)


def _cells(line: CashUpLine) -> list[str]:
    return [
        line.name,
        str(line.payments),
        money_text(line.cash_taken),
        money_text(line.cash_paid_back),
        money_text(line.cash_net),
        money_text(line.card_taken),
        money_text(line.card_paid_back),
        str(line.comps),
    ]


def _fit(label: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """The label on one line, or split at the space that best balances two."""
    if measure(label) <= width or " " not in label:
        return [label]
    cuts = [i for i, c in enumerate(label) if c == " "]
    cut = min(cuts, key=lambda i: max(measure(label[:i]), measure(label[i + 1 :])))
    return [label[:cut], label[cut + 1 :]]


def cash_up_document(figures: CashUp, *, everyone: bool) -> bytes:
    """An A4 page (more when many staff worked) with the page's figures, to sign and keep
    with the till."""
    regular, bold = pdf_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    title = gettext("Cash-up %(day)s") % {"day": figures.day.isoformat()}
    canvas.setTitle(title)
    _width, height = A4
    left = 15 * mm
    # Column right edges (the name column is left-aligned at `left`).
    rights = [0, 62, 85, 108, 128, 150, 177, 195]
    y = height - 20 * mm

    def header() -> float:
        canvas.setFont(bold, 16)
        canvas.drawString(left, height - 20 * mm, title)
        canvas.setFont(regular, 9)
        canvas.drawString(left, height - 27 * mm, str(SHIFT_NOTE))
        canvas.setFont(bold, 8)
        row_y = height - 38 * mm
        canvas.drawString(left, row_y, str(COLUMNS[0]))
        wrapped = False
        for i, label in enumerate(COLUMNS[1:], start=1):
            # A label wider than its column (longer words in some languages) takes two lines.
            room = (rights[i] - rights[i - 1] - 2) * mm
            lines = _fit(str(label), room, lambda text: canvas.stringWidth(text, bold, 8))
            for n, text in enumerate(lines):
                canvas.drawRightString(rights[i] * mm, row_y - n * 3.5 * mm, text)
            wrapped = wrapped or len(lines) > 1
        return row_y - (10.5 if wrapped else 7) * mm

    def row(cells: list[str], row_y: float, font: str) -> None:
        canvas.setFont(font, 9)
        canvas.drawString(left, row_y, cells[0][:28])
        for i, cell in enumerate(cells[1:], start=1):
            canvas.drawRightString(rights[i] * mm, row_y, cell)

    y = header()
    for line in figures.lines:
        if y < 40 * mm:
            canvas.showPage()
            y = header()
        row(_cells(line), y, regular)
        y -= 6 * mm
    if not figures.lines:
        canvas.setFont(regular, 9)
        canvas.drawString(left, y, gettext("No box-office payments or refunds on this day."))
        y -= 6 * mm
    if everyone:
        canvas.line(left, y + 4 * mm, 195 * mm, y + 4 * mm)
        row(_cells(figures.total), y, bold)
        y -= 8 * mm
    canvas.setFont(regular, 9)
    canvas.drawString(left, y, str(COMPS_NOTE))
    canvas.drawString(left, 25 * mm, gettext("Counted by: ______________________    Signature: ______________________"))
    canvas.showPage()
    canvas.save()
    return out.getvalue()
