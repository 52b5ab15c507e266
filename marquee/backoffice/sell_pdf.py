"""The box office's printouts, made with reportlab in the staff member's language:

- tickets for an 80 mm thermal printer: the page is 80 mm wide, one ticket per page (the
  printer cuts between pages), with the QR code the door scans;
- tickets on A4: three per sheet, to cut along the dashed lines;
- a receipt, 80 mm wide: the seats and their prices, the total, how it was paid, who sold it,
  when, and the cinema.

Fonts are the ones every Marquee PDF uses (pdf_fonts: Cyrillic prints); QR codes are the
tickets' own (the same codes as the emailed tickets), drawn as vectors.
"""

import io
from dataclasses import dataclass

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from marquee.booking.checkin import ticket_code
from marquee.booking.models import COMP, Booking, BookingSeat
from marquee.core.clock import local
from marquee.core.money import money_text
from marquee.notifications.rendering.pdf import draw_qr, pdf_fonts

THERMAL_WIDTH = 80 * mm
THERMAL_MARGIN = 4 * mm
TICKETS_PER_A4 = 3


@dataclass(frozen=True)
class Ticket:
    movie: str
    age_rating: str
    when: str
    hall: str
    row: int
    seat: int
    seat_type: str
    price: str
    reference: str
    code: str
    position: str


def _when(booking: Booking) -> str:
    starts = local(booking.showtime.starts_at)
    return f"{formats.date_format(starts, 'D j E Y')}, {formats.time_format(starts, 'H:i')}"


def _hall(booking: Booking) -> str:
    hall = booking.showtime.hall
    return _("%(name)s · hall %(number)s") % {"name": hall.name, "number": hall.number}


def _seats(booking: Booking) -> list[BookingSeat]:
    return sorted(booking.seats.all(), key=lambda bs: (bs.seat.row_number, bs.seat.seat_number))


def _price(booking: Booking, bs: BookingSeat) -> str:
    return _("Comp") if booking.payment_method == COMP else money_text(bs.final_price)


def tickets(booking: Booking) -> list[Ticket]:
    seats = _seats(booking)
    movie = booking.showtime.movie
    return [
        Ticket(
            movie=movie.title,
            age_rating=f"{movie.age_rating}+",
            when=_when(booking),
            hall=_hall(booking),
            row=bs.seat.row_number,
            seat=bs.seat.seat_number,
            # The seat's type and who the ticket is for: "Standard · Student".
            seat_type=" · ".join(filter(None, [str(bs.seat.get_seat_type_display()), bs.ticket_type_label])),
            price=_price(booking, bs),
            reference=booking.reference,
            code=ticket_code(bs.pk),
            position=_("Ticket %(number)s of %(tickets)s") % {"number": i, "tickets": len(seats)},
        )
        for i, bs in enumerate(seats, 1)
    ]


