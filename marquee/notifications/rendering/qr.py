"""QR codes for tickets: a PNG for email, the module matrix for the PDF (drawn as vectors)."""

import functools
import struct
import zlib

import segno

from marquee.notifications.rendering import qr_mask

# M recovers from 15% damage (a crease, a cracked screen) and keeps the code small.
ERROR_LEVEL = "m"
# The mask is the one segno chooses (the best of eight by the standard's penalty rules). A fixed
# mask was tried to save 7 ms a code, but some codes then showed patterns the door's camera could
# not read (tests/browser/test_checkin_camera.py caught one): a ticket that won't scan costs more.
# qr_mask makes exactly segno's choice, only faster (0.5 ms a ticket's code instead of 2).
BORDER = 4  # the quiet zone a reader needs around a code, in modules


@functools.lru_cache(maxsize=512)
def _encode(data: str) -> segno.QRCode:
    # The email's PNG and the PDF's page for one ticket share one encoding.
    return qr_mask.make_qr(data, ERROR_LEVEL)


def qr_matrix(data: str) -> tuple[bytearray, ...]:
    """Rows of dark (1) and light (0) modules, without the quiet zone (segno's own rows:
    cached, so never to be changed)."""
    return _encode(data).matrix


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def qr_png(data: str, *, scale: int = 6) -> bytes:
    """The code as a 1-bit greyscale PNG, written here: segno's writer sets pixel by pixel
    in Python (2.5 ms a code); a row of modules is one integer here, repeated `scale` times.

    Black on white with the full quiet zone whatever the mail client's theme: a dark mode
    that inverts colours or a missing border makes codes unreadable to scanners."""
    matrix = qr_matrix(data)
    modules = len(matrix) + 2 * BORDER
    side = modules * scale
    pad = -side % 8  # each PNG row fills whole bytes
    light = (1 << (scale * BORDER)) - 1  # 1 is white in 1-bit greyscale
    rows = []
    for row in matrix:
        bits = "".join("0" * scale if v else "1" * scale for v in row)
        value = (((light << len(bits)) | int(bits, 2)) << (scale * BORDER)) | light
        line = b"\x00" + (value << pad).to_bytes((side + pad) // 8, "big")  # filter type 0
        rows.append(line * scale)
    blank = (b"\x00" + (((1 << side) - 1) << pad).to_bytes((side + pad) // 8, "big")) * (scale * BORDER)
    raw = blank + b"".join(rows) + blank
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1 bit, greyscale
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b"")
    )


def qr_cache_clear() -> None:
    """Forget cached encodings (benchmarks measure a cold start)."""
    _encode.cache_clear()
