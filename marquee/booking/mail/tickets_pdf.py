"""tickets.pdf: one page per admission, with its QR code and every detail, printable or
shown from a phone at the door."""

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from marquee.notifications.rendering.pdf import draw_header_band, draw_qr, pdf_fonts


@dataclass(frozen=True)
class TicketPage:
    cinema: str
    movie: str
    age_rating: str
    when: str  # local date and time, written out
    hall: str  # name and number
    row: int
    seat: int
    seat_type: str
    price: str  # "" on a gift's copy
    tariff: str
    reference: str
    holder: str
    code: str
    position: str  # "Ticket 2 of 3"
    ticket_type: str = ""  # "Student"
    door_note: str = ""  # "Show student ID"
    presentation: str = ""  # the showtime's format and language: "3D · Original, Ukrainian subtitles"


def _label_value(
    canvas: Canvas, fonts: tuple[str, str], *, x: float, y: float, label: str, value: str, size: float = 13
) -> None:
    regular, bold = fonts
    canvas.setFillColorRGB(0.42, 0.42, 0.45)
    canvas.setFont(regular, 7.5)
    canvas.drawString(x, y + size + 3, label.upper())
    canvas.setFillColorRGB(0.07, 0.07, 0.09)
    canvas.setFont(bold, size)
    canvas.drawString(x, y, value)


def _page(canvas: Canvas, page: TicketPage, fonts: tuple[str, str]) -> None:
    regular, bold = fonts
    width, height = A5
    margin = 14 * mm
    draw_header_band(canvas, cinema=page.cinema, note=page.position)

    y = height - 38 * mm
    canvas.setFillColorRGB(0.07, 0.07, 0.09)
    canvas.setFont(bold, 19)
    for line in simpleSplit(page.movie, bold, 19, width - 2 * margin)[:3]:
        canvas.drawString(margin, y, line)
        y -= 23
    canvas.setFont(regular, 10.5)
    canvas.drawString(margin, y, f"{page.when} · {page.age_rating}")
    y -= 17
    canvas.drawString(margin, y, f"{page.hall} · {page.presentation}" if page.presentation else page.hall)

    y -= 44
    col = (width - 2 * margin) / 3
    _label_value(canvas, fonts, x=margin, y=y, label=_("Row"), value=str(page.row), size=22)
    _label_value(canvas, fonts, x=margin + col, y=y, label=_("Seat"), value=str(page.seat), size=22)
    _label_value(canvas, fonts, x=margin + 2 * col, y=y, label=_("Seat type"), value=page.seat_type)
    y -= 40
    if page.price:
        _label_value(canvas, fonts, x=margin, y=y, label=_("Price"), value=page.price)
    _label_value(canvas, fonts, x=margin + col, y=y, label=_("Tariff"), value=page.tariff or "—")
    _label_value(canvas, fonts, x=margin + 2 * col, y=y, label=_("Booking"), value=page.reference)
    if page.ticket_type:
        # Above the QR code (whose top is at 100 mm) even under a three-line title.
        y -= 30
        kind = f"{page.ticket_type} — {page.door_note}" if page.door_note else page.ticket_type
        _label_value(canvas, fonts, x=margin, y=y, label=_("Ticket type"), value=kind, size=11)

    qr_size = 72 * mm
    qr_y = 28 * mm
    draw_qr(canvas, page.code, x=(width - qr_size) / 2, y=qr_y, size=qr_size)
    canvas.setFont(regular, 7)
    canvas.setFillColorRGB(0.42, 0.42, 0.45)
    canvas.drawCentredString(width / 2, qr_y - 9, page.code)
    canvas.setFont(regular, 9)
    canvas.setFillColorRGB(0.07, 0.07, 0.09)
    canvas.drawCentredString(width / 2, 16 * mm, _("Admits one: %(holder)s") % {"holder": page.holder})
    canvas.setFont(regular, 7.5)
    canvas.setFillColorRGB(0.42, 0.42, 0.45)
    canvas.drawCentredString(width / 2, 10 * mm, _("Show this page (printed or on screen) at the door."))


def tickets_pdf(pages: list[TicketPage], *, title: str) -> bytes:
    """The labels are in the active language: call under translation.override()."""
    fonts = pdf_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A5, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor(pages[0].cinema if pages else "")
    for page in pages:
        _page(canvas, page, fonts)
        canvas.showPage()
    canvas.save()
    return out.getvalue()
