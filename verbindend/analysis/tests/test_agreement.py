"""Agreement statistics against values computed by hand (see the docstring of each test)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verbindend.analysis import agreement
from verbindend.analysis.agreement import Counts


def test_partial_overlap_by_hand() -> None:
    """10 characters; A codes 0–4, B codes 2–6 → both 2, only A 2, only B 2, neither 4.

    pₒ = 6/10; pₑ = (4·4 + 6·6)/100 = 0.52; κ = 0.08/0.48 = 1/6.
    α: n₁ = 2·2+2+2 = 8, n₀ = 2·4+2+2 = 12; α = 1 − 19·4/(8·12) = 20/96.
    """
    counts = agreement.count(10, [(0, 4)], [(2, 6)])
    assert counts == Counts(both=2, only_a=2, only_b=2, neither=4)
    assert counts.percent == pytest.approx(60.0)
    assert counts.kappa == pytest.approx(1 / 6)
    assert counts.alpha == pytest.approx(20 / 96)


def test_identical_coders_agree_fully() -> None:
    counts = agreement.count(10, [(2, 5)], [(2, 5)])
    assert (counts.percent, counts.kappa, counts.alpha) == (100.0, 1.0, 1.0)


def test_no_overlap_at_all() -> None:
    """A codes 0–5, B codes 5–10: pₒ = 0, pₑ = 0.5 → κ = −1; α = 1 − 19·10/(10·10) = −0.9."""
    counts = agreement.count(10, [(0, 5)], [(5, 10)])
    assert counts.percent == 0.0
    assert counts.kappa == pytest.approx(-1.0)
    assert counts.alpha == pytest.approx(-0.9)


def test_one_coder_codes_nothing() -> None:
    """A codes 0–5 of 10, B nothing: pₒ = 0.5, pₑ = (0 + 5·10)/100 = 0.5 → κ = 0;
    α = 1 − 19·5/(5·15) = −19/15 + 1."""
    counts = agreement.count(10, [(0, 5)], [])
    assert counts.percent == 50.0
    assert counts.kappa == pytest.approx(0.0)
    assert counts.alpha == pytest.approx(1 - 19 * 5 / 75)


def test_everything_in_one_category_leaves_kappa_and_alpha_undefined() -> None:
    """Both code every character: pₑ = 1, so κ is undefined (None, shown as "—"), as is α."""
    counts = agreement.count(8, [(0, 8)], [(0, 8)])
    assert counts.percent == 100.0
    assert counts.kappa is None and counts.alpha is None
    nobody = agreement.count(8, [], [])
    assert nobody.percent == 100.0 and nobody.kappa is None and nobody.alpha is None


def test_an_empty_document_gives_no_figures() -> None:
    counts = agreement.count(0, [], [])
    assert counts.n == 0
    assert (counts.percent, counts.kappa, counts.alpha) == (None, None, None)
    assert agreement.disagreements(0, [], []) == []


def test_one_code_only_overall_equals_that_code() -> None:
    """With a single code the overall sum is that code's counts, over two documents."""
    first = agreement.count(10, [(0, 4)], [(2, 6)])
    second = agreement.count(5, [(0, 5)], [(0, 5)])
    overall = Counts() + first + second
    assert overall == Counts(both=7, only_a=2, only_b=2, neither=4)
    # pₒ = 11/15; a_yes = b_yes = 9 → pₑ = (81 + 36)/225 = 0.52
    assert overall.kappa == pytest.approx((11 / 15 - 0.52) / 0.48)


def test_overlapping_spans_of_one_coder_count_once() -> None:
    counts = agreement.count(10, [(0, 4), (2, 6), (6, 7)], [(0, 7)])
    assert counts == Counts(both=7, only_a=0, only_b=0, neither=3)


def test_spans_outside_the_text_are_clipped() -> None:
    assert agreement.count(5, [(3, 99)], []) == Counts(both=0, only_a=2, only_b=0, neither=3)


def test_disagreements_are_listed_in_text_order() -> None:
    assert agreement.disagreements(10, [(0, 4), (8, 9)], [(2, 6)]) == [
        (0, 2, "a"),
        (4, 6, "b"),
        (8, 9, "a"),
    ]


spans = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=6)


@given(length=st.integers(0, 40), a=spans, b=spans)
def test_counts_match_a_character_by_character_count(
    length: int, a: list[tuple[int, int]], b: list[tuple[int, int]]
) -> None:
    def coded(spans: list[tuple[int, int]]) -> list[bool]:
        return [any(s <= i < e for s, e in spans) for i in range(length)]

    ca, cb = coded(a), coded(b)
    expected = Counts(
        both=sum(x and y for x, y in zip(ca, cb, strict=True)),
        only_a=sum(x and not y for x, y in zip(ca, cb, strict=True)),
        only_b=sum(y and not x for x, y in zip(ca, cb, strict=True)),
        neither=sum(not x and not y for x, y in zip(ca, cb, strict=True)),
    )
    assert agreement.count(length, a, b) == expected
    listed = sum(e - s for s, e, _who in agreement.disagreements(length, a, b))
    assert listed == expected.only_a + expected.only_b
    if expected.kappa is not None:
        assert -1.0 <= expected.kappa <= 1.0
