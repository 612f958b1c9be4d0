"""Shared moments: peaks or valleys that several people put close together in time.

The rule, so a group can predict it: moments of the same kind are sorted by day; a moment joins
the cluster of the one before it when it lies at most ``tolerance_days`` after it (single linkage
in time). A cluster is *shared* when moments from at least ``min_lines`` different lines are in
it. Clusters come out in time order, peaks before valleys on the same day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from verbindend.historyline.geometry import Point, turning_points


@dataclass(frozen=True)
class Mark:
    """A peak or valley on one line: marked by its author (``ref`` = the Moment) or only drawn."""

    line: Any
    day: int
    kind: str
    value: float = 0.0
    ref: Any = None


@dataclass(frozen=True)
class Cluster:
    kind: str
    start: int
    end: int
    marks: tuple[Mark, ...]

    @property
    def lines(self) -> int:
        return len({m.line for m in self.marks})

    @property
    def centre(self) -> float:
        return sum(m.day for m in self.marks) / len(self.marks)


def clusters(marks: Iterable[Mark], *, tolerance_days: int) -> list[Cluster]:
    """Every cluster, shared or not (see the module docstring for the rule)."""
    tolerance = max(0, int(tolerance_days))
    out: list[Cluster] = []
    by_kind: dict[str, list[Mark]] = {}
    for mark in marks:
        by_kind.setdefault(mark.kind, []).append(mark)
    for kind, group in by_kind.items():
        group.sort(key=lambda m: (m.day, str(m.line)))
        current: list[Mark] = []
        for mark in group:
            if current and mark.day - current[-1].day > tolerance:
                out.append(Cluster(kind, current[0].day, current[-1].day, tuple(current)))
                current = []
            current.append(mark)
        if current:
            out.append(Cluster(kind, current[0].day, current[-1].day, tuple(current)))
    out.sort(key=lambda c: (c.start, c.kind != "peak", c.end))
    return out


def shared_moments(
    marks: Iterable[Mark], *, tolerance_days: int, min_lines: int = 2
) -> list[Cluster]:
    return [c for c in clusters(marks, tolerance_days=tolerance_days) if c.lines >= min_lines]


def marks_for_line(
    line: Any,
    points: Sequence[Point],
    marked: Iterable[Mark],
    *,
    tolerance_days: int,
    include_drawn: bool = True,
    prominence: float = 15.0,
) -> list[Mark]:
    """A line's marked moments, plus drawn turning points its author did not mark nearby."""
    out = list(marked)
    if include_drawn:
        for tp in turning_points(points, prominence=prominence):
            near = any(m.kind == tp.kind and abs(m.day - tp.day) <= tolerance_days for m in out)
            if not near:
                out.append(Mark(line=line, day=tp.day, kind=tp.kind, value=tp.value))
    return out
