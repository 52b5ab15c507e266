"""Charts drawn on the server as inline SVG: no JavaScript library, nothing to vendor.

Each chart is a picture of a table that the page also shows, so the SVG carries a
title for screen readers and the numbers stay readable without it. Labels are
escaped with format_html; only numbers we compute go into attributes.
"""

from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

Number = int | float | Decimal
Formatter = Callable[[Number], str]


def plain(value: Number) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


def _scale_max(values: Sequence[Number]) -> float:
    top = max((float(v) for v in values), default=0.0)
    return top if top > 0 else 1.0


LABEL_CHAR_PX = 8.2  # the widest average advance of 13px sans serif text we draw with


def bar_chart(
    rows: Sequence[tuple[str, Number]],
    *,
    title: str,
    fmt: Formatter = plain,
    label_width: int = 170,
    maximum: float | None = None,
) -> SafeString:
    """Horizontal bars, one per row, in the order given; the value at each bar's end.
    Bars are scaled to `maximum` (1.0 for shares, say), else to the largest value."""
    bar_h, gap, width, value_w = 20, 6, 560, 80
    height = max(len(rows), 1) * (bar_h + gap) + gap
    top = maximum or _scale_max([v for _, v in rows])
    span = width - label_width - value_w
    # As many characters as the label column holds at 13px in a wide sans serif (the full
    # label is in the bar's <title>): a longer one ran off the chart's left edge.
    fits = max(4, int((label_width - 8) / LABEL_CHAR_PX))
    bars = []
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = max(float(value) / top * span, 1.0 if float(value) > 0 else 0.0)
        short = label if len(label) <= fits else label[: fits - 1].rstrip() + "…"
        bars.append(
            format_html(
                '<g><title>{}: {}</title><text x="{}" y="{}" class="c-label" text-anchor="end">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" class="c-bar" rx="2"></rect>'
                '<text x="{}" y="{}" class="c-value">{}</text></g>',
                label,
                fmt(value),
                label_width - 8,
                y + bar_h * 0.72,
                short,
                label_width,
                y,
                f"{w:.1f}",
                bar_h,
                f"{label_width + w + 6:.1f}",
                y + bar_h * 0.72,
                fmt(value),
            )
        )
    if not rows:
        bars.append(format_html('<text x="10" y="20" class="c-label">{}</text>', _("No data in this period.")))
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" preserveAspectRatio="xMinYMin meet">'
        "<title>{}</title>{}</svg>",
        width,
        height,
        title,
        title,
        mark_safe("".join(bars)),  # noqa: S308 -- every part was built by format_html above
    )


def column_chart(
    points: Sequence[tuple[str, Number]],
    *,
    title: str,
    fmt: Formatter = plain,
    line: Sequence[Number] | None = None,
    line_fmt: Formatter = plain,
) -> SafeString:
    """Columns over time (one per day), with an optional second series drawn as a line
    on its own scale (revenue over tickets, say)."""
    width, height, left, bottom, top_pad = 1100, 240, 56, 28, 14
    n = max(len(points), 1)
    plot_w, plot_h = width - left - 10, height - bottom - top_pad
    step = plot_w / n
    col_w = max(step * 0.7, 1.0)
    top = _scale_max([v for _, v in points])
    integers = all(isinstance(v, int) for _, v in points)
    label_every = max(1, round(n / 12))
    parts: list[SafeString] = []
    for frac in (0.0, 0.5, 1.0):
        y = top_pad + plot_h * (1 - frac)
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" class="c-grid"></line>'
                '<text x="{}" y="{}" class="c-axis" text-anchor="end">{}</text>',
                left,
                width - 10,
                f"{y:.1f}",
                f"{y:.1f}",
                left - 6,
                f"{y + 4:.1f}",
                fmt(round(top * frac) if integers else top * frac),
            )
        )
    for i, (label, value) in enumerate(points):
        h = float(value) / top * plot_h
        x = left + i * step + (step - col_w) / 2
        parts.append(
            format_html(
                '<g><title>{}: {}</title><rect x="{}" y="{}" width="{}" height="{}" class="c-col"></rect></g>',
                label,
                fmt(value),
                f"{x:.1f}",
                f"{top_pad + plot_h - h:.1f}",
                f"{col_w:.1f}",
                f"{h:.1f}",
            )
        )
        if i % label_every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" class="c-axis" text-anchor="middle">{}</text>',
                    f"{left + i * step + step / 2:.1f}",
                    height - 8,
                    label,
                )
            )
    if line is not None and len(line) == len(points) and points:
        line_top = _scale_max(line)
        coords = " ".join(
            f"{left + i * step + step / 2:.1f},{top_pad + plot_h - float(v) / line_top * plot_h:.1f}"
            for i, v in enumerate(line)
        )
        parts.append(format_html('<polyline points="{}" class="c-line"></polyline>', coords))
        parts.append(
            format_html_join(
                "",
                '<circle cx="{}" cy="{}" r="3" class="c-dot"><title>{}</title></circle>',
                (
                    (
                        f"{left + i * step + step / 2:.1f}",
                        f"{top_pad + plot_h - float(v) / line_top * plot_h:.1f}",
                        f"{points[i][0]}: {line_fmt(v)}",
                    )
                    for i, v in enumerate(line)
                ),
            )
        )
    if not points:
        empty = _("No data in this period.")
        parts.append(format_html('<text x="{}" y="{}" class="c-label">{}</text>', left, 40, empty))
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" preserveAspectRatio="xMinYMin meet">'
        "<title>{}</title>{}</svg>",
        width,
        height,
        title,
        title,
        mark_safe("".join(parts)),  # noqa: S308 -- every part was built by format_html above
    )


INK_TURNS_WHITE = 0.55


def heat_colour(share: float | None) -> str:
    """A background for a heat-map cell: pale for empty halls, deep for full ones.

    Returns an hsl() colour; text on cells above 55% switches to white (see `heat_ink`).
    """
    if share is None:
        return "transparent"
    share = min(max(share, 0.0), 1.0)
    # Two ramps with a step where the ink turns white: no red of middle lightness, on which
    # neither dark nor white text reaches a 4.5:1 contrast (pale 96→62%, deep 38→27%).
    lightness = 96 - share * 62 if share < INK_TURNS_WHITE else 38 - (share - INK_TURNS_WHITE) * 24
    return f"hsl(8 70% {lightness:.0f}%)"


def heat_ink(share: float | None) -> str:
    return "#fff" if share is not None and share >= INK_TURNS_WHITE else "#1b1f27"
