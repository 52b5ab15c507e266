"""QR codes exactly as `segno.make_qr` makes them, with the data mask chosen far faster.

segno chooses the mask by applying each of the eight to the matrix and scoring the result by
the standard's penalty rules in pure-Python loops: 1.5 ms of the 1.9 ms a ticket's code took.
The mask must stay segno's choice (a fixed mask made some codes unreadable to the door's
camera), so the same eight matrices are scored here by the same rules, segno's quirks included,
a whole matrix at a time: one encoding with a known mask gives the data modules; each mask is
then an XOR and a few dozen shifts and masks of one integer holding all rows and all columns.
tests/notifications/test_qr_mask.py compares every score and every matrix with segno's.
"""

import functools
from dataclasses import dataclass

import segno
from segno import encoder

# Any mask will do to recover the data modules; a code that comes out with this one needs no
# second pass.
_PROBE_MASK = 0
# Light modules after every line (a row or a column): no run, 2x2 block or finder-like pattern
# continues into the next line, and the four modules around a pattern that segno looks at (cut
# short at the symbol's edge) never reach another line.
_GAP = 4
_AS_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


@dataclass(frozen=True, slots=True)
class _Layout:
    """One version's symbol as an integer: its rows, then its columns, each line `_GAP` light
    modules apart; a module is a bit, the first row's first module the most significant."""

    size: int
    stride: int  # bits from one line to the next
    # The encoding region as segno marks it: the modules it masks.
    region: int
    # What segno has outside the region while it scores: the function patterns, and the
    # format and version information still light (it writes them once it has chosen).
    fixed: int
    patterns: tuple[int, ...]  # each mask's dark modules within the region
    # The same patterns over the rows alone, a module a byte: to change a finished code's mask.
    row_patterns: tuple[int, ...]
    windows: int  # the last module of every 5 modules in a line
    first_windows: int  # the last module of the first 5 in a line
    blocks: int  # the lower right module of every 2x2 block (the rows' half only)
    block_count: int


def _lines(rows: tuple[bytes | bytearray, ...]) -> int:
    size = len(rows)
    flat = b"".join(rows)
    lines = [flat[i : i + size] for i in range(0, size * size, size)] + [flat[j::size] for j in range(size)]
    gap = bytes(_GAP)
    return int((gap.join(lines) + gap).translate(_AS_DIGITS), 2)


def _positions(size: int, stride: int, lines: range, columns: range) -> int:
    line = sum(1 << (stride - 1 - j) for j in columns)
    return sum(line << (stride * (2 * size - 1 - k)) for k in lines)


@functools.cache
def _layout(version: int) -> _Layout:
    size = version * 4 + 17
    stride = size + _GAP
    # segno's own function matrix, built as its find_and_apply_best_mask builds it: the cells
    # still 0x2 are the encoding region, the others hold what it scores there.
    function = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(function, size, size)
    encoder.add_alignment_patterns(function, size, size)
    cells = tuple(tuple(row) for row in function)
    masks = tuple(
        tuple(bytes(v == 2 and bool(fn(i, j)) for j, v in enumerate(row)) for i, row in enumerate(cells))
        for fn in encoder.get_data_mask_functions(False)
    )
    return _Layout(
        size=size,
        stride=stride,
        region=_lines(tuple(bytes(v == 2 for v in row) for row in cells)),
        fixed=_lines(tuple(bytes(0 if v == 2 else v for v in row) for row in cells)),
        patterns=tuple(_lines(mask) for mask in masks),
        row_patterns=tuple(int.from_bytes(b"".join(mask)) for mask in masks),
        windows=_positions(size, stride, range(2 * size), range(4, size)),
        first_windows=_positions(size, stride, range(2 * size), range(4, 5)),
        blocks=_positions(size, stride, range(1, size), range(1, size)),
        block_count=(size - 1) ** 2,
    )


def _n3_stepwise(modules: int, layout: _Layout) -> int:
    """segno's own N3 loop, for the symbols where overlapping patterns make it skip some."""
    lines = format(modules, f"0{2 * layout.size * layout.stride}b")
    score = 0
    at = lines.find("1011101")
    while at != -1:
        if "1" not in lines[max(at - 4, 0) : at] or "1" not in lines[at + 7 : at + 11]:
            score += 40
            at = lines.find("1011101", at + 7)
        else:
            at = lines.find("1011101", at + 4)
    return score


