"""QR codes for tickets: a PNG for email, the module matrix for the PDF (drawn as vectors)."""

import functools
import io

import segno

# M recovers from 15% damage (a crease, a cracked screen) and keeps the code small.
ERROR_LEVEL = "m"


@functools.lru_cache(maxsize=512)
def _encode(data: str) -> segno.QRCode:
    # Choosing the best mask is most of the cost of a code (pure Python); the email's PNG
    # and the PDF's page for one ticket share one encoding.
    return segno.make_qr(data, error=ERROR_LEVEL, boost_error=False)


def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    """Rows of dark (True) and light modules, without the quiet zone."""
    return tuple(tuple(bool(v) for v in row) for row in _encode(data).matrix)


def qr_png(data: str, *, scale: int = 6) -> bytes:
    # Black on white with the full quiet zone whatever the mail client's theme: a dark
    # mode that inverts colours or a missing border makes codes unreadable to scanners.
    out = io.BytesIO()
    _encode(data).save(out, kind="png", scale=scale, border=4, dark="#000000", light="#ffffff")
    return out.getvalue()


def qr_cache_clear() -> None:
    """Forget cached encodings (benchmarks measure a cold start)."""
    _encode.cache_clear()
