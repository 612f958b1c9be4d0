"""Scan results: figures per principle, breakdowns that protect small groups, divergence, trend.

Figures
-------
- A respondent's *score* on a principle is the mean of their answers 1–5 on its items ("don't
  know / not applicable" is left out). A principle's ``n`` is the number of respondents with a
  score; its mean, median and (population) standard deviation are taken over those scores.
- The *distribution* counts the answers per scale point (and "don't know") over all the
  principle's items.
- *Divergence* of a principle = standard deviation of the scores + half the gap between the
  highest and lowest organisation mean among the organisations that are shown (0 when fewer
  than two are shown). Principles are ranked by it, highest first, ties in principle order.
- The *agenda* takes the two principles with the lowest mean, then the most divergent one not
  yet taken (ties in principle order).

The small-group rule (k = the round's k, never below the network's, never below 5)
----------------------------------------------------------------------------------
1. Nothing at all is shown for a round with fewer than k respondents; a principle's figures
   are shown only when its ``n`` ≥ k.
2. A breakdown group (an organisation, trekker/follower, professional/volunteer,
   newcomer/long-standing) is shown only when it has ≥ k members. People who did not state an
   attribute form a hidden group of that breakdown, never shown.
3. Complementary suppression: within one breakdown, the hidden members (small groups plus
   people without the attribute) must number 0 or ≥ k; otherwise the smallest shown group is
   hidden too, until that holds. So "total minus the shown groups" never isolates < k people.
4. Across two breakdowns: for every pair of shown groups G and H of different breakdowns, the
   sets that can be derived from G, H and the total — H∖G when G ⊆ H, G∖H when H ⊆ G, the rest
   (total − G − H) when G and H do not overlap, and G ∩ H when G and H together cover everyone —
   must have 0 or ≥ k members; otherwise the smaller of G and H is hidden and the rules are
   applied again until nothing changes.
5. The rules run once on all respondents (which groups exist on the page, in exports and in
   comment attribution) and once per principle on the respondents with a score there (which
   cells of the breakdown table carry a figure).
6. Comments are shown only when the round has ≥ k respondents, never with a role, and with an
   organisation only when that organisation's group is shown. Exports blank hidden groups and
   then leave out whole attributes (tenure first, then engagement, lead role, organisation)
   until every combination of the attributes left has ≥ k rows.

Limits: rule 4 checks pairs; combining three or more breakdowns with the total is not checked
exhaustively. Closed rounds never change, so their results are cached.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.db.models import Count, Exists, OuterRef, QuerySet, Sum

from verbindend.networks.models import Engagement, LeadRole, Tenure
from verbindend.scan.models import UNKNOWN, Answer, Comment, Response, Round

#: Breakdown dimensions, in the order exports drop them last-to-first.
DIMENSIONS = ("organisation", "lead_role", "engagement", "tenure")
EXPORT_DROP_ORDER = ("tenure", "engagement", "lead_role", "organisation")
SCALE = ("1", "2", "3", "4", "5", UNKNOWN)


@dataclass(frozen=True)
class Respondent:
    id: int
    attrs: dict[str, str]  # dimension → value ("" when not stated)


@dataclass
class Group:
    dimension: str
    value: str
    label: str
    members: frozenset[int]
    means: dict[str, float | None] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def ident(self) -> tuple[str, str]:
        return (self.dimension, self.value)


@dataclass
class PrincipleResult:
    key: str
    n: int
    mean: float | None
    median: float | None
    sd: float | None
    distribution: list[tuple[str, int]]
    org_gap: float | None = None
    divergence: float | None = None
    comments: list[tuple[str, str]] = field(default_factory=list)  # (text, organisation or "")

    @property
    def shown(self) -> bool:
        return self.mean is not None


@dataclass
class RoundResult:
    round_id: int
    k: int
    respondents: int
    principles: list[PrincipleResult]
    groups: list[Group]  # shown groups only, with the cells shown per principle
    hidden_groups: int  # how many stated groups were hidden

    @property
    def suppressed(self) -> bool:
        return self.respondents < self.k

    def principle(self, key: str) -> PrincipleResult:
        return next(p for p in self.principles if p.key == key)

    def groups_of(self, dimension: str) -> list[Group]:
        return [g for g in self.groups if g.dimension == dimension]

    def divergence_ranking(self) -> list[PrincipleResult]:
        scored = [p for p in self.principles if p.divergence is not None]
        return sorted(scored, key=lambda p: -p.divergence)  # type: ignore[operator]

    def agenda(self, size: int = 3) -> list[PrincipleResult]:
        """The lowest two principles by mean, then the most divergent one not yet taken."""
        scored = [p for p in self.principles if p.mean is not None]
        chosen = sorted(scored, key=lambda p: p.mean)[:2]  # type: ignore[arg-type,return-value]
        for p in self.divergence_ranking():
            if len(chosen) >= size:
                break
            if p not in chosen:
                chosen.append(p)
        return chosen


# the small-group rule -------------------------------------------------------------------------


def _violates(g: int, h: int, both: int, everyone: int, k: int) -> bool:
    """Do two groups of sizes g and h (overlap ``both``) let one derive fewer than k people?"""

    def small(n: int) -> bool:
        return 0 < n < k

    if both == g and small(h - g):  # G ⊆ H: H − G
        return True
    if both == h and small(g - h):  # H ⊆ G: G − H
        return True
    if both == 0 and small(everyone - g - h):  # disjoint: total − G − H
        return True
    return g + h - both == everyone and small(both)  # together everyone: G ∩ H


def shown_groups(everyone: frozenset[int], candidates: list[Group], k: int) -> set[tuple[str, str]]:
    """Which groups may be shown for this population, by rules 2–4 of the module docstring."""
    sized = {g.ident: g.members & everyone for g in candidates}
    size = {ident: len(members) for ident, members in sized.items()}
    overlap: dict[tuple[tuple[str, str], tuple[str, str]], int] = {}
    shown = {ident for ident in sized if ident[1] and size[ident] >= k}
    changed = True
    while changed:
        changed = False
        for dimension in DIMENSIONS:
            mine = sorted(
                (ident for ident in shown if ident[0] == dimension),
                key=lambda ident: (size[ident], ident[1]),
            )
            hidden = len(everyone) - sum(size[ident] for ident in mine)
            if mine and 0 < hidden < k:
                shown.discard(mine[0])
                changed = True
        if changed:
            continue
        ordered = sorted(shown)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if a[0] == b[0]:
                    continue
                if (a, b) not in overlap:
                    overlap[(a, b)] = len(sized[a] & sized[b])
                if not _violates(size[a], size[b], overlap[(a, b)], len(everyone), k):
                    continue
                smaller = min((a, b), key=lambda ident: (size[ident], ident))
                shown.discard(smaller)
                changed = True
                break
            if changed:
                break
    return shown


# computing ------------------------------------------------------------------------------------


def _label(dimension: str, value: str, names: dict[str, str]) -> str:
    if dimension == "organisation":
        return names.get(value, value)
    choices = {"lead_role": LeadRole, "engagement": Engagement, "tenure": Tenure}[dimension]
    return str(dict(choices.choices).get(value, value))


def _stats(scores: list[float]) -> tuple[float | None, float | None, float | None]:
    """Mean, median and population standard deviation (plain floats: fast enough for 10⁴)."""
    if not scores:
        return None, None, None
    mean = math.fsum(scores) / len(scores)
    variance = math.fsum((x - mean) ** 2 for x in scores) / len(scores)
    return mean, statistics.median(scores), math.sqrt(variance)


def _raw(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of an aggregate query without the ORM's per-row conversions (10⁴ rows)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def compute(round_: Round) -> RoundResult:
    """Aggregate one round in the database (GROUP BY) and apply the small-group rule."""
    k = round_.effective_k
    principle_keys = round_.principle_keys()
    answered = Answer.objects.filter(response=OuterRef("pk"))
    rows = (
        Response.objects.filter(round=round_)
        .filter(Exists(answered))
        .values_list(
            "pk", "organisation_id", "organisation_name", "lead_role", "engagement", "tenure"
        )
    )
    respondents: list[Respondent] = []
    names: dict[str, str] = {}
    for pk, org_id, org_name, lead_role, engagement, tenure in rows:
        org = str(org_id) if org_id else ""
        if org:
            names[org] = org_name
        respondents.append(
            Respondent(
                pk,
                {
                    "organisation": org,
                    "lead_role": lead_role,
                    "engagement": engagement,
                    "tenure": tenure,
                },
            )
        )
    everyone = frozenset(r.id for r in respondents)
    empty = RoundResult(round_.pk, k, len(everyone), [], [], 0)
    if len(everyone) < k:
        empty.principles = [PrincipleResult(key, 0, None, None, None, []) for key in principle_keys]
        return empty

    # one score per respondent and principle: SUM/COUNT grouped in the database
    scores: dict[str, dict[int, float]] = defaultdict(dict)
    per_respondent = (
        Answer.objects.filter(round=round_, value__isnull=False)
        .values_list("response_id", "principle_key")
        .annotate(total=Sum("value"), count=Count("value"))
        .order_by()
    )
    for response_id, principle_key, total, count in _raw(per_respondent):
        scores[principle_key][response_id] = total / count
    distribution: dict[str, dict[str, int]] = defaultdict(dict)
    for principle_key, value, count in _raw(
        Answer.objects.filter(round=round_)
        .values_list("principle_key", "value")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        distribution[principle_key][UNKNOWN if value is None else str(value)] = count

    candidates: list[Group] = []
    if round_.show_breakdowns:
        by_value: dict[tuple[str, str], set[int]] = defaultdict(set)
        for r in respondents:
            for dimension in DIMENSIONS:
                by_value[(dimension, r.attrs[dimension])].add(r.id)
        candidates = sorted(
            (
                Group(dim, value, _label(dim, value, names), frozenset(members))
                for (dim, value), members in by_value.items()
            ),
            key=lambda g: (DIMENSIONS.index(g.dimension), g.label),
        )
    base = shown_groups(everyone, candidates, k)
    groups = [g for g in candidates if g.ident in base]
    org_of = {r.id: r.attrs["organisation"] for r in respondents}

    principles = []
    for key in principle_keys:
        mine = scores.get(key, {})
        n = len(mine)
        dist = [(point, distribution.get(key, {}).get(point, 0)) for point in SCALE]
        if n < k:
            principles.append(PrincipleResult(key, n, None, None, None, []))
            for g in groups:
                g.means[key] = None
            continue
        mean, median, sd = _stats(list(mine.values()))
        population = frozenset(mine)
        cells = base if population == everyone else shown_groups(population, groups, k)
        for g in groups:
            if g.ident in cells:
                values = [mine[m] for m in g.members if m in mine]
                g.means[key] = math.fsum(values) / len(values)
            else:
                g.means[key] = None
        org_means = [
            g.means[key]
            for g in groups
            if g.dimension == "organisation" and g.means[key] is not None
        ]
        gap = (max(org_means) - min(org_means)) if len(org_means) >= 2 else None  # type: ignore[type-var,operator]
        principles.append(
            PrincipleResult(
                key,
                n,
                mean,
                median,
                sd,
                dist,
                org_gap=gap,
                divergence=(sd or 0.0) + 0.5 * (gap or 0.0),
            )
        )

    shown_orgs = {g.value for g in groups if g.dimension == "organisation"}
    comments: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for response_id, principle_key, text in Comment.objects.filter(
        response__round=round_
    ).values_list("response_id", "principle_key", "text"):
        org = org_of.get(response_id, "")
        comments[principle_key].append((text, names[org] if org in shown_orgs else ""))
    for p in principles:
        p.comments = sorted(comments.get(p.key, []))
    return RoundResult(
        round_.pk,
        k,
        len(everyone),
        principles,
        groups,
        hidden_groups=sum(1 for g in candidates if g.value and g.ident not in base),
    )


def _cache_key(round_: Round) -> str:
    closed = round_.closed_at.timestamp() if round_.closed_at else 0
    return (
        f"scan:result:{round_.pk}:{round_.created_at.timestamp()}:{closed}:{round_.revision}"
        f":{round_.effective_k}:{int(round_.show_breakdowns)}:{round_.content_version}"
    )


def for_round(round_: Round) -> RoundResult:
    """The round's results, computed once per revision of its answers.

    Closed rounds never change; an open round's revision moves with every saved answer, so a
    cached result is never stale (the timeout only bounds memory use).
    """
    key = _cache_key(round_)
    result = cache.get(key)
    if result is None:
        result = compute(round_)
        cache.set(key, result, timeout=None if round_.is_closed else 3600)
    return result


@dataclass
class TrendRow:
    round: Round
    respondents: int
    means: list[float | None]


def trend(rounds: Iterable[Round], principle_keys: list[str]) -> list[TrendRow]:
    """Principle means across rounds whose results are available, oldest first."""
    rows = []
    for round_ in sorted(rounds, key=lambda r: (r.opens_on, r.pk)):
        if not round_.results_available:
            continue
        result = for_round(round_)
        by_key = {p.key: p.mean for p in result.principles}
        rows.append(
            TrendRow(round_, result.respondents, [by_key.get(key) for key in principle_keys])
        )
    return rows


# anonymised answers for export ----------------------------------------------------------------


def export_rows(round_: Round, result: RoundResult) -> tuple[list[str], list[list[str]]]:
    """Columns and rows of anonymised answers, by rule 6 of the module docstring."""
    if result.suppressed:
        return [], []
    shown = {g.ident for g in result.groups}
    label = {g.ident: g.label for g in result.groups}
    answers: dict[int, dict[str, int | None]] = defaultdict(dict)
    for response_id, item_key, value in Answer.objects.filter(response__round=round_).values_list(
        "response_id", "item_key", "value"
    ):
        answers[response_id][item_key] = value
    people = [
        (pk, {"organisation": str(o or ""), "lead_role": lr, "engagement": e, "tenure": t})
        for pk, o, lr, e, t in Response.objects.filter(
            round=round_, pk__in=list(answers)
        ).values_list("pk", "organisation_id", "lead_role", "engagement", "tenure")
    ]
    blanked = [
        (pk, {d: (v if (d, v) in shown else "") for d, v in attrs.items()}) for pk, attrs in people
    ]
    kept = list(DIMENSIONS)
    for drop in (None, *EXPORT_DROP_ORDER):
        if drop:
            kept.remove(drop)
        classes: dict[tuple[str, ...], int] = defaultdict(int)
        for _pk, attrs in blanked:
            classes[tuple(attrs[d] for d in kept)] += 1
        if all(size >= result.k for size in classes.values()):
            break
    kept = [d for d in kept if any(attrs[d] for _pk, attrs in blanked)]  # no empty columns
    header = [*kept, *round_.item_keys]
    rows = []
    for pk, attrs in blanked:
        cells = [label.get((d, attrs[d]), "") for d in kept]
        mine = answers[pk]
        for item in round_.item_keys:
            if item not in mine:
                cells.append("")
            else:
                value = mine[item]
                cells.append(UNKNOWN if value is None else str(value))
        rows.append(cells)
    rows.sort()
    return header, rows
