"""Reading the lines together: filters, the overlay picture, shared moments and the consensus line.

Geometry is computed here; the markup is in ``historyline/overlay.svg`` so every text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from verbindend.core import disclosure
from verbindend.historyline import geometry
from verbindend.historyline.models import Exercise, Line, Moment
from verbindend.historyline.shared import Cluster, Mark, marks_for_line, shared_moments

WIDTH, HEIGHT = 960, 480
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 24, 64
# Okabe–Ito: distinguishable with the common colour-vision deficiencies
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8A6D00", "#000000"]
DEFAULT_K = 5


@dataclass(frozen=True)
class Filters:
    organisation: int | None = None
    role: str = ""
    level: str = ""
    drawn: bool = False

    @classmethod
    def from_query(cls, query: Any) -> Filters:
        try:
            organisation = int(query.get("organisation") or 0) or None
        except (TypeError, ValueError):
            organisation = None
        level = str(query.get("level") or "")
        return cls(
            organisation=organisation,
            role=str(query.get("role") or "")[:20],
            level=level if level.startswith("level.") else "",
            drawn=query.get("drawn") in {"1", "on", "true"},
        )

    @property
    def breaks_down(self) -> bool:
        """Does this filter show a subgroup of respondents (so the k rule applies)?"""
        return bool(self.organisation or self.role)


@dataclass
class DrawnLine:
    line: Line
    colour: str
    path: str
    points: list[geometry.Point]
    moments: list[dict[str, Any]]


@dataclass
class Overlay:
    exercise: Exercise
    filters: Filters
    lines: list[DrawnLine] = field(default_factory=list)
    total: int = 0
    suppressed: bool = False
    k: int = DEFAULT_K
    shared: list[Cluster] = field(default_factory=list)
    median_path: str = ""
    band_path: str = ""

    def svg(self, *, title: str) -> SafeString:
        shared = shared_with_lines(self)
        context = {"o": self, "title": title, "shared": shared, "text": _texts(self, shared)}
        return render_to_string("historyline/overlay.svg", {**context, **frame(self.exercise)})


def _texts(result: Overlay, shared: list[dict[str, Any]]) -> dict[str, str]:
    """The picture's words, translated here (so catalogues need not scan SVG templates)."""
    exercise = result.exercise
    n = len(result.lines)
    desc = [
        ngettext(
            "One history line from %(start)s to %(end)s.",
            "%(n)s history lines from %(start)s to %(end)s.",
            n,
        )
        % {
            "n": n,
            "start": date_format(exercise.start_date, "SHORT_DATE_FORMAT"),
            "end": date_format(exercise.end_date, "SHORT_DATE_FORMAT"),
        }
    ]
    for s in shared:
        kind = _("Shared peak") if s["cluster"].kind == "peak" else _("Shared valley")
        start = date_format(s["start"], "SHORT_DATE_FORMAT")
        end = date_format(s["end"], "SHORT_DATE_FORMAT")
        desc.append(f"{kind} {start}–{end} ({s['cluster'].lines}).")
    return {
        "desc": " ".join(desc),
        "band": _("Middle half of the lines (interquartile range)"),
        "median": _("Consensus line (median)"),
        "empty": (
            _("Too few lines in this group to show them.")
            if result.suppressed
            else _("No lines yet.")
        ),
    }


def x_of(day: float, span: int) -> float:
    return round(LEFT + (WIDTH - LEFT - RIGHT) * day / span, 1)


def y_of(value: float) -> float:
    return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / 100), 1)


def _path(points: Sequence[tuple[float, float]], span: int) -> str:
    """SVG points as plain numbers (never localised), in picture coordinates."""
    sx, sy = (WIDTH - LEFT - RIGHT) / span, (HEIGHT - TOP - BOTTOM) / 100
    bottom = HEIGHT - BOTTOM
    return " ".join([f"{LEFT + sx * d:.1f},{bottom - sy * v:.1f}" for d, v in points])


