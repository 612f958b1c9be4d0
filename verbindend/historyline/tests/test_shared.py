"""The shared-moment finder on constructed cases, and its robustness on any line."""

from __future__ import annotations

import itertools
import random

from hypothesis import given
from hypothesis import strategies as st

from verbindend.historyline.geometry import turning_points
from verbindend.historyline.shared import Mark, clusters, marks_for_line, shared_moments


def summary(found: list) -> list[tuple[str, int, int, list[str]]]:
    return [(c.kind, c.start, c.end, sorted({m.line for m in c.marks})) for c in found]


def test_it_groups_peaks_that_people_marked_close_together() -> None:
    marks = [
        Mark("ann", 100, "peak"),
        Mark("bert", 130, "peak"),
        Mark("cas", 80, "peak"),
        Mark("ann", 400, "peak"),  # alone: not shared
        Mark("bert", 700, "valley"),
        Mark("cas", 720, "valley"),
    ]
    assert summary(shared_moments(marks, tolerance_days=30)) == [
        ("peak", 80, 130, ["ann", "bert", "cas"]),
        ("valley", 700, 720, ["bert", "cas"]),
    ]


def test_peaks_and_valleys_never_share_a_cluster() -> None:
    marks = [Mark("a", 100, "peak"), Mark("b", 101, "valley")]
    assert shared_moments(marks, tolerance_days=30) == []
    assert summary(clusters(marks, tolerance_days=30)) == [
        ("peak", 100, 100, ["a"]),
        ("valley", 101, 101, ["b"]),
    ]


def test_one_person_marking_twice_is_not_shared() -> None:
    marks = [Mark("a", 100, "peak"), Mark("a", 110, "peak")]
    assert shared_moments(marks, tolerance_days=30) == []


def test_the_tolerance_decides_what_counts_as_close() -> None:
    marks = [Mark("a", 0, "peak"), Mark("b", 45, "peak"), Mark("c", 90, "peak")]
    assert summary(shared_moments(marks, tolerance_days=44)) == []
    # single linkage: a–b and b–c are each 45 days apart, so all three join
    assert summary(shared_moments(marks, tolerance_days=45)) == [("peak", 0, 90, ["a", "b", "c"])]
    assert summary(shared_moments(marks, tolerance_days=0)) == []


def test_known_peaks_with_noise_come_back_exactly() -> None:
    """Three known moments, ten people, each off by up to ±20 days, plus lone stray marks."""
    rng = random.Random(3)
    truth = [("peak", 500), ("valley", 1200), ("peak", 2000)]
    marks = []
    for person in range(10):
        for kind, day in truth:
            marks.append(Mark(f"p{person}", day + rng.randint(-20, 20), kind))
    marks += [Mark("p0", 900, "peak"), Mark("p1", 1600, "valley")]  # alone, far from the rest
    found = shared_moments(marks, tolerance_days=30)
    assert [(c.kind, c.lines) for c in found] == [("peak", 10), ("valley", 10), ("peak", 10)]
    for cluster, (kind, day) in zip(found, truth, strict=True):
        assert cluster.kind == kind
        assert day - 20 <= cluster.start <= cluster.end <= day + 20


def test_drawn_turning_points_count_where_nothing_was_marked() -> None:
    line = [(0, 20.0), (100, 80.0), (200, 20.0), (300, 20.0)]
    marked = [Mark("a", 95, "peak", ref="moment")]
    assert marks_for_line("a", line, marked, tolerance_days=30) == marked
    assert marks_for_line("a", line, [], tolerance_days=30) == [Mark("a", 100, "peak", 80.0)]
    assert marks_for_line("a", line, [], tolerance_days=30, include_drawn=False) == []


def test_turning_points_on_a_known_line() -> None:
    line = [(0, 50.0), (10, 90.0), (20, 30.0), (30, 35.0), (40, 10.0), (50, 60.0), (60, 55.0)]
    assert [(t.day, t.kind) for t in turning_points(line, prominence=15)] == [
        (10, "peak"),
        (40, "valley"),
    ]


def test_turning_points_ignore_wiggles_smaller_than_the_prominence() -> None:
    line = [(d, 50.0 + (5 if d % 2 else -5)) for d in range(100)]
    assert turning_points(line, prominence=15) == []


def test_a_line_that_starts_by_falling_has_its_first_valley() -> None:
    line = [(0, 80.0), (10, 20.0), (20, 90.0), (30, 10.0)]
    assert [(t.day, t.kind) for t in turning_points(line, prominence=15)] == [
        (10, "valley"),
        (20, "peak"),
    ]


values = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)
lines = st.one_of(
    st.just([]),
    st.lists(st.tuples(st.integers(0, 10_000), values), max_size=1),
    st.integers(0, 300).map(lambda n: [(d, 50.0) for d in range(n)]),
    st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from([0.0, 100.0])), max_size=200),
    st.lists(st.tuples(st.integers(-(10**9), 10**9), values), max_size=200),
).map(lambda pts: sorted(dict(pts).items()))


@given(st.lists(lines, max_size=8), st.integers(-5, 100_000), st.floats(0, 200))
def test_the_finder_never_fails_on_any_lines(
    drawn: list[list[tuple[int, float]]], tolerance: int, prominence: float
) -> None:
    marks = []
    for index, points in enumerate(drawn):
        marks += marks_for_line(
            index, points, [], tolerance_days=max(tolerance, 0), prominence=prominence
        )
    everything = clusters(marks, tolerance_days=tolerance)
    shared = shared_moments(marks, tolerance_days=tolerance)
    # every mark lands in exactly one cluster, and shared clusters involve two lines or more
    assert sorted(m.day for c in everything for m in c.marks) == sorted(m.day for m in marks)
    assert all(c.lines >= 2 for c in shared)
    assert all(c.start <= c.end for c in everything)


@given(lines)
def test_turning_points_alternate_and_lie_on_the_line(points: list[tuple[int, float]]) -> None:
    found = turning_points(points, prominence=15)
    kinds = [t.kind for t in found]
    assert all(a != b for a, b in itertools.pairwise(kinds))
    on_line = set(points)
    assert all((t.day, t.value) in on_line for t in found)
