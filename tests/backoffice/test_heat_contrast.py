"""The occupancy heat map's cells keep their text readable (WCAG AA, 4.5:1) at every share:
axe found white on mid-tone red at 55–74%."""

import colorsys
import re

from marquee.backoffice.charts import heat_colour, heat_ink


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_share_has_text_of_at_least_four_and_a_half_to_one():
    worst = 99.0
    for percent in range(101):
        share = percent / 100
        hue, saturation, lightness = map(float, re.findall(r"[\d.]+", heat_colour(share)))
        background = colorsys.hls_to_rgb(hue / 360, lightness / 100, saturation / 100)
        ink = heat_ink(share).lstrip("#")
        ink = ink * 2 if len(ink) == 3 else ink
        text = tuple(int(ink[i : i + 2], 16) / 255 for i in (0, 2, 4))
        worst = min(worst, _contrast(background, text))  # type: ignore[arg-type]
    assert worst >= 4.5
