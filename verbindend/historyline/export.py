"""Exports: pictures as PNG, the data as CSV (pseudonyms only, never names)."""

from __future__ import annotations

from collections.abc import Iterator

from verbindend.historyline.models import Exercise, Moment
from verbindend.method import content


def png(svg: str) -> bytes:
    """The same SVG the page shows, rasterised at twice its size for print and slides."""
    import cairosvg

    return bytes(cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=2))


POINTS_HEADER = ["pseudonym", "date", "day", "value"]
MOMENTS_HEADER = [
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


def points_rows(exercise: Exercise) -> Iterator[list[object]]:
    """Every drawn point; `core.exports` makes the cells spreadsheet-safe."""
    for line in exercise.lines.order_by("pseudonym"):
        for day, value in line.points:
            yield [line.pseudonym, exercise.date_at(day).isoformat(), day, value]


def moments_rows(exercise: Exercise) -> Iterator[list[object]]:
    moments = Moment.objects.filter(line__exercise=exercise).select_related("line")
    for m in moments.order_by("line__pseudonym", "on", "pk"):
        yield [
            m.line.pseudonym,
            m.on.isoformat(),
            m.value,
            m.kind,
            m.title,
            m.story,
            m.answer_peaks,
            m.answer_valleys,
            m.answer_red_thread,
            m.level,
            m.principle,
            m.condition,
            m.knowledge,
        ]


def tag_title(key: str) -> str:
    return content.get(key).title if key and content.exists(key) else ""
