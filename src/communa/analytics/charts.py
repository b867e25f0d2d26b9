"""Small inline SVG charts for the statistics pages and the printable report.

No script and nothing fetched: each chart is an `<svg role="img">` with a title and a
description that says what it shows, and every page also gives the numbers in a table, so a
screen reader and a printer get the same facts. Colours come from the site's CSS variables
(with printable fallbacks) and keep a 3:1 contrast with the background.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD = 640, 180, 28


def _points(values: Sequence[float | None]) -> list[tuple[float, float] | None]:
    known = [v for v in values if v is not None]
    top = max(known) if known else 0.0
    bottom = min([0.0, *known])
    span = (top - bottom) or 1.0
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    return [
        None
        if value is None
        else (PAD + i * step, HEIGHT - PAD - (value - bottom) / span * (HEIGHT - 2 * PAD))
        for i, value in enumerate(values)
    ]


def line_chart(
    values: Sequence[float | None],
    *,
    title: str,
    description: str,
    first_label: str = "",
    last_label: str = "",
    compare: Sequence[float | None] | None = None,
) -> SafeString:
    """A line over the days of a period (gaps where a value is unknown), and optionally the
    previous period dashed behind it."""
    lines = []
    if compare is not None:
        lines.append(_path(_points([*compare]), "chart-previous", dashed=True))
    lines.append(_path(_points([*values]), "chart-line"))
    return _frame(title, description, "".join(lines), first_label, last_label)


def bar_chart(items: Sequence[tuple[str, float]], *, title: str, description: str) -> SafeString:
    """Horizontal bars, one per labelled value (shares, mixes, sources)."""
    top = max((value for _label, value in items), default=0) or 1
    row = 22
    height = max(row * len(items) + 8, row)
    bars = []
    for i, (label, value) in enumerate(items):
        width = (WIDTH - 220) * value / top
        y = 4 + i * row
        bars.append(
            format_html(
                '<text x="0" y="{}" class="chart-label">{}</text>'
                '<rect x="160" y="{}" width="{}" height="14" class="chart-bar"></rect>'
                '<text x="{}" y="{}" class="chart-label">{}</text>',
                y + 12,
                label[:24],
                y + 1,
                f"{width:.1f}",
                f"{166 + width:.1f}",
                y + 12,
                _short(value),
            )
        )
    return mark_safe(  # noqa: S308 (every piece is escaped by format_html)
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
            'preserveAspectRatio="xMinYMin meet"><title id="{}-t">{}</title>'
            '<desc id="{}-d">{}</desc>',
            WIDTH,
            height,
            _id(title),
            _id(title),
            _id(title),
            title,
            _id(title),
            description,
        )
        + "".join(bars)
        + "</svg>"
    )


def _short(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _id(title: str) -> str:
    return f"chart-{zlib.crc32(title.encode()):08x}"


def _path(points: list[tuple[float, float] | None], css: str, *, dashed: bool = False) -> str:
    parts, pen_down = [], False
    for point in points:
        if point is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{point[0]:.1f},{point[1]:.1f}")
        pen_down = True
    if not parts:
        return ""
    dash = ' stroke-dasharray="5 4"' if dashed else ""
    return f'<path d="{" ".join(parts)}" class="{css}" fill="none"{dash}></path>'


def _frame(title: str, description: str, body: str, first: str, last: str) -> SafeString:
    chart_id = _id(title + description)
    head = format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
        'preserveAspectRatio="xMinYMin meet"><title id="{}-t">{}</title>'
        '<desc id="{}-d">{}</desc>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="chart-axis"></line>'
        '<text x="{}" y="{}" class="chart-label">{}</text>'
        '<text x="{}" y="{}" class="chart-label" text-anchor="end">{}</text>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        PAD,
        HEIGHT - PAD,
        WIDTH - PAD,
        HEIGHT - PAD,
        PAD,
        HEIGHT - 8,
        first,
        WIDTH - PAD,
        HEIGHT - 8,
        last,
    )
    # `body` is made here of numbers and fixed class names only.
    return mark_safe(head + body + "</svg>")  # noqa: S308
