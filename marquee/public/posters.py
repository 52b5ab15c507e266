"""Generated poster artwork for movies without a poster file.

Pure: the same title always gives the same picture (colours and shapes drawn from a
hash of the title), so the SVG can be cached for long and served by any process.
"""

import colorsys
import hashlib
import textwrap
from xml.sax.saxutils import escape

from django.urls import reverse

WIDTH, HEIGHT = 400, 600


def poster_url(movie: object) -> str:
    """The movie's own poster where it has one, otherwise the generated artwork."""
    poster = getattr(movie, "poster", None)
    if poster:
        return str(poster.url)
    return reverse("public:poster", args=[movie.pk])  # type: ignore[attr-defined]


def _hex(hue: float, lightness: float, saturation: float) -> str:
    r, g, b = colorsys.hls_to_rgb(hue % 1.0, lightness, saturation)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


# The title's box: the poster's width less its margins, and the lower part of its height.
TEXT_WIDTH, TEXT_HEIGHT = WIDTH - 2 * 28, 320
# A bold sans serif's average advance, in em, measured wide: the named display fonts are
# narrow, but a machine without them draws DejaVu Sans Bold, and a title must never be cut.
CHAR_EM = 0.68


def _title_layout(title: str) -> tuple[list[str], int]:
    """The title's lines and the largest font size at which every line fits the poster."""
    best: tuple[list[str], int] = ([title[:1] or ""], 0)
    for width in (8, 10, 13, 16, 20, 26):
        # Words are never broken: a long word makes the letters smaller instead.
        lines = textwrap.wrap(title, width=width, break_long_words=False) or [""]
        if len(lines) > 5:
            continue
        longest = max(len(line) for line in lines)
        size = min(64.0, TEXT_WIDTH / (longest * CHAR_EM), TEXT_HEIGHT / (len(lines) * 1.08))
        if int(size) > best[1]:
            best = (lines, int(size))
    if best[1] == 0:  # a title too long for five lines of any width: the first lines, shortened
        lines = textwrap.wrap(title, width=26, break_long_words=True)
        best = ([*lines[:4], lines[4][:25] + "…"], int(TEXT_WIDTH / (26 * CHAR_EM)))
    return best


def poster_etag(title: str, year: int | None = None) -> str:
    return hashlib.sha256(f"v2|{title}|{year}".encode()).hexdigest()[:20]


def poster_svg(title: str, year: int | None = None) -> str:
    digest = hashlib.sha256(title.encode()).digest()
    hue = digest[0] / 255
    accent_hue = hue + 0.33 + digest[1] / 255 * 0.33
    dark = _hex(hue, 0.14, 0.55)
    mid = _hex(hue, 0.30, 0.60)
    accent = _hex(accent_hue, 0.62, 0.75)
    accent_soft = _hex(accent_hue, 0.45, 0.55)
    shapes = []
    kind = digest[2] % 3
    for i in range(5):
        b = digest[3 + i * 4 : 7 + i * 4]
        x, y, size = b[0] / 255 * WIDTH, b[1] / 255 * HEIGHT * 0.7, 40 + b[2] / 255 * 180
        opacity = 0.12 + b[3] / 255 * 0.3
        colour = accent if i % 2 else accent_soft
        if kind == 0:
            shapes.append(
                f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{size / 2:.0f}" fill="{colour}" opacity="{opacity:.2f}"/>'
            )
        elif kind == 1:
            shapes.append(
                f'<rect x="{x - size / 2:.0f}" y="{y - size / 2:.0f}" width="{size:.0f}" height="{size:.0f}" '
                f'fill="{colour}" opacity="{opacity:.2f}" transform="rotate({b[0] % 90} {x:.0f} {y:.0f})"/>'
            )
        else:
            shapes.append(
                f'<path d="M{x:.0f} {y:.0f} l{size:.0f} {size / 2:.0f} l{-size / 1.5:.0f} {size / 1.2:.0f}z" '
                f'fill="{colour}" opacity="{opacity:.2f}"/>'
            )
    lines, font_size = _title_layout(title)
    line_height = font_size * 1.08
    top = HEIGHT - 70 - line_height * (len(lines) - 1)
    text = "".join(
        f'<text x="28" y="{top + i * line_height:.0f}" font-size="{font_size}">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    year_text = f'<text x="28" y="{HEIGHT - 28}" font-size="22" class="y">{year}</text>' if year else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-label="{escape(title, {chr(34): "&quot;"})}">'
        f'<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">'
        f'<stop offset="0" stop-color="{mid}"/><stop offset="1" stop-color="{dark}"/></linearGradient>'
        f'<linearGradient id="s" x1="0" y1="0" x2="0" y2="1"><stop offset="0.45" stop-color="#000" stop-opacity="0"/>'
        f'<stop offset="1" stop-color="#000" stop-opacity="0.75"/></linearGradient></defs>'
        f"<style>text{{font-family:'Bebas Neue','Oswald','Impact','Arial Narrow',sans-serif;font-weight:700;"
        f"fill:#fff;letter-spacing:1px}}.y{{font-weight:400;fill:{accent};letter-spacing:3px}}</style>"
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="url(#g)"/>'
        f"{''.join(shapes)}"
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="url(#s)"/>'
        f'<rect x="28" y="{top - font_size - 18:.0f}" width="60" height="6" fill="{accent}"/>'
        f"{text}{year_text}</svg>"
    )