def frame(exercise: Exercise) -> dict[str, Any]:
    """Axis ticks (years, or months on a short axis) and milestones, in picture coordinates."""
    span = exercise.span_days
    start, end = exercise.start_date, exercise.end_date
    ticks: list[dict[str, Any]] = []
    if span > 3 * 365:
        step = max(1, (end.year - start.year) // 10 + 1)
        for year in range(start.year + 1, end.year + 1, step):
            day = (date(year, 1, 1) - start).days
            ticks.append({"x": x_of(day, span), "date": date(year, 1, 1), "year": True})
    else:
        months = (end.year - start.year) * 12 + end.month - start.month
        step = max(1, months // 8 + 1)
        y, m = start.year, start.month
        while True:
            m += step
            y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
            when = date(y, m, 1)
            if when > end:
                break
            ticks.append({"x": x_of((when - start).days, span), "date": when, "year": False})
    milestones = [
        {"x": x_of(min(max(day, 0), span), span), "label": label, "row": i % 2}
        for i, (day, label) in enumerate(sorted(exercise.milestone_days()))
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right_x": WIDTH - RIGHT,
        "top": TOP,
        "bottom_y": HEIGHT - BOTTOM,
        "mid_y": y_of(50),
        "ticks": ticks,
        "milestones": milestones,
        "tick_label_y": HEIGHT - BOTTOM + 18,
        "milestone_label_y": HEIGHT - BOTTOM + 36,
        "start": start,
        "end": end,
    }


def k_for(exercise: Exercise) -> int:
    """The network's k; for a study's exercise, the highest k of the networks it covers."""
    if exercise.network:
        return disclosure.effective_k(exercise.network.k_threshold)
    from verbindend.studies.models import Case

    ks = (
        Case.objects.agreed()
        .filter(study=exercise.study)
        .values_list("network__k_threshold", flat=True)
    )
    return disclosure.effective_k(*ks)


def _groups(lines: Sequence[Line]) -> dict[tuple[str, object], frozenset[int]]:
    groups: dict[tuple[str, object], set[int]] = {}
    for line in lines:
        if line.organisation_id:
            groups.setdefault(("organisation", line.organisation_id), set()).add(line.pk)
        if line.role:
            groups.setdefault(("role", line.role), set()).add(line.pk)
    return {key: frozenset(members) for key, members in groups.items()}


def allowed_filters(exercise: Exercise, lines: Sequence[Line]) -> set[tuple[str, object]]:
    """Which organisation and role filters may be offered (``core.disclosure``).

    Every filter that is offered is published beside the whole set of lines, so the engine
    checks them all together: no filter, and no difference between filters and the whole,
    may single out fewer than k lines (and so their stories).
    """
    everyone = frozenset(line.pk for line in lines)
    return disclosure.allowed_groups(_groups(lines), k=k_for(exercise), population=everyone)


def _filter_allowed(exercise: Exercise, lines: Sequence[Line], filters: Filters) -> bool:
    allowed = allowed_filters(exercise, lines)
    wanted: list[tuple[str, object]] = []
    if filters.organisation:
        wanted.append(("organisation", filters.organisation))
    if filters.role:
        wanted.append(("role", filters.role))
    if any(key not in allowed for key in wanted):
        return False
    if len(wanted) < 2:
        return True
    # both at once: their intersection is one more published cell, checked with the others
    groups = {key: members for key, members in _groups(lines).items() if key in allowed}
    groups[("both", 0)] = groups[wanted[0]] & groups[wanted[1]]
    everyone = frozenset(line.pk for line in lines)
    shown = disclosure.allowed_groups(groups, k=k_for(exercise), population=everyone)
    return ("both", 0) in shown and set(wanted) <= shown


def lines_of(exercise: Exercise) -> list[Line]:
    moments = Prefetch("moments", queryset=Moment.objects.order_by("on", "pk"))
    return list(exercise.lines.select_related("organisation").prefetch_related(moments))


def overlay(
    exercise: Exercise, filters: Filters | None = None, *, lines: list[Line] | None = None
) -> Overlay:
    """All lines on one time axis, with shared moments and the consensus line (median, IQR)."""
    filters = filters or Filters()
    everyone = lines if lines is not None else lines_of(exercise)
    chosen = [
        line
        for line in everyone
        if (not filters.organisation or line.organisation_id == filters.organisation)
        and (not filters.role or line.role == filters.role)
    ]
    result = Overlay(exercise=exercise, filters=filters, total=len(everyone), k=k_for(exercise))
    if filters.breaks_down and (
        len(chosen) < result.k or not _filter_allowed(exercise, everyone, filters)
    ):
        result.suppressed = True
        return result
    span = exercise.span_days
    marks: list[Mark] = []
    for index, line in enumerate(chosen):
        points = [(int(d), float(v)) for d, v in line.points]
        shown = [m for m in line.moments.all() if not filters.level or m.level == filters.level]
        line_marks = [
            Mark(line=line.pk, day=exercise.day_of(m.on), kind=m.kind, value=m.value, ref=m)
            for m in shown
        ]
        marks += marks_for_line(
            line.pk,
            points,
            line_marks,
            tolerance_days=exercise.tolerance_days,
            include_drawn=filters.drawn and not filters.level,
        )
        result.lines.append(
            DrawnLine(
                line=line,
                colour=PALETTE[index % len(PALETTE)],
                path=_path(points, span),
                points=points,
                moments=[
                    {
                        "x": str(x_of(exercise.day_of(m.on), span)),
                        "y": str(y_of(_on_line(points, exercise.day_of(m.on), m.value))),
                        "kind": m.kind,
                        "label": f"{line.pseudonym} · {date_format(m.on, 'SHORT_DATE_FORMAT')}"
                        f" · {m.title}",
                    }
                    for m in shown
                ],
            )
        )
    result.shared = shared_moments(marks, tolerance_days=exercise.tolerance_days)
    if len(result.lines) >= 2:
        middle = geometry.consensus([d.points for d in result.lines], span_days=span)
        result.median_path = _path([(c.day, c.median) for c in middle], span)
        upper = [(c.day, c.high) for c in middle]
        lower = [(c.day, c.low) for c in reversed(middle)]
        result.band_path = _path(upper + lower, span)
    return result


def _on_line(points: list[geometry.Point], day: int, fallback: float) -> float:
    """A marker sits on its line; only a moment outside the drawn part uses its own height."""
    value = geometry.value_at(points, day)
    return fallback if value is None else value


def shared_with_lines(result: Overlay) -> list[dict[str, Any]]:
    """Shared moments ready for the page: dates, and each mark with its line and story."""
    by_pk = {d.line.pk: d for d in result.lines}
    exercise = result.exercise
    out = []
    for cluster in result.shared:
        out.append(
            {
                "cluster": cluster,
                "start": exercise.date_at(cluster.start),
                "end": exercise.date_at(cluster.end),
                "x1": x_of(cluster.start, exercise.span_days),
                "x2": x_of(cluster.end, exercise.span_days),
                "marks": [
                    {
                        "line": by_pk[m.line].line,
                        "colour": by_pk[m.line].colour,
                        "mark": m,
                        "date": exercise.date_at(m.day),
                        "moment": m.ref,
                    }
                    for m in cluster.marks
                ],
            }
        )
    return out
