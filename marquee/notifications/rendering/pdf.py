"""What every Marquee PDF shares: a Unicode font that prints Ukrainian, and the QR code drawn
as vectors (tickets.pdf in marquee.booking.mail, the box office's tickets, the cash-up, the
vouchers, the settlement statements)."""

import functools
import logging
from pathlib import Path

from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from marquee.notifications.rendering.qr import qr_matrix

log = logging.getLogger(__name__)

# Titles and names are often Cyrillic: the PDF's 14 built-in fonts have no Cyrillic, so
# a Unicode TrueType font is embedded (subset). DejaVu Sans ships with Marquee (free
# licence, in ../fonts) so that a fresh machine prints Cyrillic; system fonts are fallbacks.
_BUNDLED = Path(__file__).resolve().parent.parent / "fonts"
_FONT_CANDIDATES = [
    (str(_BUNDLED / "DejaVuSans.ttf"), str(_BUNDLED / "DejaVuSans-Bold.ttf")),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    ("/Library/Fonts/Arial Unicode.ttf", "/Library/Fonts/Arial Unicode.ttf"),
]


@functools.cache
def pdf_fonts() -> tuple[str, str]:
    """The regular and bold font names every Marquee PDF uses (tickets, the cash-up): a
    Unicode TrueType font, registered once, so that Ukrainian prints."""
    for regular, bold in _FONT_CANDIDATES:
        if Path(regular).is_file() and Path(bold).is_file():
            pdfmetrics.registerFont(TTFont("TicketSans", regular))
            pdfmetrics.registerFont(TTFont("TicketSans-Bold", bold))
            return "TicketSans", "TicketSans-Bold"
    log.warning("No Unicode TrueType font found; tickets.pdf falls back to Helvetica (no Cyrillic)")
    return "Helvetica", "Helvetica-Bold"


def draw_qr(canvas: Canvas, data: str, *, x: float, y: float, size: float) -> None:
    """The code as filled rectangles: crisp at any zoom and far smaller than an image.

    Drawn in module units (the canvas scaled), one rectangle per horizontal run of dark
    modules, so the page stream is short and its numbers are small integers.
    """
    matrix = qr_matrix(data)
    quiet = 4
    modules = len(matrix) + 2 * quiet
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.translate(x, y + size)
    canvas.scale(size / modules, -size / modules)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        c, width = 0, len(row)
        while c < width:
            if row[c]:
                start = c
                while c < width and row[c]:
                    c += 1
                path.rect(start + quiet, r + quiet, c - start, 1)
            else:
                c += 1
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def draw_header_band(canvas: Canvas, *, cinema: str, note: str, note_size: float = 9) -> None:
    """The dark band across the top of an A5 page that tickets and vouchers share: the
    cinema's name on the left, `note` (page 2/3, "Gift voucher") on the right."""
    regular, bold = pdf_fonts()
    width, height = A5
    margin = 14 * mm
    canvas.setFillColorRGB(0.11, 0.10, 0.18)
    canvas.rect(0, height - 24 * mm, width, 24 * mm, stroke=0, fill=1)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.setFont(bold, 15)
    canvas.drawString(margin, height - 15 * mm, cinema)
    canvas.setFont(regular, note_size)
    canvas.drawRightString(width - margin, height - 15 * mm, note)
