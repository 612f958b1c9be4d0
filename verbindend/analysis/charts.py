"""Server-rendered SVG for the matrices: geometry here, markup in templates (text is escaped)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from verbindend.analysis.queries import Matrix
from verbindend.core.charts import bar_chart


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    value: int
    opacity: float
    link: str | None
    label: str


def heat_map(matrix: Matrix, links: dict[tuple[int, Any], str]) -> str:
    """A heat map: darker is more codings; every number is written in its cell."""
    cell, label_w, head_h = 44, 190, 120
    top = matrix.top or 1
    cells = []
    for r, (row, values) in enumerate(matrix.table()):
        for c, (key, n) in enumerate(values):
            cells.append(
                Cell(
                    x=label_w + c * cell,
                    y=head_h + r * cell,
                    value=n,
                    opacity=round(0.08 + 0.92 * n / top, 2) if n else 0,
                    link=links.get((row.code.pk, key)),
                    label=f"{row.code.label} × {matrix.columns[c][1]}: {n}",
                )
            )
    return render_to_string(
        "analysis/charts/heatmap.svg",
        {
            "title": matrix.title,
            "rows": [(head_h + r * cell + 27, row.code.label) for r, row in enumerate(matrix.rows)],
            "columns": [
                (label_w + c * cell + 22, label) for c, (_key, label) in enumerate(matrix.columns)
            ],
            "cells": cells,
            "size": cell - 4,
            "width": label_w + max(len(matrix.columns), 1) * cell + 10,
            "height": head_h + max(len(matrix.rows), 1) * cell + 10,
            "head_y": head_h - 8,
            "label_x": label_w - 8,
            "empty": not matrix.rows,
        },
    )


def bars(items: list[tuple[str, int]]) -> str:
    return bar_chart(_("Codings per code"), items, width=520)
