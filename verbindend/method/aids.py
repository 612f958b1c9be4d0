"""The visual aids of the method, drawn as SVG on the server.

Geometry is computed here; markup lives in ``templates/method/aids/<name>.svg`` so that every text
is escaped by the template engine. All words come from the ``aid.*`` content nodes and the nodes
they list in ``items``, in the active language. Text sizes are chosen for a projector: the
drawings are 960 units wide and no text is smaller than 18 units.
"""

from __future__ import annotations

import contextlib
import textwrap
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from verbindend.method import content

WIDTH = 960
FONT = "DejaVu Sans, Noto Sans, system-ui, sans-serif"
INK, MUTED, BRAND, ACCENT, MINT, PALE = (
    "#1b2a30",
    "#4d5f66",
    "#1d4e5f",
    "#f4b942",
    "#8fd3c1",
    "#e4eef0",
)


@dataclass(frozen=True)
class Line:
    x: float
    y: float
    text: str


def lines(text: str, *, x: float, y: float, chars: int, leading: float) -> list[Line]:
    """Wrap ``text`` into lines of at most ``chars`` characters, starting at baseline ``y``."""
    wrapped = textwrap.wrap(text, chars, break_on_hyphens=False) or [""]
    return [Line(x, y + i * leading, part) for i, part in enumerate(wrapped)]


def names() -> list[str]:
    """The short names of all aids (``levels`` for ``aid.levels``), in content order."""
    return [node.key.removeprefix("aid.") for node in content.of_kind("aid")]


def node(name: str) -> content.Node:
    """The aid's content node; raises UnknownKey for a name that is no aid."""
    found = content.get(f"aid.{name}")
    if found.kind != "aid":
        raise content.UnknownKey(found.key)
    return found


def _levels(aid: content.Node) -> dict[str, Any]:
    cx, cy = WIDTH / 2, 350
    fills = (ACCENT, MINT, PALE)
    rings = []
    for i, item in enumerate(reversed(aid.refs("items"))):  # outermost first
        r = 250 - i * 85
        is_centre = i == 2
        rings.append(
            {
                "r": r,
                "fill": fills[2 - i],
                "label": item.title,
                "label_y": cy + 9 if is_centre else cy - r + 42,
            }
        )
    return {"height": 620, "cx": cx, "cy": cy, "rings": rings}


def _knowledge_types(aid: content.Node) -> dict[str, Any]:
    w, h, gap = 435, 190, 30
    panels = []
    for i, item in enumerate(aid.refs("items")):
        x = 30 + (i % 2) * (w + gap)
        y = 100 + (i // 2) * (h + gap)
        panels.append(
            {
                "x": x,
                "y": y,
                "w": w,
                "h": h,
                "number": i + 1,
                "title": lines(item.title, x=x + 70, y=y + 52, chars=24, leading=30),
                "text": lines(item.summary, x=x + 24, y=y + 110, chars=33, leading=28),
            }
        )
    return {"height": 530, "panels": panels}


def _carriers(aid: content.Node) -> dict[str, Any]:
    w, gap = 280, 30
    columns = []
    for i, item in enumerate(aid.refs("items")):
        x = 35 + i * (w + gap)
        title = lines(item.title, x=x + w / 2, y=300, chars=18, leading=29)
        text_y = title[-1].y + 44
        columns.append(
            {
                "x": x,
                "w": w,
                "cx": x + w / 2,
                "icon": ("people", "system", "management")[i % 3],
                "title": title,
                "text": lines(item.summary, x=x + w / 2, y=text_y, chars=24, leading=27),
            }
        )
    return {"height": 530, "columns": columns}


def _conditions(aid: content.Node) -> dict[str, Any]:
    ground, rise, w = 580, 112, 215
    fills = (PALE, MINT, "#4f9c8f", BRAND)
    inks = (INK, INK, "#ffffff", "#ffffff")
    steps: list[dict[str, Any]] = []
    points = []
    for i, item in enumerate(aid.refs("items")):
        x, top = 40 + i * (w + 5), ground - (i + 1) * rise
        points.append(f"{x + 30},{top - 18}")
        steps.append(
            {
                "x": x,
                "y": top,
                "w": w,
                "h": (i + 1) * rise,
                "fill": fills[i],
                "ink": inks[i],
                "number": i + 1,
                "title": lines(item.title, x=x + 14, y=top + 70, chars=14, leading=24),
            }
        )
    return {"height": 620, "steps": steps, "ground": ground, "arrow": " ".join(points)}


def _principles(aid: content.Node) -> dict[str, Any]:
    w, gap = 174, 10
    cards = []
    for i, item in enumerate(aid.refs("items")):
        x = 23 + i * (w + gap)
        cards.append(
            {
                "x": x,
                "w": w,
                "cx": x + w / 2,
                "number": f"P{item.order or i + 1}",
                "title": lines(item.title, x=x + 12, y=232, chars=12, leading=26),
            }
        )
    return {"height": 390, "cards": cards}


def _history_line_frame(aid: content.Node) -> dict[str, Any]:
    left, right, top, bottom = 110, 920, 130, 500
    return {
        "height": 580,
        "left": left,
        "right": right,
        "top": top,
        "bottom": bottom,
        "mid_x": (left + right) / 2,
        "mid_y": (top + bottom) / 2,
        "rows": [bottom - i * 74 for i in range(1, 5)],
        "columns": [left + i * 135 for i in range(1, 6)],
        "x_axis": aid.text("x_axis"),
        "y_axis": aid.text("y_axis"),
        "peak_label": aid.text("peak_label"),
        "valley_label": aid.text("valley_label"),
    }


_GEOMETRY = {
    "levels": _levels,
    "knowledge_types": _knowledge_types,
    "carriers": _carriers,
    "conditions": _conditions,
    "principles": _principles,
    "history_line_frame": _history_line_frame,
}


def exists(name: str) -> bool:
    return name in _GEOMETRY and content.exists(f"aid.{name}")


def render(name: str, *, lang: str | None = None, standalone: bool = False) -> str:
    """The SVG markup of aid ``name``; ``standalone`` adds the XML declaration for a file."""
    if name not in _GEOMETRY:
        raise content.UnknownKey(f"aid.{name}")
    with translation.override(lang) if lang else contextlib.nullcontext():
        aid = node(name)
        context = {
            "name": name,
            "aid": aid,
            "alt": aid.text("alt"),
            "width": WIDTH,
            "font": FONT,
            "ink": INK,
            "muted": MUTED,
            "brand": BRAND,
            "accent": ACCENT,
            "mint": MINT,
            "pale": PALE,
            "lang": translation.get_language(),
            "standalone": standalone,
            **_GEOMETRY[name](aid),
        }
        return render_to_string(f"method/aids/{name}.svg", context)
