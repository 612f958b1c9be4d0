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
