"""Agreement between two coders, on characters, the way MAXQDA, NVivo and QualCoder count it.

For each code and each document, every character is a unit that each coder either coded with
that code or not. Over those units we count ``both`` (both coded), ``only_a``, ``only_b`` and
``neither``; the statistics follow from the four counts, per code and summed over all codes.

- percent agreement = (both + neither) / n
- Cohen's κ = (pₒ − pₑ) / (1 − pₑ), pₑ from each coder's own share of coded characters.
- Krippendorff's α (nominal data, two coders, no missing values) = 1 − (2n − 1)·(only_a +
  only_b) / (n₁·n₀), where n₁ and n₀ count the coded and uncoded values over both coders.

When a statistic is undefined — no characters at all, or everything in one category so that
the expected agreement is 1 (κ) or there is no variation (α) — it is ``None`` and shown as "—",
never a division by zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

Span = tuple[int, int]


def union(spans: Iterable[Span]) -> list[Span]:
    """The spans merged into sorted, non-overlapping, non-touching ranges."""
    merged: list[list[int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _length(spans: list[Span]) -> int:
    return sum(e - s for s, e in spans)


def intersection(a: list[Span], b: list[Span]) -> list[Span]:
    """Overlap of two merged span lists."""
    result: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            result.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return result


def difference(a: list[Span], b: list[Span]) -> list[Span]:
    """Parts of merged spans ``a`` not covered by merged spans ``b``."""
    result: list[Span] = []
    j = 0
    for start, end in a:
        current = start
        while j < len(b) and b[j][1] <= current:
            j += 1
        k = j
        while k < len(b) and b[k][0] < end:
            if b[k][0] > current:
                result.append((current, b[k][0]))
            current = max(current, b[k][1])
            k += 1
        if current < end:
            result.append((current, end))
    return result


@dataclass(frozen=True)
class Counts:
    both: int = 0
    only_a: int = 0
    only_b: int = 0
    neither: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.both + other.both,
            self.only_a + other.only_a,
            self.only_b + other.only_b,
            self.neither + other.neither,
        )

    @property
    def n(self) -> int:
        return self.both + self.only_a + self.only_b + self.neither

    @property
    def percent(self) -> float | None:
        return None if self.n == 0 else 100 * (self.both + self.neither) / self.n

    @property
    def kappa(self) -> float | None:
        n = self.n
        if n == 0:
            return None
        observed = (self.both + self.neither) / n
        a_yes, b_yes = self.both + self.only_a, self.both + self.only_b
        expected = (a_yes * b_yes + (n - a_yes) * (n - b_yes)) / (n * n)
        if expected >= 1:
            return None
        return (observed - expected) / (1 - expected)

    @property
    def alpha(self) -> float | None:
        n = self.n
        coded = 2 * self.both + self.only_a + self.only_b
        uncoded = 2 * self.neither + self.only_a + self.only_b
        if n == 0 or coded == 0 or uncoded == 0:
            return None
        return 1 - (2 * n - 1) * (self.only_a + self.only_b) / (coded * uncoded)


def count(length: int, spans_a: Iterable[Span], spans_b: Iterable[Span]) -> Counts:
    """The four counts for one code in one document of ``length`` characters."""
    a = union((max(0, s), min(length, e)) for s, e in spans_a)
    b = union((max(0, s), min(length, e)) for s, e in spans_b)
    both = _length(intersection(a, b))
    only_a, only_b = _length(a) - both, _length(b) - both
    return Counts(both, only_a, only_b, length - both - only_a - only_b)


def disagreements(
    length: int, spans_a: Iterable[Span], spans_b: Iterable[Span]
) -> list[tuple[int, int, str]]:
    """Ranges coded by only one coder, as (start, end, "a" | "b"), in text order."""
    a = union((max(0, s), min(length, e)) for s, e in spans_a)
    b = union((max(0, s), min(length, e)) for s, e in spans_b)
    result = [(s, e, "a") for s, e in difference(a, b)] + [(s, e, "b") for s, e in difference(b, a)]
    return sorted(result)
