"""What every Marquee PDF shares: a Unicode font that prints Ukrainian, and the QR code drawn
as vectors (tickets.pdf in marquee.booking.mail, the box office's tickets, the cash-up, the
vouchers, the settlement statements)."""

import functools
import logging
import zlib
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, SUBSETN, TTFont, makeToUnicodeCMap
from reportlab.pdfgen.canvas import Canvas

from marquee.notifications.rendering.qr import BORDER, qr_matrix

log = logging.getLogger(__name__)

# Page streams compressed only, not also spelled in ASCII85 (reportlab's default, for 7-bit
# channels PDF no longer travels through): a quarter smaller, and its encoder is pure Python,
# a sixth of a ticket's PDF time. Every reportlab document in the process is Marquee's.
rl_config.useA85 = 0

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


# The characters every document's first subset of a font starts with, in this order: ASCII
# (reportlab's own start), the Ukrainian and Russian alphabets, and the punctuation and signs
# Marquee prints. With the same subset in every document, the subset font (cut from the TTF,
# compressed) is made once per process, not once per PDF, where it was half a ticket's cost.
# A character beyond these joins the subset after them: that document's subset is new, and
# is made (and cached) for it; still correct, only slower.
STABLE_ALPHABET = "АБВГҐДЕЄЁЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгґдеєёжзиіїйклмнопрстуфхцчшщъыьэюя—–·…«»‘’“”№−₴€×°"


@functools.lru_cache(maxsize=64)
def _subset_objects(font: "StableSubsetFont", number: int, subset: tuple[int, ...]) -> tuple[bytes, bytes, bytes, int]:
    """(widths array, compressed ToUnicode map, compressed font file, its length) of one subset."""
    base = _base_font_name(font, number)
    widths = pdfdoc.PDFArray([font.face.getCharWidth(c) for c in subset]).format(None)
    cmap = zlib.compress(makeToUnicodeCMap(base, list(subset)).encode("latin-1"))
    file = font.face.makeSubset(list(subset))
    return widths, cmap, zlib.compress(file), len(file)


def _base_font_name(font: TTFont, number: int) -> str:
    return (b"".join((SUBSETN(number), b"+", font.face.name, font.face.subfontNameX))).decode("pdfdoc")


def _flate(content: bytes, **entries: Any) -> pdfdoc.PDFStream:
    """A stream of content compressed already (a Filter in its dictionary: reportlab leaves it be)."""
    return pdfdoc.PDFStream(pdfdoc.PDFDictionary({"Filter": b"/FlateDecode", **entries}), content)


class StableSubsetFont(TTFont):
    """A TrueType font whose subsets are cut once per process (see STABLE_ALPHABET): the
    objects reportlab's TTFont.addObjects writes, from cached bytes."""

    def splitString(self, text: str, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        if doc not in self.state:
            super().splitString(STABLE_ALPHABET, doc)
        return super().splitString(text, doc, encoding)

    def addObjects(self, doc: Any) -> None:
        if not doc.compression:
            super().addObjects(doc)
            return
        state = self.state[doc]
        state.frozen = 1
        face = self.face
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            base = _base_font_name(self, n)
            widths, cmap, file, length = _subset_objects(self, n, tuple(subset))
            descriptor = pdfdoc.PDFDictionary(
                {
                    "Type": "/FontDescriptor",
                    "Ascent": face.ascent,
                    "CapHeight": face.capHeight,
                    "Descent": face.descent,
                    "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                    "FontBBox": pdfdoc.PDFArray(face.bbox),
                    "FontName": pdfdoc.PDFName(base),
                    "ItalicAngle": face.italicAngle,
                    "StemV": face.stemV,
                    "FontFile2": doc.Reference(_flate(file, Length1=length), f"fontFile:{face.filename}({base})"),
                    "MissingWidth": face.defaultWidth,
                }
            )
            pdf_font = pdfdoc.PDFTrueTypeFont()
            pdf_font.Name = internal_name
            pdf_font.BaseFont = base
            pdf_font.FirstChar = 0
            pdf_font.LastChar = len(subset) - 1
            pdf_font.Widths = widths
            pdf_font.ToUnicode = doc.Reference(_flate(cmap), "toUnicodeCMap:" + base)
            pdf_font.FontDescriptor = doc.Reference(descriptor, "fontDescriptor:" + base)
            doc.Reference(pdf_font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = pdf_font
        del self.state[doc]


@functools.cache
def pdf_fonts() -> tuple[str, str]:
    """The regular and bold font names every Marquee PDF uses (tickets, the cash-up): a
    Unicode TrueType font, registered once, so that Ukrainian prints."""
    for regular, bold in _FONT_CANDIDATES:
        if Path(regular).is_file() and Path(bold).is_file():
            pdfmetrics.registerFont(StableSubsetFont("TicketSans", regular))
            pdfmetrics.registerFont(StableSubsetFont("TicketSans-Bold", bold))
            return "TicketSans", "TicketSans-Bold"
    log.warning("No Unicode TrueType font found; tickets.pdf falls back to Helvetica (no Cyrillic)")
    return "Helvetica", "Helvetica-Bold"


def draw_qr(canvas: Canvas, data: str, *, x: float, y: float, size: float) -> None:
    """The code as filled rectangles: crisp at any zoom and far smaller than an image.

    Drawn in module units (the canvas scaled), one rectangle per horizontal run of dark
    modules, so the page stream is short and its numbers are small integers. The operators
    are written here as text: reportlab's path object formats every number as a float in
    Python, a third of a ticket's PDF time.
    """
    matrix = qr_matrix(data)
    modules = len(matrix) + 2 * BORDER
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.translate(x, y + size)
    canvas.scale(size / modules, -size / modules)
    canvas.setFillColorRGB(0, 0, 0)
    ops = []
    for r, row in enumerate(matrix, BORDER):
        c, width = 0, len(row)
        while c < width:
            if row[c]:
                start = c
                while c < width and row[c]:
                    c += 1
                ops.append(f"{start + BORDER} {r} {c - start} 1 re")
            else:
                c += 1
    ops.append("f")  # the runs never overlap: either fill rule paints the same
    canvas.addLiteral("\n".join(ops))
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
