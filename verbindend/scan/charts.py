"""The radar of the five principles: geometry here, markup in a template (so text is escaped)."""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.translation import gettext

from verbindend.core.charts import CHAR_EM
from verbindend.method import content

if TYPE_CHECKING:
    from verbindend.scan.results import RoundResult

#: Colours that stay apart for common colour-vision deficiencies; each series also has a dash.
PALETTE = ("#1d4e5f", "#b35806", "#542788", "#1b7837", "#c51b7d", "#4d4d4d")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 2")


@dataclass(frozen=True)
class Axis:
    label: str
    x: float
    y: float
    label_x: float
    lines: list[tuple[float, str]]
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


LABEL_CHARS = 18


@dataclass(frozen=True)
class Fonts:
    label: int
    line: int
    title: int
    legend: int
    row: int


WHOLE_NAMES = Fonts(label=14, line=17, title=15, legend=12, row=22)
#: With numbers at the axes the picture is narrow enough for a phone's width at these sizes.
NUMBERED = Fonts(label=18, line=21, title=17, legend=15, row=26)


def _text_width(text: str, font: int) -> float:
    return len(text) * font * CHAR_EM


def _label_block(
    text: str,
    ax: float,
    ay: float,
    cx: float,
    fonts: Fonts,
) -> tuple[str, list[tuple[float, str]], float, float, float, float]:
    """A principle's label wrapped onto lines beside its axis tip (ax, ay); never truncated.

    Returns the anchor, the lines with their baselines, and the block's box (left, top, right,
    bottom) as far as it can be estimated before a browser lays it out.
    """
    font, line_height = fonts.label, fonts.line
    lines = textwrap.wrap(text, LABEL_CHARS, break_long_words=True) or [text]
    anchor = "middle" if abs(ax - cx) < 5 else ("start" if ax > cx else "end")
    height = line_height * len(lines)
    if anchor == "middle" and ay < 0:  # the top axis: the block ends just above its tip
        first = ay - height + font - 2
    elif anchor == "middle":  # a bottom axis: the block starts just below its tip
        first = ay + font
    else:  # a side axis: the block is centred on the tip
        first = ay - height / 2 + font - 2
    baselines = [(round(first + line_height * i, 1), line) for i, line in enumerate(lines)]
    widest = max(_text_width(line, font) for line in lines)
    left = {"start": ax, "end": ax - widest, "middle": ax - widest / 2}[anchor]
    top = first - font
    return anchor, baselines, left, top, left + widest, top + height + 4


def radar(
    title: str,
    principle_keys: list[str],
    series: list[tuple[str, list[float | None]]],
    *,
    size: int = 300,
    numbered: bool = False,
) -> str:
    """An SVG radar: one axis per principle (1–5), one polygon per series with a full set.

    The principles' names are written out whole, wrapped onto short lines, and the picture is as
    large as what it draws: every label lies inside the viewBox, however the names run in a
    language. ``numbered``: only P1–P5 at the axes, in larger type, for a page that lists the
    names beside the picture (whole names make it too wide to read on a phone).
    """
    fonts = NUMBERED if numbered else WHOLE_NAMES
    count = max(len(principle_keys), 3)
    radius = size / 2
    titles = [content.get(key).title for key in principle_keys]
    # first around (0, 0); the picture is moved into place once its extent is known
    blocks = []
    left, top, right, bottom = -radius, -radius, radius, radius
    for i, label in enumerate(titles):
        lx, ly = _point(0, 0, radius + 12, i, count)
        text = f"P{i + 1}" if numbered else f"P{i + 1} {label}"
        anchor, lines, b_left, b_top, b_right, b_bottom = _label_block(text, lx, ly, 0, fonts)
        blocks.append((i, label, lx, anchor, lines))
        left, top = min(left, b_left), min(top, b_top)
        right, bottom = max(right, b_right), max(bottom, b_bottom)
    drawn_series = [
        (n, label, values)
        for n, (label, values) in enumerate(series)
        if values and not any(v is None for v in values)
    ]
    pad, head = 10, 32
    chart_w = right - left + 2 * pad
    legend_w = max(
        [48 + _text_width(label[:60], fonts.legend) for _n, label, _v in drawn_series] or [0]
    )
    width = math.ceil(max(chart_w, legend_w + pad, _text_width(title, fonts.title) + 2 * pad))
    cx = round(pad + (width - 2 * pad) / 2 - (left + right) / 2, 1)
    cy = round(head + pad - top, 1)
    axes = []
    for i, name, lx, anchor, lines in blocks:
        x, y = _point(cx, cy, radius, i, count)
        axes.append(
            Axis(
                label=f"P{i + 1} {name}",
                x=x,
                y=y,
                label_x=round(cx + lx, 1),
                lines=[(round(cy + baseline, 1), line) for baseline, line in lines],
                anchor=anchor,
            )
        )
    rings = []
    for level in range(1, 6):
        ring = [_point(cx, cy, radius * level / 5, i, count) for i in range(count)]
        rings.append((level, " ".join(f"{x},{y}" for x, y in ring)))
    drawn = []
    for n, label, values in drawn_series:
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
    legend_top = math.ceil(cy + bottom + fonts.row + 4)
    return render_to_string(
        "scan/charts/radar.svg",
        {
            "title": title,
            "fonts": fonts,
            "width": width,
            "height": legend_top + fonts.row * max(len(drawn), 1) - 8,
            "cx": cx,
            "cy": cy,
            "axes": axes,
            "rings": rings,
            "series": drawn,
            "legend": [(s, legend_top + fonts.row * i) for i, s in enumerate(drawn)],
            "empty": not drawn,
        },
    )


def of_round(
    title: str, result: RoundResult, *, groups: bool = False, numbered: bool = False
) -> str:
    """The radar of a round's results: the whole network, and with ``groups`` each group that
    is shown; ``numbered`` for a page, which lists the names beside it (:func:`key_of`)."""
    keys = [p.key for p in result.principles]
    series: list[tuple[str, list[float | None]]] = [
        (gettext("Whole network"), [p.mean for p in result.principles])
    ]
    if groups:
        series += [(g.label, [g.means.get(k) for k in keys]) for g in result.groups]
    return radar(title, keys, series, numbered=numbered)


def key_of(result: RoundResult) -> list[str]:
    """The principles' names, in the order of the numbered radar's axes (P1, P2, ...)."""
    return [content.get(p.key).title for p in result.principles]


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
    width, top, plot_h = 640, 40, 220
    # the rounds' names are centred under their dots: the first and last must fit beside the edges
    half = [_text_width(label, 12) / 2 + 4 for label in round_labels] or [0]
    left = max(40, math.ceil(half[0]))
    last = math.ceil(half[-1]) if len(round_labels) > 1 else 0
    step = (width - left - max(30, last)) / max(len(round_labels) - 1, 1)

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
