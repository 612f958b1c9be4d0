"""Cleaning and simplifying untrusted points, sampling lines, and the consensus line."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verbindend.historyline.geometry import (
    MAX_POINTS,
    MAX_RAW_POINTS,
    BadPoints,
    clean,
    consensus,
    simplify,
    value_at,
)

START = date(2020, 1, 1)
SPAN = 366


def cleaned(raw: object) -> list[tuple[int, float]]:
    return clean(raw, start=START, span_days=SPAN).points


def test_it_reads_day_offsets_and_iso_dates_alike() -> None:
    assert cleaned([[0, 10], ["2020-01-11", 20], [20.4, "30,5"]]) == [
        (0, 10.0),
        (10, 20.0),
        (20, 30.5),
    ]
    assert cleaned([{"date": "2020-01-02", "value": 5}]) == [(1, 5.0)]


def test_points_outside_the_axis_are_clamped_onto_its_edges() -> None:
    result = clean([[-50, 10], [100, 50], ["2030-01-01", 60]], start=START, span_days=SPAN)
    assert result.points == [(0, 10.0), (100, 50.0), (SPAN, 60.0)]
    assert result.clamped_time == 2


def test_values_are_clamped_to_0_100() -> None:
    result = clean([[0, -20], [1, 250]], start=START, span_days=SPAN)
    assert result.points == [(0, 0.0), (1, 100.0)]
    assert result.clamped_value == 2


def test_time_going_backwards_is_put_in_order_and_reported() -> None:
    result = clean([[30, 1], [10, 2], [20, 3]], start=START, span_days=SPAN)
    assert result.points == [(10, 2.0), (20, 3.0), (30, 1.0)]
    assert result.reordered


def test_several_points_on_one_day_keep_the_last() -> None:
    result = clean([[5, 1], [5.2, 2], [6, 3]], start=START, span_days=SPAN)
    assert result.points == [(5, 2.0), (6, 3.0)]
    assert result.merged == 1


@pytest.mark.parametrize(
    ("raw", "code", "index"),
    [
        ("nope", "not_a_list", None),
        ({"points": []}, "not_a_list", None),
        ([[1, 2, 3]], "not_a_pair", 0),
        ([[1, 2], "x"], "not_a_pair", 1),
        ([[1, "abc"]], "not_a_number", 0),
        ([[1, None]], "not_a_number", 0),
        ([[1, True]], "not_a_number", 0),
        ([[1, float("nan")]], "not_a_number", 0),
        ([[1, "inf"]], "not_a_number", 0),
        ([["2020-02-30", 3]], "bad_date", 0),
        ([["yesterday", 3]], "not_a_number", 0),
        ([[0, 1]] * (MAX_RAW_POINTS + 1), "too_many", None),
    ],
)
def test_unreadable_input_is_refused_with_a_reason(
    raw: object, code: str, index: int | None
) -> None:
    with pytest.raises(BadPoints) as caught:
        clean(raw, start=START, span_days=SPAN)
    assert caught.value.code == code
    assert caught.value.index == index


def test_thousands_of_points_are_simplified_keeping_the_shape() -> None:
    span = 10_000
    raw = [[d, 50 + 40 * math.sin(d / 800)] for d in range(span)]
    result = clean(raw, start=START, span_days=span)
    assert len(result.points) <= MAX_POINTS
    assert result.simplified_from == span
    assert result.points[0][0] == 0 and result.points[-1][0] == span - 1
    for d in range(0, span, 97):  # stays within a point or so of the original everywhere
        simplified = value_at(result.points, d)
        assert simplified is not None and abs(simplified - (50 + 40 * math.sin(d / 800))) < 1.5


def test_simplify_keeps_ends_and_peaks() -> None:
    line = [(d, 0.0) for d in range(500)] + [(500, 100.0)] + [(d, 0.0) for d in range(501, 1000)]
    out = simplify(line, span_days=1000, max_points=10)
    assert (500, 100.0) in out and out[0] == (0, 0.0) and out[-1] == (999, 0.0)


def test_value_at_interpolates_inside_the_drawn_range_only() -> None:
    line = [(10, 0.0), (20, 100.0)]
    assert value_at(line, 15) == 50.0
    assert value_at(line, 10) == 0.0
    assert value_at(line, 5) is None and value_at(line, 25) is None
    assert value_at([], 5) is None


def test_consensus_is_the_median_with_the_interquartile_band() -> None:
    lines = [[(0, v), (100, v)] for v in (10.0, 20.0, 30.0, 40.0, 50.0)]
    middle = consensus(lines, span_days=100, steps=4)
    assert [(c.day, c.median, c.low, c.high, c.count) for c in middle] == [
        (day, 30.0, 20.0, 40.0, 5) for day in (0.0, 25.0, 50.0, 75.0, 100.0)
    ]


def test_consensus_counts_a_line_only_where_it_was_drawn() -> None:
    lines = [[(0, 10.0), (100, 10.0)], [(50, 90.0), (100, 90.0)]]
    middle = consensus(lines, span_days=100, steps=2)
    assert [(c.day, c.median, c.count) for c in middle] == [
        (0, 10.0, 1),
        (50, 50.0, 2),
        (100, 50.0, 2),
    ]
    assert consensus([], span_days=100) == []


junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=3),
)


@given(st.lists(st.one_of(st.tuples(junk, junk).map(list), junk), max_size=60))
def test_clean_either_refuses_with_a_reason_or_returns_a_valid_line(raw: list[object]) -> None:
    try:
        result = clean(raw, start=START, span_days=SPAN)
    except BadPoints as bad:
        assert bad.code in {"not_a_pair", "not_a_number", "bad_date", "not_a_list", "too_many"}
        return
    days = [d for d, _v in result.points]
    assert days == sorted(set(days))
    assert all(0 <= d <= SPAN and 0 <= v <= 100 for d, v in result.points)


@given(
    st.lists(st.tuples(st.integers(0, 1000), st.floats(0, 100)), max_size=40).map(
        lambda pts: sorted(dict(pts).items())
    ),
    st.lists(st.floats(-10, 1010), max_size=40).map(sorted),
)
def test_sampling_in_one_walk_agrees_with_value_at(
    points: list[tuple[int, float]], grid: list[float]
) -> None:
    from verbindend.historyline.geometry import sample

    for got, day in zip(sample(points, grid), grid, strict=True):
        want = value_at(points, day)
        assert (got is None) == (want is None)
        if got is not None and want is not None:
            assert abs(got - want) < 1e-9
