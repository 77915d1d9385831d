"""Charts drawn on the server as inline SVG (no script, no external calls). Each chart has a
title for screen readers; pages show the same numbers in a table next to it."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

__all__ = ["bar_chart", "column_chart", "line_chart"]

_BAR = "var(--color-primitive-blue-900, #0017c1)"
_GRID = "var(--color-neutral-solid-gray-200, #ccc)"


def bar_chart(items: Sequence[tuple[str, int]], *, title: str, unit: str = "件",
              width: int = 480) -> Markup:
    """Horizontal bars, one row per (label, value)."""
    row, label_width, value_width = 28, 150, 80
    height = max(1, len(items)) * row + 8
    top = max((value for _, value in items), default=0) or 1
    span = width - label_width - value_width
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for index, (label, value) in enumerate(items):
        y = 4 + index * row
        length = round(span * value / top)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 18}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{max(length, 1 if value else 0)}" '
            f'height="{row - 10}" fill="{_BAR}" rx="3"></rect>'
            f'<text x="{label_width + length + 6}" y="{y + 18}">{value:,}{escape(unit)}</text>')
    if not items:
        parts.append(f'<text x="8" y="20">{escape("データがありません")}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(items: Sequence[tuple[str, int]], *, title: str, width: int = 560,
                 height: int = 180) -> Markup:
    """Vertical columns over time (labels under each column)."""
    bottom, top_pad = 28, 20
    count = max(1, len(items))
    slot = width / count
    peak = max((value for _, value in items), default=0) or 1
    usable = height - bottom - top_pad
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<line x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" '
             f'stroke="{_GRID}"></line>']
    for index, (label, value) in enumerate(items):
        column = round(usable * value / peak)
        x = index * slot + slot * 0.2
        parts.append(
            f'<rect x="{x:.1f}" y="{height - bottom - column}" width="{slot * 0.6:.1f}" '
            f'height="{column}" fill="{_BAR}" rx="2"></rect>'
            f'<text x="{x + slot * 0.3:.1f}" y="{height - bottom - column - 4}" '
            f'text-anchor="middle">{value}</text>'
            f'<text x="{x + slot * 0.3:.1f}" y="{height - 8}" text-anchor="middle">'
            f'{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(items: Sequence[tuple[str, float | None]], *, title: str, unit: str = "",
               width: int = 560, height: int = 180, decimals: int = 0) -> Markup:
    """One line over time (a label under each point); a month with no figure (None) breaks the
    line and shows no point."""
    bottom, top_pad, side = 28, 20, 24
    count = max(1, len(items))
    slot = (width - 2 * side) / max(1, count - 1) if count > 1 else 0
    values = [value for _, value in items if value is not None]
    peak = max(values, default=0) or 1
    usable = height - bottom - top_pad
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<line x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" '
             f'stroke="{_GRID}"></line>']
    path: list[str] = []
    for index, (label, value) in enumerate(items):
        x = side + index * slot if count > 1 else width / 2
        parts.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle">'
                     f'{escape(label)}</text>')
        if value is None:
            if len(path) > 1:
                parts.append(_polyline(path))
            path = []
            continue
        y = height - bottom - usable * value / peak
        path.append(f"{x:.1f},{y:.1f}")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{_BAR}"></circle>'
                     f'<text x="{x:.1f}" y="{y - 6:.1f}" text-anchor="middle">'
                     f'{value:,.{decimals}f}{escape(unit)}</text>')
    if len(path) > 1:
        parts.append(_polyline(path))
    if not values:
        parts.append(f'<text x="8" y="20">{escape("データがありません")}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _polyline(points: list[str]) -> str:
    return (f'<polyline points="{" ".join(points)}" fill="none" stroke="{_BAR}" '
            f'stroke-width="2"></polyline>')
