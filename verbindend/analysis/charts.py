"""Server-rendered SVG for the matrices: geometry here, markup in templates (text is escaped)."""

from __future__ import annotations

import uuid
from html import escape
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from verbindend.analysis.queries import Matrix
from verbindend.core.charts import bar_chart


def _cell(x: int, y: int, size: int, value: int, top: int, label: str, link: str | None) -> str:
    """One square. Built as a string (a template loop over hundreds of cells is slow); the only
    text, the label and the link, is escaped here; the rest are numbers."""
    opacity = round(0.08 + 0.92 * value / top, 2) if value else 0
    number = (
        f'<text x="{x + size // 2}" y="{y + 26}" text-anchor="middle" '
        f'fill="{"#ffffff" if opacity > 0.5 else "#1b2a30"}">{value}</text>'
        if value
        else ""
    )
    markup = (
        f"<g><title>{escape(label)}</title>"
        f'<rect x="{x}" y="{y}" width="{size}" height="{size}" rx="3" fill="#1d4e5f" '
        f'fill-opacity="{opacity}" stroke="#c9d3d6"/>{number}</g>'
    )
    # the table beside it holds the same links for the keyboard; here they are for the pointer
    return f'<a href="{escape(link)}" tabindex="-1">{markup}</a>' if link else markup


def heat_map(matrix: Matrix, links: dict[tuple[int, Any], str]) -> str:
    """A heat map: darker is more codings; every number is written in its cell."""
    cell, label_w, head_h = 44, 240, 120
    top = matrix.top or 1
    labels = {row.code.pk: row.code.label for row in matrix.rows}
    cells = [
        _cell(
            label_w + c * cell,
            head_h + r * cell,
            cell - 4,
            n,
            top,
            f"{labels[row.code.pk]} × {matrix.columns[c][1]}: {n}",
            links.get((row.code.pk, key)),
        )
        for r, (row, values) in enumerate(matrix.table())
        for c, (key, n) in enumerate(values)
    ]
    return render_to_string(
        "analysis/charts/heatmap.svg",
        {
            "title": matrix.title,
            "uid": f"heatmap-{uuid.uuid4().hex[:8]}",  # unique when a page holds several maps
            "rows": [(head_h + r * cell + 27, row.code.label) for r, row in enumerate(matrix.rows)],
            "columns": [
                (label_w + c * cell + 22, label) for c, (_key, label) in enumerate(matrix.columns)
            ],
            "cells": mark_safe("".join(cells)),  # noqa: S308 — labels and links escaped in _cell
            "width": label_w + max(len(matrix.columns), 1) * cell + 10,
            "height": head_h + max(len(matrix.rows), 1) * cell + 10,
            "head_y": head_h - 8,
            "label_x": label_w - 8,
            "empty": not matrix.rows,
        },
    )


def bars(items: list[tuple[str, int]]) -> str:
    return bar_chart(_("Codings per code"), items, width=520)


MAP_NODES = 24


def co_occurrence_map(study: Any, codes: dict[int, Any], pairs: dict[tuple[int, int], int]) -> str:
    """Codes on a circle, a line between two codes for every overlap of their codings: the
    thicker, the more often. A line leads to the fragments where the two meet."""
    import math

    from django.urls import reverse
    from django.utils.http import urlencode

    weight: dict[int, int] = {}
    edges = []
    for (a, b), n in pairs.items():
        if a < b and n and a in codes and b in codes:
            edges.append((a, b, n))
            weight[a] = weight.get(a, 0) + n
            weight[b] = weight.get(b, 0) + n
    nodes = sorted(weight, key=lambda pk: (-weight[pk], codes[pk].label))[:MAP_NODES]
    if not nodes:
        return ""
    shown = set(nodes)
    edges = [e for e in edges if e[0] in shown and e[1] in shown]
    top = max(n for _a, _b, n in edges)
    size, radius = 760, 250
    centre = size / 2
    at = {}
    for index, pk in enumerate(nodes):
        angle = 2 * math.pi * index / len(nodes) - math.pi / 2
        at[pk] = (centre + radius * math.cos(angle), centre + radius * math.sin(angle), angle)
    fragments = reverse("analysis:fragments", args=[study.slug])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="relations-map" role="img" '
        f'viewBox="0 0 {size} {size}" width="{size}" height="{size}" '
        f'aria-labelledby="map-title"><title id="map-title">'
        f"{escape(_('Codes that occur together'))}</title>"
    ]
    for a, b, n in sorted(edges, key=lambda e: e[2]):
        (x1, y1, _r1), (x2, y2, _r2) = at[a], at[b]
        width = round(1 + 9 * n / top, 1)
        label = f"{codes[a].label} + {codes[b].label}: {n}"
        link = fragments + "?" + urlencode({"code": codes[a].uuid, "with": codes[b].uuid})
        parts.append(
            f'<a href="{escape(link)}" class="edge"><title>{escape(label)}</title>'
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="#1d4e5f" stroke-opacity="{round(0.25 + 0.6 * n / top, 2)}" '
            f'stroke-width="{width}" stroke-linecap="round"/></a>'
        )
    for pk in nodes:
        x, y, angle = at[pk]
        code = codes[pk]
        anchor = "start" if math.cos(angle) > 0.2 else "end" if math.cos(angle) < -0.2 else "middle"
        lx = x + 16 * math.cos(angle)
        ly = y + 16 * math.sin(angle) + (5 if anchor != "middle" else (14 if y > centre else -8))
        link = reverse("analysis:code", args=[study.slug, code.uuid])
        label = code.label if len(code.label) <= 34 else code.label[:33] + "…"
        parts.append(
            f'<a href="{escape(link)}"><title>{escape(code.label)}: {weight[pk]}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{6 + min(10, weight[pk] ** 0.5):.1f}" '
            f'fill="{escape(code.colour)}" stroke="#fff" stroke-width="2"/>'
            f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" font-size="13" '
            f'fill="#1b2a30">{escape(label)}</text></a>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every label and link escaped above