def _canvas(out: io.BytesIO, size: tuple[float, float], title: str) -> Canvas:
    canvas = Canvas(out, pagesize=size, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor(settings.CINEMA_NAME)
    return canvas


# --- 80 mm thermal tickets -------------------------------------------------------------

THERMAL_TICKET_HEIGHT = 150 * mm


def _thermal_ticket(canvas: Canvas, t: Ticket, fonts: tuple[str, str]) -> None:
    regular, bold = fonts
    width, height = THERMAL_WIDTH, THERMAL_TICKET_HEIGHT
    left, inner = THERMAL_MARGIN, THERMAL_WIDTH - 2 * THERMAL_MARGIN
    y = height - 8 * mm
    canvas.setFont(bold, 11)
    canvas.drawString(left, y, settings.CINEMA_NAME[:40])
    canvas.setFont(regular, 7.5)
    canvas.drawRightString(width - left, y, t.position)
    y -= 8 * mm
    canvas.setFont(bold, 14)
    for line in simpleSplit(t.movie, bold, 14, inner)[:3]:
        canvas.drawString(left, y, line)
        y -= 6 * mm
    canvas.setFont(regular, 9)
    canvas.drawString(left, y, f"{t.when} · {t.age_rating}")
    y -= 5 * mm
    canvas.drawString(left, y, t.hall)
    y -= 10 * mm
    half = inner / 2
    canvas.setFont(regular, 7)
    canvas.drawString(left, y + 7 * mm, _("Row").upper())
    canvas.drawString(left + half, y + 7 * mm, _("Seat").upper())
    canvas.setFont(bold, 22)
    canvas.drawString(left, y, str(t.row))
    canvas.drawString(left + half, y, str(t.seat))
    y -= 6 * mm
    canvas.setFont(regular, 9)
    canvas.drawString(left, y, t.seat_type)
    canvas.drawRightString(width - left, y, t.price)
    qr = 56 * mm
    draw_qr(canvas, t.code, x=(width - qr) / 2, y=y - 4 * mm - qr, size=qr)
    y -= qr + 8 * mm
    canvas.setFont(regular, 9)
    canvas.drawCentredString(width / 2, y, _("Booking %(reference)s") % {"reference": t.reference})
    canvas.setFont(regular, 5.5)
    canvas.drawCentredString(width / 2, y - 4 * mm, t.code[:70])


def tickets_80mm_pdf(booking: Booking) -> bytes:
    fonts = pdf_fonts()
    out = io.BytesIO()
    canvas = _canvas(
        out, (THERMAL_WIDTH, THERMAL_TICKET_HEIGHT), _("Tickets %(reference)s") % {"reference": booking.reference}
    )
    for t in tickets(booking):
        _thermal_ticket(canvas, t, fonts)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


# --- A4 tickets ----------------------------------------------------------------------------


def _a4_ticket(canvas: Canvas, t: Ticket, fonts: tuple[str, str], *, top: float, band: float) -> None:
    regular, bold = fonts
    width, _height = A4
    left = 15 * mm
    qr = band - 20 * mm
    text_width = width - 2 * left - qr - 8 * mm
    y = top - 12 * mm
    canvas.setFont(bold, 12)
    canvas.drawString(left, y, settings.CINEMA_NAME[:60])
    canvas.setFont(regular, 8)
    canvas.drawString(left + text_width - 30 * mm, y, t.position)
    y -= 9 * mm
    canvas.setFont(bold, 16)
    for line in simpleSplit(t.movie, bold, 16, text_width)[:2]:
        canvas.drawString(left, y, line)
        y -= 7 * mm
    canvas.setFont(regular, 10)
    canvas.drawString(left, y, f"{t.when} · {t.age_rating}")
    y -= 5.5 * mm
    canvas.drawString(left, y, t.hall)
    y -= 13 * mm
    canvas.setFont(regular, 7.5)
    canvas.drawString(left, y + 8 * mm, _("Row").upper())
    canvas.drawString(left + 30 * mm, y + 8 * mm, _("Seat").upper())
    canvas.drawString(left + 60 * mm, y + 8 * mm, _("Price").upper())
    canvas.setFont(bold, 22)
    canvas.drawString(left, y, str(t.row))
    canvas.drawString(left + 30 * mm, y, str(t.seat))
    canvas.setFont(bold, 12)
    canvas.drawString(left + 60 * mm, y, t.price)
    y -= 7 * mm
    canvas.setFont(regular, 9)
    canvas.drawString(left, y, f"{t.seat_type} · {_('Booking %(reference)s') % {'reference': t.reference}}")
    draw_qr(canvas, t.code, x=width - left - qr, y=top - band + 10 * mm, size=qr)


def tickets_a4_pdf(booking: Booking) -> bytes:
    fonts = pdf_fonts()
    out = io.BytesIO()
    canvas = _canvas(out, A4, _("Tickets %(reference)s") % {"reference": booking.reference})
    width, height = A4
    band = (height - 20 * mm) / TICKETS_PER_A4
    all_tickets = tickets(booking)
    for start in range(0, len(all_tickets), TICKETS_PER_A4):
        for i, t in enumerate(all_tickets[start : start + TICKETS_PER_A4]):
            top = height - 10 * mm - i * band
            _a4_ticket(canvas, t, fonts, top=top, band=band)
            if i:
                canvas.saveState()
                canvas.setDash(3, 3)
                canvas.setStrokeColorRGB(0.6, 0.6, 0.6)
                canvas.line(10 * mm, top, width - 10 * mm, top)
                canvas.restoreState()
        canvas.showPage()
    canvas.save()
    return out.getvalue()


# --- the receipt -------------------------------------------------------------------------


def _method(booking: Booking) -> str:
    names = {"cash": _("Cash"), "card_terminal": _("Card terminal"), COMP: _("Comp")}
    return str(names.get(booking.payment_method, booking.payment_method))


def receipt_pdf(booking: Booking) -> bytes:
    regular, bold = pdf_fonts()
    seats = _seats(booking)
    line_height = 5 * mm
    typed = sum(1 for bs in seats if bs.ticket_type_label)  # a second line each, naming the ticket type
    height = 95 * mm + line_height * (len(seats) + typed) + (6 * mm if booking.comp_reason else 0)
    out = io.BytesIO()
    canvas = _canvas(out, (THERMAL_WIDTH, height), _("Receipt %(reference)s") % {"reference": booking.reference})
    left, right = THERMAL_MARGIN, THERMAL_WIDTH - THERMAL_MARGIN
    inner = right - left
    y = height - 8 * mm
    canvas.setFont(bold, 12)
    canvas.drawCentredString(THERMAL_WIDTH / 2, y, settings.CINEMA_NAME[:40])
    y -= 6 * mm
    canvas.setFont(regular, 9)
    canvas.drawCentredString(THERMAL_WIDTH / 2, y, _("Receipt"))
    y -= 8 * mm
    sold_at = local(booking.paid_at or booking.booked_at)
    canvas.setFont(regular, 8)
    canvas.drawString(left, y, _("Booking %(reference)s") % {"reference": booking.reference})
    canvas.drawRightString(right, y, f"{formats.date_format(sold_at, 'j.m.Y')} {formats.time_format(sold_at, 'H:i')}")
    y -= 7 * mm
    canvas.setFont(bold, 9)
    for line in simpleSplit(booking.showtime.movie.title, bold, 9, inner)[:2]:
        canvas.drawString(left, y, line)
        y -= 4.5 * mm
    canvas.setFont(regular, 8)
    canvas.drawString(left, y, _when(booking))
    y -= 4.5 * mm
    canvas.drawString(left, y, _hall(booking))
    y -= 6 * mm
    canvas.line(left, y + 3 * mm, right, y + 3 * mm)
    for bs in seats:
        label = _("Row %(row)s, seat %(n)s") % {"row": bs.seat.row_number, "n": bs.seat.seat_number}
        canvas.drawString(left, y, f"{label} · {bs.seat.get_seat_type_display()}")
        canvas.drawRightString(right, y, money_text(bs.final_price))
        y -= line_height
        if bs.ticket_type_label:
            canvas.drawString(left + 3 * mm, y, bs.ticket_type_label)
            y -= line_height
    canvas.line(left, y + 3 * mm, right, y + 3 * mm)
    y -= 1 * mm
    canvas.setFont(bold, 11)
    canvas.drawString(left, y, _("Total"))
    canvas.drawRightString(right, y, money_text(booking.total_price))
    y -= 7 * mm
    canvas.setFont(regular, 8)
    canvas.drawString(left, y, _("Paid by: %(method)s") % {"method": _method(booking)})
    y -= 4.5 * mm
    if booking.comp_reason:
        canvas.drawString(left, y, (_("Comp: %(reason)s") % {"reason": booking.comp_reason})[:60])
        y -= 4.5 * mm
    staff = booking.sold_by
    if staff is not None:
        name = staff.get_full_name() or staff.get_username()
        canvas.drawString(left, y, _("Sold by: %(name)s") % {"name": name})
        y -= 4.5 * mm
    canvas.setFont(regular, 7)
    canvas.drawCentredString(THERMAL_WIDTH / 2, 6 * mm, _("Thank you, and enjoy the film."))
    canvas.showPage()
    canvas.save()
    return out.getvalue()
