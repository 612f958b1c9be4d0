"""Pure geometry of history lines: cleaning input, simplifying, sampling, turning points, consensus.

A line is a list of ``(day, value)`` pairs with days strictly increasing and values in 0–100.
Nothing here touches the database, so the rules are easy to test on constructed cases.
"""

from __future__ import annotations

import itertools
import math
import statistics
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

Point = tuple[int, float]

MAX_RAW_POINTS = 20_000
MAX_POINTS = 250
VALUE_MIN, VALUE_MAX = 0.0, 100.0


class BadPoints(ValueError):
    """Input that cannot be read as a line at all; ``code`` says why."""

    def __init__(self, code: str, index: int | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.index = index


@dataclass
class Cleaned:
    points: list[Point]
    clamped_time: int = 0
    clamped_value: int = 0
    reordered: bool = False
    merged: int = 0
    simplified_from: int = 0
    notices: list[str] = field(default_factory=list)


def _number(raw: object, index: int) -> float:
    if isinstance(raw, bool) or raw is None:
        raise BadPoints("not_a_number", index)
    if isinstance(raw, int | float):
        number = float(raw)
    elif isinstance(raw, str):
        try:
            number = float(raw.strip().replace(",", "."))
        except ValueError:
            raise BadPoints("not_a_number", index) from None
    else:
        raise BadPoints("not_a_number", index)
    if not math.isfinite(number):
        raise BadPoints("not_a_number", index)
    return number


def _day(raw: object, index: int, start: date) -> float:
    """A point's time: a day offset from the start, or an ISO date."""
    if isinstance(raw, str) and "-" in raw.strip()[1:]:
        try:
            return float((date.fromisoformat(raw.strip()) - start).days)
        except ValueError:
            raise BadPoints("bad_date", index) from None
    return _number(raw, index)


def clean(raw: object, *, start: date, span_days: int, max_points: int = MAX_POINTS) -> Cleaned:
    """Read untrusted points; clamp to the axis, sort by time, merge same days, simplify.

    Raises BadPoints for input that is not a list of pairs, or has non-numeric values or dates, or
    more than MAX_RAW_POINTS points (a line that big is not a drawing).
    """
    if not isinstance(raw, list):
        raise BadPoints("not_a_list")
    if len(raw) > MAX_RAW_POINTS:
        raise BadPoints("too_many")
    result = Cleaned(points=[])
    parsed: list[tuple[float, float]] = []
    for index, item in enumerate(raw):
        if isinstance(item, dict):
            item = [item.get("date", item.get("day")), item.get("value")]
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise BadPoints("not_a_pair", index)
        day = _day(item[0], index, start)
        value = _number(item[1], index)
        if day < 0 or day > span_days:
            result.clamped_time += 1
            day = min(max(day, 0.0), float(span_days))
        if value < VALUE_MIN or value > VALUE_MAX:
            result.clamped_value += 1
            value = min(max(value, VALUE_MIN), VALUE_MAX)
        parsed.append((day, value))
    if any(b[0] < a[0] for a, b in itertools.pairwise(parsed)):
        result.reordered = True
        parsed.sort(key=lambda p: p[0])  # stable: equal days keep their order
    by_day: dict[int, float] = {}
    for day, value in parsed:
        by_day[round(day)] = round(value, 1)  # the last value drawn on a day wins
    result.merged = len(parsed) - len(by_day)
    points = sorted(by_day.items())
    if len(points) > max_points:
        result.simplified_from = len(points)
        points = simplify(points, span_days=span_days, max_points=max_points)
    result.points = points
    return result


def _perpendicular(p: Point, a: Point, b: Point, sx: float) -> float:
    """Distance of p from the segment a–b, with days scaled by sx onto the 0–100 value scale."""
    ax, ay, bx, by, px, py = a[0] * sx, a[1], b[0] * sx, b[1], p[0] * sx, p[1]
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        return math.hypot(px - ax, py - ay)
    return abs(dy * px - dx * py + bx * ay - by * ax) / math.hypot(dx, dy)


def rdp(points: Sequence[Point], epsilon: float, sx: float) -> list[Point]:
    """Ramer–Douglas–Peucker without recursion (thousands of points must not hit the stack)."""
    n = len(points)
    if n < 3:
        return list(points)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, -1
        for i in range(first + 1, last):
            d = _perpendicular(points[i], points[first], points[last], sx)
            if d > best:
                best, index = d, i
        if index != -1 and best > epsilon:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify(points: Sequence[Point], *, span_days: int, max_points: int) -> list[Point]:
    """Fewest changes to the shape that bring the line to at most max_points points."""
    sx = 100.0 / max(span_days, 1)
    epsilon = 0.25
    out = list(points)
    while len(out) > max_points:
        out = rdp(points, epsilon, sx)
        epsilon *= 1.6
    return out


def value_at(points: Sequence[Point], day: float) -> float | None:
    """The line's height on a day by straight interpolation; None outside the drawn range."""
    if not points or day < points[0][0] or day > points[-1][0]:
        return None
    days = [p[0] for p in points]
    i = bisect_left(days, day)
    if days[i] == day:
        return points[i][1]
    (d0, v0), (d1, v1) = points[i - 1], points[i]
    return v0 + (v1 - v0) * (day - d0) / (d1 - d0)


@dataclass(frozen=True)
class TurningPoint:
    day: int
    value: float
    kind: str  # "peak" | "valley"


def turning_points(points: Sequence[Point], *, prominence: float = 15.0) -> list[TurningPoint]:
    """Peaks and valleys of a drawn line that rise or fall at least ``prominence`` on both sides.

    A zigzag walk: the running high becomes a peak once the line has dropped ``prominence`` below
    it, and the running low a valley once the line has risen that much above it. The line's ends
    are never turning points.
    """
    n = len(points)
    if n < 3 or prominence <= 0:
        return []
    out: list[TurningPoint] = []
    hi = lo = 0
    trend = 0  # 1 rising, -1 falling, 0 not yet known
    for i in range(1, n):
        v = points[i][1]
        if trend >= 0 and v > points[hi][1]:
            hi = i
        if trend <= 0 and v < points[lo][1]:
            lo = i
        if trend == 0:
            if points[hi][1] - points[lo][1] >= prominence:
                trend = 1 if hi > lo else -1
                if trend == 1:
                    lo_first = lo
                    if lo_first > 0 and points[0][1] - points[lo_first][1] >= prominence:
                        out.append(_tp(points[lo_first], "valley"))
                else:
                    if hi > 0 and points[hi][1] - points[0][1] >= prominence:
                        out.append(_tp(points[hi], "peak"))
            continue
        if trend == 1:
            if v > points[hi][1]:
                hi = i
            elif points[hi][1] - v >= prominence:
                out.append(_tp(points[hi], "peak"))
                trend, lo = -1, i
        else:
            if v < points[lo][1]:
                lo = i
            elif v - points[lo][1] >= prominence:
                out.append(_tp(points[lo], "valley"))
                trend, hi = 1, i
    return out


def _tp(point: Point, kind: str) -> TurningPoint:
    return TurningPoint(day=int(point[0]), value=float(point[1]), kind=kind)


@dataclass(frozen=True)
class ConsensusPoint:
    day: float
    median: float
    low: float
    high: float
    count: int


def sample(points: Sequence[Point], grid: Sequence[float]) -> list[float | None]:
    """value_at for every day of an increasing grid, in one walk along the line."""
    out: list[float | None] = []
    n, i = len(points), 0
    for day in grid:
        if not n or day < points[0][0] or day > points[-1][0]:
            out.append(None)
            continue
        while i < n - 1 and points[i + 1][0] < day:
            i += 1
        d0, v0 = points[i]
        if d0 == day or i == n - 1:
            out.append(v0 if d0 == day else points[-1][1])
            continue
        d1, v1 = points[i + 1]
        out.append(v0 + (v1 - v0) * (day - d0) / (d1 - d0))
    return out


def consensus(
    lines: Sequence[Sequence[Point]], *, span_days: int, steps: int = 100
) -> list[ConsensusPoint]:
    """Median and interquartile band of the lines on a common grid of days.

    A line only counts where it was drawn (no extrapolation before its first or after its last
    point); a grid day with no line is left out.
    """
    grid = [span_days * step / steps for step in range(steps + 1)]
    columns = [sample(line, grid) for line in lines]
    out = []
    for index, day in enumerate(grid):
        values = [v for column in columns if (v := column[index]) is not None]
        if not values:
            continue
        if len(values) == 1:
            low = high = values[0]
        else:
            q1, _q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
            low, high = q1, q3
        out.append(
            ConsensusPoint(
                day=day,
                median=statistics.median(values),
                low=low,
                high=high,
                count=len(values),
            )
        )
    return out
