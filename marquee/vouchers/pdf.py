"""voucher.pdf: the gift voucher as one printable page (A5), with its code and a QR code of
it that the box office scans into the code field. Labels in the active language: call under
translation.override()."""

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from marquee.notifications.rendering.pdf import draw_header_band, draw_qr, pdf_fonts


@dataclass(frozen=True)
class VoucherPage:
    cinema: str
    amount: str  # written out in the reader's language, with the currency
    code: str  # grouped, as printed
    expires: str  # the last day, written out
    to_name: str
    from_name: str
    message: str


def voucher_pdf(page: VoucherPage) -> bytes:
    regular, bold = pdf_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A5, pageCompression=1)
    canvas.setTitle(_("Gift voucher"))
    canvas.setAuthor(page.cinema)
    width, height = A5
    margin = 14 * mm
    draw_header_band(canvas, cinema=page.cinema, note=_("Gift voucher"), note_size=10)

    y = height - 42 * mm
    canvas.setFillColorRGB(0.07, 0.07, 0.09)
    canvas.setFont(bold, 30)
    canvas.drawString(margin, y, page.amount)
    y -= 20
    canvas.setFont(regular, 10.5)
    if page.to_name:
        canvas.drawString(margin, y, _("For %(name)s") % {"name": page.to_name})
        y -= 15
    if page.from_name:
        canvas.drawString(margin, y, _("From %(name)s") % {"name": page.from_name})
        y -= 15
    if page.message:
        canvas.setFont(regular, 10)
        for line in simpleSplit(page.message, regular, 10, width - 2 * margin)[:5]:
            canvas.drawString(margin, y, line)
            y -= 13
    qr_size = 60 * mm
    qr_y = 34 * mm
    draw_qr(canvas, page.code, x=(width - qr_size) / 2, y=qr_y, size=qr_size)
    canvas.setFont(bold, 13)
    canvas.drawCentredString(width / 2, qr_y - 14, page.code)
    canvas.setFont(regular, 9)
    canvas.drawCentredString(width / 2, 17 * mm, _("Valid until %(day)s") % {"day": page.expires})
    canvas.setFont(regular, 7.5)
    canvas.setFillColorRGB(0.42, 0.42, 0.45)
    canvas.drawCentredString(
        width / 2, 10 * mm, _("Spend it online with the code, or show this page at the box office.")
    )
    canvas.showPage()
    canvas.save()
    return out.getvalue()
