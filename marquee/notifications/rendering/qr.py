"""QR codes for tickets: a PNG for email, the module matrix for the PDF (drawn as vectors)."""

import io

import segno

# M recovers from 15% damage (a crease, a cracked screen) and keeps the code small.
ERROR_LEVEL = "m"


def qr_matrix(data: str) -> list[list[bool]]:
    """Rows of dark (True) and light modules, without the quiet zone."""
    code = segno.make_qr(data, error=ERROR_LEVEL, boost_error=False)
    return [[bool(v) for v in row] for row in code.matrix]


def qr_png(data: str, *, scale: int = 6) -> bytes:
    # Black on white with the full quiet zone whatever the mail client's theme: a dark
    # mode that inverts colours or a missing border makes codes unreadable to scanners.
    code = segno.make_qr(data, error=ERROR_LEVEL, boost_error=False)
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=4, dark="#000000", light="#ffffff")
    return out.getvalue()
