"""Exports: pictures as PNG, the data as CSV (pseudonyms only, never names)."""

from __future__ import annotations

import csv
import io

from verbindend.historyline.models import Exercise, Moment
from verbindend.method import content


def png(svg: str) -> bytes:
    """The same SVG the page shows, rasterised at twice its size for print and slides."""
    import cairosvg

    return bytes(cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=2))


def _safe(value: object) -> str:
    """Spreadsheet-safe text: a cell starting with = + - @ is not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def points_csv(exercise: Exercise) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["pseudonym", "date", "day", "value"])
    for line in exercise.lines.order_by("pseudonym"):
        for day, value in line.points:
            writer.writerow([_safe(line.pseudonym), exercise.date_at(day).isoformat(), day, value])
    return out.getvalue()


def moments_csv(exercise: Exercise) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "pseudonym",
            "date",
            "value",
            "kind",
            "title",
            "story",
            "q_peaks",
            "q_valleys",
            "q_red_thread",
            "level",
            "principle",
            "condition",
            "knowledge_type",
        ]
    )
    moments = Moment.objects.filter(line__exercise=exercise).select_related("line")
    for m in moments.order_by("line__pseudonym", "on", "pk"):
        writer.writerow(
            [
                _safe(m.line.pseudonym),
                m.on.isoformat(),
                m.value,
                m.kind,
                _safe(m.title),
                _safe(m.story),
                _safe(m.answer_peaks),
                _safe(m.answer_valleys),
                _safe(m.answer_red_thread),
                m.level,
                m.principle,
                m.condition,
                m.knowledge,
            ]
        )
    return out.getvalue()


def tag_title(key: str) -> str:
    return content.get(key).title if key and content.exists(key) else ""
