"""The radar of the five principles: geometry here, markup in a template (so text is escaped)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.formats import number_format

from verbindend.method import content

#: Colours that stay apart for common colour-vision deficiencies; each series also has a dash.
PALETTE = ("#1d4e5f", "#b35806", "#542788", "#1b7837", "#c51b7d", "#4d4d4d")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 2")


@dataclass(frozen=True)
class Axis:
    label: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class Series:
    label: str
    points: str
    colour: str
    dash: str
    values: list[tuple[str, float | None]]


def _point(cx: float, cy: float, radius: float, index: int, count: int) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return round(cx + radius * math.cos(angle), 1), round(cy + radius * math.sin(angle), 1)


def radar(
    title: str,
    principle_keys: list[str],
    series: list[tuple[str, list[float | None]]],
    *,
    size: int = 420,
) -> str:
    """An SVG radar: one axis per principle (1–5), one polygon per series with a full set."""
    count = max(len(principle_keys), 3)
    width = size + 240
    cx, cy, radius = width / 2, size / 2 + 10, size / 2 - 60
    titles = [content.get(key).title for key in principle_keys]
    axes = []
    for i, label in enumerate(titles):
        x, y = _point(cx, cy, radius, i, count)
        lx, ly = _point(cx, cy, radius + 18, i, count)
        anchor = "middle" if abs(lx - cx) < 5 else ("start" if lx > cx else "end")
        axes.append(Axis(f"P{i + 1} {label}", x, y, lx, ly + 4, anchor))
    rings = []
    for level in range(1, 6):
        ring = [_point(cx, cy, radius * level / 5, i, count) for i in range(count)]
        rings.append((level, " ".join(f"{x},{y}" for x, y in ring)))
    drawn = []
    for n, (label, values) in enumerate(series):
        if any(v is None for v in values) or not values:
            continue
        points = [
            _point(cx, cy, radius * float(v) / 5, i, count)  # type: ignore[arg-type]
            for i, v in enumerate(values)
        ]
        drawn.append(
            Series(
                label=label,
                points=" ".join(f"{x},{y}" for x, y in points),
                colour=PALETTE[n % len(PALETTE)],
                dash=DASHES[n % len(DASHES)],
                values=list(zip(titles, values, strict=True)),
            )
        )
    legend_top = size + 30
    return render_to_string(
        "scan/charts/radar.svg",
        {
            "title": title,
            "size": size,
            "width": width,
            "height": legend_top + 22 * max(len(drawn), 1),
            "cx": cx,
            "cy": cy,
            "axes": axes,
            "rings": rings,
            "series": drawn,
            "legend": [(s, legend_top + 22 * i) for i, s in enumerate(drawn)],
            "empty": not drawn,
        },
    )


@dataclass(frozen=True)
class Line:
    label: str
    points: str
    dots: list[tuple[float, float, str]]
    colour: str
    dash: str


def trend(
    title: str, round_labels: list[str], principle_keys: list[str], means: list[list[float | None]]
) -> str:
    """Principle means (1–5) across rounds: one line per principle, gaps where suppressed."""
    width, top, left, plot_h = 640, 40, 40, 220
    step = (width - left - 30) / max(len(round_labels) - 1, 1)

    def y(value: float) -> float:
        return round(top + plot_h * (5 - value) / 4, 1)

    lines = []
    for n, key in enumerate(principle_keys):
        dots = []
        for i, row in enumerate(means):
            value = row[n]
            if value is not None:
                dots.append((round(left + i * step, 1), y(value), number_format(value, 2)))
        lines.append(
            Line(
                label=f"P{n + 1} {content.get(key).title}",
                points=" ".join(f"{x},{yy}" for x, yy, _ in dots),
                dots=dots,
                colour=PALETTE[n % len(PALETTE)],
                dash=DASHES[n % len(DASHES)],
            )
        )
    legend_top = top + plot_h + 50
    return render_to_string(
        "scan/charts/trend.svg",
        {
            "title": title,
            "width": width,
            "height": legend_top + 20 * len(lines),
            "left": left,
            "right": width - 20,
            "grid": [(v, y(v)) for v in range(1, 6)],
            "rounds": [(round(left + i * step, 1), label) for i, label in enumerate(round_labels)],
            "axis_y": top + plot_h + 22,
            "lines": lines,
            "legend": [(line, legend_top + 20 * i) for i, line in enumerate(lines)],
        },
    )
