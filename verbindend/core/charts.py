"""Server-rendered SVG charts: geometry here, markup in templates (so text is escaped)."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: float
    width: float
    label_y: float


def bar_chart(title: str, items: list[tuple[str, int]], *, width: int = 420) -> str:
    """A horizontal bar chart with its numbers written out, readable without colour."""
    row, top, label_w = 34, 36, 150
    bar_space = width - label_w - 50
    top_value = max((value for _label, value in items), default=0) or 1
    bars = [
        Bar(
            label=label,
            value=value,
            y=top + i * row,
            width=round(bar_space * value / top_value, 1),
            label_y=top + i * row + 17,
        )
        for i, (label, value) in enumerate(items)
    ]
    height = top + max(len(items), 1) * row + 8
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