def _penalty(x: int, layout: _Layout) -> int:
    """segno's `evaluate_mask` of the symbol `x` (laid out as `_Layout` says).

    Each rule is a few whole-symbol operations: at every position, `x << k` holds the module
    k places further on in the layout and `x >> k` the one k places back."""
    # N1: a run of 5 + i modules scores 3 + i: one for each of its 1 + i windows of five, and
    # two for its first.
    changes = x ^ (x >> 1)  # the module differs from the one before it
    uniform = layout.windows & ~(changes | (changes >> 1) | (changes >> 2) | (changes >> 3))
    n1 = uniform.bit_count() + 2 * (uniform & ((changes >> 4) | layout.first_windows)).bit_count()
    # N2: 3 for every 2x2 block of one colour, overlapping ones included.
    stride = layout.stride
    mixed = changes | (changes >> stride) | (x ^ (x >> stride))
    n2 = 3 * (layout.block_count - (mixed & layout.blocks).bit_count())
    # N3: 40 for every dark-light-dark-dark-dark-light-dark with no dark module in the up to
    # four before it or in the up to four after it.
    found = x & (x << 2) & (x << 3) & (x << 4) & (x << 6) & ~((x << 1) | (x << 5))
    dark4 = x | (x >> 1) | (x >> 2) | (x >> 3)  # a dark module here or up to three before
    counted = found & ~((dark4 >> 1) & (dark4 << 10))
    # segno searches on 7 modules after a pattern it counted, so it misses one that starts 4 or
    # 6 modules later (overlapping it); only its own loop tells what it then sees.
    overlapped = found & ((counted >> 4) | (counted >> 6))
    n3 = _n3_stepwise(x, layout) if overlapped else 40 * counted.bit_count()
    # N4: 10 for every 5% the dark modules are off 50%; segno's float arithmetic, so that a
    # boundary falls where it falls in segno.
    dark = x.bit_count() // 2  # the columns hold the rows' modules once more
    n4 = 10 * int(abs(float(dark) / (layout.size**2) * 100 - 50) / 5)
    return n1 + n2 + n3 + n4


def penalties(code: segno.QRCode) -> list[int]:
    """The penalty segno gives each of the eight masks for the data of `code`, a QR code (not
    Micro QR) made with any mask."""
    layout = _layout(int(code.version))
    data = (_lines(code.matrix) & layout.region) ^ layout.patterns[code.mask]
    symbol = data | layout.fixed
    return [_penalty(symbol ^ pattern, layout) for pattern in layout.patterns]


@functools.cache
def _format_modules(error: str, mask: int) -> tuple[bytes, bytes, bytes, bytes]:
    """Row 8 left and right, column 8 top and bottom, as segno writes them for this error level
    and mask: the format information (with a timing module and the dark module), the same in
    every version."""
    rows = segno.make_qr("1", error=error, version=1, mask=mask, boost_error=False).matrix
    column = bytes(row[8] for row in rows)
    return bytes(rows[8][:9]), bytes(rows[8][-8:]), column[:9], column[-8:]


def _remask(code: segno.QRCode, mask: int, error: str) -> None:
    layout = _layout(int(code.version))
    size = layout.size
    patterns = layout.row_patterns
    flat = int.from_bytes(b"".join(code.matrix)) ^ patterns[code.mask] ^ patterns[mask]
    modules = flat.to_bytes(size * size)
    rows = tuple(bytearray(modules[i : i + size]) for i in range(0, size * size, size))
    left, right, top, bottom = _format_modules(error, mask)
    rows[8][:9] = left
    rows[8][-8:] = right
    for i, value in enumerate(top):
        rows[i][8] = value
    for i, value in enumerate(bottom, start=size - 8):
        rows[i][8] = value
    code.matrix = rows
    code.mask = mask


def make_qr(data: str | bytes, error: str, version: int | None = None) -> segno.QRCode:
    """`segno.make_qr(data, error=error, version=version, boost_error=False)`: the same
    matrix, version and mask."""
    code = segno.make_qr(data, error=error, version=version, mask=_PROBE_MASK, boost_error=False)
    if code.is_micro or not isinstance(code.version, int):  # make_qr makes none today
        return segno.make_qr(data, error=error, version=version, boost_error=False)
    scores = penalties(code)
    best = scores.index(min(scores))  # the first of the lowest, as segno takes it
    if best != code.mask:
        _remask(code, best, error)
    return code
