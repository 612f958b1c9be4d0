"""Server-rendered SVG charts: geometry here, markup in templates (so text is escaped)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from django.template.loader import render_to_string

#: An upper bound of one character's width in em (DejaVu Sans, the widest font the charts name),
#: so the room kept for a label is never smaller than the label drawn.
CHAR_EM = 0.64
FONT, LINE, MAX_LINES = 14, 17, 3


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: float
    width: float
    label_y: float
    lines: list[tuple[float, str]]


def wrap_label(label: str, chars: int, most: int = MAX_LINES) -> list[str]:
    """A label on at most ``most`` short lines, whole unless it is very long (then it ends in …)."""
    lines = textwrap.wrap(label, chars, break_long_words=True) or [""]
    if len(lines) > most:
        rest = textwrap.shorten(" ".join(lines[most - 1 :]), chars, placeholder="…")
        lines = [*lines[: most - 1], rest or "…"]
    return lines


def bar_chart(title: str, items: list[tuple[str, int]], *, width: int = 420) -> str:
    """A horizontal bar chart with its numbers written out, readable without colour.

    Labels are written out whole on up to three lines in a column as wide as the longest line
    (at most 42 % of the chart), so none runs past the chart's left edge.
    """
    top, min_row, bar_h = 36, 34, 24
    char_w = FONT * CHAR_EM
    chars = max(8, int(width * 0.42 / char_w))
    wrapped = [(wrap_label(label, chars), label, value) for label, value in items]
    longest = max((len(line) for lines, _l, _v in wrapped for line in lines), default=0)
    label_w = max(60, round(longest * char_w) + 12)
    digits = max((len(str(value)) for _label, value in items), default=1)
    bar_space = max(width - label_w - 12 - round(digits * char_w), 20)
    top_value = max((value for _label, value in items), default=0) or 1
    bars, y = [], top
    for lines, label, value in wrapped:
        row = max(min_row, LINE * len(lines) + 12)
        middle = y + (row - 8) / 2
        first = middle - LINE * (len(lines) - 1) / 2 + 5
        bars.append(
            Bar(
                label=label,
                value=value,
                y=round(middle - bar_h / 2, 1),
                width=round(bar_space * value / top_value, 1),
                label_y=round(middle + 5, 1),
                lines=[(round(first + LINE * i, 1), line) for i, line in enumerate(lines)],
            )
        )
        y += row
    height = (y if items else top + min_row) + 8
    return render_to_string(
        "core/charts/bars.svg",
        {
            "title": title,
            "bars": bars,
            "width": width,
            "height": height,
            "label_w": label_w,
            "empty": not items,
        },
    )
