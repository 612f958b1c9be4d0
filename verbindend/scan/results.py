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

What may be shown (the rules live in ``core.disclosure``; docs/privacy.md)
-------------------------------------------------------------------------
1. Only responses that *count* are used: given by personal link or by a logged-in member, or
   by the shared code once the coordinator confirmed the batch.
2. Results are *snapshots* (:class:`~verbindend.scan.models.ResultSnapshot`): the first is taken
   when at least k responses count and results are available (released or closed); a new one
   only when at least k responses count that the last one did not hold. Until then every page,
   chart, export and report shows the last snapshot, also after the round closes.
3. Per snapshot the engine decides which cells are shown, for two kinds of data set: the
   group sizes (everyone in the snapshot) and each principle's scores (everyone with a score).
   Each is checked together with every cell published by earlier snapshots of the round, so
   no combination across breakdowns, principles' populations or time isolates fewer than k.
4. Comments are shown only with a snapshot, never with a role, and with an organisation only
   when that organisation's group is shown. Exports hold the snapshot's responses, blank hidden
   groups and then leave out whole attributes (tenure first, then engagement, lead role,
   organisation) until every combination of the attributes left has ≥ k rows.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import Count, Exists, OuterRef, QuerySet, Sum

from verbindend.core import disclosure
from verbindend.scan import dimensions
from verbindend.scan.dimensions import DIMENSIONS
from verbindend.scan.models import UNKNOWN, Answer, Comment, Response, ResultSnapshot, Round

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
    #: who each principle's figures cover (the snapshot's respondents with a score)
    populations: dict[str, frozenset[int]] = field(default_factory=dict)
    respondent_ids: frozenset[int] = frozenset()
    #: breakdown cells left blank by the engine (too small, or derivable from others)
    hidden_cells: int = 0
    #: counted responses that came in after this snapshot (shown once k more have come)
    later: int = 0
    #: shared-code responses that wait for the coordinator's confirmation
    waiting: int = 0
    taken_at: str = ""

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

    # stored in a ResultSnapshot as JSON ------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "round_id": self.round_id,
            "k": self.k,
            "respondents": self.respondents,
            "principles": [
                {
                    "key": p.key,
                    "n": p.n,
                    "mean": p.mean,
                    "median": p.median,
                    "sd": p.sd,
                    "distribution": p.distribution,
                    "org_gap": p.org_gap,
                    "divergence": p.divergence,
                    "comments": p.comments,
                }
                for p in self.principles
            ],
            "groups": [
                {
                    "dimension": g.dimension,
                    "value": g.value,
                    "label": g.label,
                    "members": sorted(g.members),
                    "means": g.means,
                }
                for g in self.groups
            ],
            "hidden_groups": self.hidden_groups,
            "populations": {key: sorted(ids) for key, ids in self.populations.items()},
            "respondent_ids": sorted(self.respondent_ids),
            "hidden_cells": self.hidden_cells,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RoundResult:
        return cls(
            round_id=data["round_id"],
            k=data["k"],
            respondents=data["respondents"],
            principles=[
                PrincipleResult(
                    key=p["key"],
                    n=p["n"],
                    mean=p["mean"],
                    median=p["median"],
                    sd=p["sd"],
                    distribution=[(point, count) for point, count in p["distribution"]],
                    org_gap=p["org_gap"],
                    divergence=p["divergence"],
                    comments=[(text, org) for text, org in p["comments"]],
                )
                for p in data["principles"]
            ],
            groups=[
                Group(
                    g["dimension"],
                    g["value"],
                    # named now, in the reader's language (an organisation by its stored name)
                    _label(g["dimension"], g["value"], {g["value"]: g["label"]}),
                    frozenset(g["members"]),
                    g["means"],
                )
                for g in data["groups"]
            ],
            hidden_groups=data["hidden_groups"],
            populations={key: frozenset(ids) for key, ids in data["populations"].items()},
            respondent_ids=frozenset(data["respondent_ids"]),
            hidden_cells=data.get("hidden_cells", 0),
        )


# the small-group rule: asked of the engine -----------------------------------------------------

EVERYONE = ("", "")
PEOPLE = "people"  # the data set of group sizes


def shown_groups(
    everyone: frozenset[int],
    candidates: list[Group],
    k: int,
    published: Iterable[frozenset[int]] = (),
) -> set[tuple[str, str]]:
    """Which stated groups may be shown beside the whole population (``core.disclosure``)."""
    cells = [disclosure.Cell(EVERYONE, everyone, keep=True)]
    cells += [disclosure.Cell(g.ident, g.members & everyone) for g in candidates if g.value]
    decision = disclosure.publish(cells, k=k, published=published)
    return {key for key in decision.shown_keys if key != EVERYONE}  # type: ignore[misc]


def _published_cells(
    everyone: frozenset[int], groups: list[Group], k: int, published: list[frozenset[int]]
) -> tuple[bool, set[tuple[str, str]]]:
    """Whether the population's own figure may be shown, and which group cells beside it."""
    cells = [disclosure.Cell(EVERYONE, everyone, keep=True)]
    cells += [disclosure.Cell(g.ident, g.members & everyone) for g in groups]
    decision = disclosure.publish(cells, k=k, published=published)
    keys = decision.shown_keys
    return EVERYONE in keys, {key for key in keys if key != EVERYONE}  # type: ignore[misc]


# computing ------------------------------------------------------------------------------------


def _label(dimension: str, value: str, names: dict[str, str]) -> str:
    if dimension == "organisation":
        return names.get(value, value)
    return dimensions.BY_NAME[dimension].label(value)


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


def counted_ids(round_: Round) -> set[int]:
    """The responses that count now: with answers, verified or confirmed."""
    answered = Answer.objects.filter(response=OuterRef("pk"))
    return set(
        Response.objects.filter(round=round_)
        .counted()
        .filter(Exists(answered))
        .values_list("pk", flat=True)
    )


def _respondents(round_: Round, ids: set[int]) -> tuple[list[Respondent], dict[str, str]]:
    """The counted respondents with their stated attributes, and organisation id → name."""
    rows = Response.objects.filter(round=round_, pk__in=ids).values_list(
        "pk", "organisation_id", "organisation_name", *dimensions.NAMES
    )
    respondents: list[Respondent] = []
    names: dict[str, str] = {}
    for pk, org_id, org_name, *values in rows:
        org = str(org_id) if org_id else ""
        if org:
            names[org] = org_name
        attrs = {"organisation": org, **dict(zip(dimensions.NAMES, values, strict=True))}
        respondents.append(Respondent(pk, attrs))
    return respondents, names


def _scores(
    round_: Round, everyone: frozenset[int]
) -> tuple[dict[str, dict[int, float]], dict[str, dict[str, int]]]:
    """Per principle: each respondent's mean score, and how often each scale point was given.

    Both are grouped in the database (SUM/COUNT), then kept only for the counted respondents.
    """
    scores: dict[str, dict[int, float]] = defaultdict(dict)
    per_respondent = (
        Answer.objects.filter(round=round_, value__isnull=False)
        .values_list("response_id", "principle_key")
        .annotate(total=Sum("value"), count=Count("value"))
        .order_by()
    )
    for response_id, principle_key, total, count in _raw(per_respondent):
        if response_id in everyone:
            scores[principle_key][response_id] = total / count
    distribution: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for response_id, principle_key, value, count in _raw(
        Answer.objects.filter(round=round_)
        .values_list("response_id", "principle_key", "value")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        if response_id in everyone:
            distribution[principle_key][UNKNOWN if value is None else str(value)] += count
    return scores, distribution


def _candidates(respondents: list[Respondent], names: dict[str, str]) -> list[Group]:
    """Every group a breakdown could show: one per dimension and stated value."""
    by_value: dict[tuple[str, str], set[int]] = defaultdict(set)
    for r in respondents:
        for dimension in DIMENSIONS:
            by_value[(dimension, r.attrs[dimension])].add(r.id)
    return sorted(
        (
            Group(dim, value, _label(dim, value, names), frozenset(members))
            for (dim, value), members in by_value.items()
        ),
        key=lambda g: (DIMENSIONS.index(g.dimension), g.label),
    )


def _comments(
    round_: Round, everyone: frozenset[int], org_of: dict[int, str], shown: dict[str, str]
) -> dict[str, list[tuple[str, str]]]:
    """Per principle, each comment with its organisation's name where that group is shown."""
    comments: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for response_id, principle_key, text in Comment.objects.filter(
        response__round=round_, response_id__in=everyone
    ).values_list("response_id", "principle_key", "text"):
        comments[principle_key].append((text, shown.get(org_of.get(response_id, ""), "")))
    return comments


def compute(
    round_: Round,
    *,
    population: set[int] | None = None,
    published: dict[str, list[frozenset[int]]] | None = None,
) -> RoundResult:
    """Aggregate one round's counted responses and ask the engine what may be shown.

    ``published`` holds, per data set, the cells earlier snapshots already showed.
    """
    k = round_.effective_k
    history = published or {}
    principle_keys = round_.principle_keys()
    ids = counted_ids(round_) if population is None else set(population)
    respondents, names = _respondents(round_, ids)
    everyone = frozenset(r.id for r in respondents)
    empty = RoundResult(round_.pk, k, len(everyone), [], [], 0, respondent_ids=everyone)
    if len(everyone) < k:
        empty.principles = [PrincipleResult(key, 0, None, None, None, []) for key in principle_keys]
        return empty

    scores, distribution = _scores(round_, everyone)
    candidates = _candidates(respondents, names) if round_.show_breakdowns else []
    base = shown_groups(everyone, candidates, k, history.get(PEOPLE, []))
    groups = [g for g in candidates if g.ident in base]
    org_of = {r.id: r.attrs["organisation"] for r in respondents}
    populations: dict[str, frozenset[int]] = {}
    hidden_cells = 0

    principles = []
    for key in principle_keys:
        mine = scores.get(key, {})
        n = len(mine)
        dist = [(point, distribution.get(key, {}).get(point, 0)) for point in SCALE]
        scored = frozenset(mine)
        total_shown, cells = (
            _published_cells(scored, groups, k, history.get(key, [])) if n >= k else (False, set())
        )
        if not total_shown:
            principles.append(PrincipleResult(key, n, None, None, None, []))
            for g in groups:
                g.means[key] = None
            continue
        populations[key] = scored
        mean, median, sd = _stats(list(mine.values()))
        for g in groups:
            if g.ident in cells:
                values = [mine[m] for m in g.members if m in mine]
                g.means[key] = math.fsum(values) / len(values)
            else:
                g.means[key] = None
                hidden_cells += 1
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

    shown_orgs = {g.value for g in groups if g.dimension == "organisation" and g.size >= k}
    comments = _comments(round_, everyone, org_of, {o: names[o] for o in shown_orgs if o in names})
    for p in principles:
        p.comments = sorted(comments.get(p.key, []))
    return RoundResult(
        round_.pk,
        k,
        len(everyone),
        principles,
        groups,
        hidden_groups=sum(1 for g in candidates if g.value and g.ident not in base),
        populations=populations,
        respondent_ids=everyone,
        hidden_cells=hidden_cells,
    )


def published_cells(result: RoundResult) -> dict[str, list[frozenset[int]]]:
    """The membership of every cell a result shows, per data set (kept with its snapshot)."""
    cells: dict[str, list[frozenset[int]]] = {}
    if result.suppressed:
        return cells
    cells[PEOPLE] = [result.respondent_ids, *(g.members for g in result.groups)]
    for key, population in result.populations.items():
        cells[key] = [population] + [
            g.members & population for g in result.groups if g.means.get(key) is not None
        ]
    return cells


def for_round(round_: Round) -> RoundResult:
    """The round's published results: the last snapshot, or a new one once k more count.

    Nothing is published before the results are available (released or closed) and at least
    k responses count; every new snapshot is checked against all the earlier ones.
    """
    k = round_.effective_k
    now = counted_ids(round_)
    waiting = (
        Response.objects.filter(round=round_)
        .waiting()
        .filter(Exists(Answer.objects.filter(response=OuterRef("pk"))))
        .count()
    )
    last = ResultSnapshot.objects.filter(round=round_).order_by("-pk").first()
    if last is None or len(now - set(last.response_ids)) >= k:
        if len(now) < k or not round_.results_available:
            result = (
                RoundResult.from_json(last.result)
                if last is not None
                else RoundResult(round_.pk, k, len(now), [], [], 0)
            )
            if last is None:
                result.principles = [
                    PrincipleResult(key, 0, None, None, None, []) for key in round_.principle_keys()
                ]
        else:
            result = _take_snapshot(round_, now)
            last = None
    else:
        result = _cached(last)
    if last is not None:
        result.later = len(now - set(last.response_ids))
        result.taken_at = last.taken_at.isoformat()
    result.waiting = waiting
    return result


def _cache_key(snapshot: ResultSnapshot) -> str:
    return f"scan:snapshot:{snapshot.pk}:{snapshot.taken_at.timestamp()}"


def _cached(snapshot: ResultSnapshot) -> RoundResult:
    key = _cache_key(snapshot)
    data = cache.get(key)
    if data is None:
        data = snapshot.result
        cache.set(key, data, timeout=3600)
    return RoundResult.from_json(data)


def _take_snapshot(round_: Round, population: set[int]) -> RoundResult:
    """Compute and store a new snapshot, checked against every earlier one (one at a time)."""
    with transaction.atomic():
        Round.objects.select_for_update().filter(pk=round_.pk).first()
        snapshots = list(ResultSnapshot.objects.filter(round=round_).order_by("pk"))
        if snapshots and len(population - set(snapshots[-1].response_ids)) < round_.effective_k:
            taken = _cached(snapshots[-1])  # another request took it meanwhile
            taken.taken_at = snapshots[-1].taken_at.isoformat()
            taken.later = len(population - set(snapshots[-1].response_ids))
            return taken
        history: dict[str, list[frozenset[int]]] = defaultdict(list)
        for snapshot in snapshots:
            for data_set, rows in snapshot.published.items():
                history[data_set].extend(frozenset(row) for row in rows)
        result = compute(round_, population=population, published=history)
        snapshot = ResultSnapshot.objects.create(
            round=round_,
            response_ids=sorted(population),
            result=result.to_json(),
            published={
                data_set: [sorted(row) for row in rows]
                for data_set, rows in published_cells(result).items()
            },
        )
    result.taken_at = snapshot.taken_at.isoformat()  # as stored, so every page shows the same
    return result


def forget_comments(round_id: int, erased: Iterable[tuple[str, str]]) -> None:
    """Take erased comments (principle key, text) out of a round's stored snapshots.

    A snapshot keeps the comments it showed; when a person's comments are erased they go from
    every snapshot too (one shown comment per erased one). The figures, the memberships and the
    time a snapshot was taken stay as they were: erasure never takes a new snapshot.
    """
    wanted: dict[str, list[str]] = defaultdict(list)
    for principle_key, text in erased:
        wanted[principle_key].append(text)
    if not wanted:
        return
    for snapshot in ResultSnapshot.objects.filter(round_id=round_id).order_by("pk"):
        changed = False
        for principle in snapshot.result.get("principles", []):
            shown = list(principle.get("comments", []))
            for text in wanted.get(principle.get("key"), []):
                index = next((i for i, (said, _org) in enumerate(shown) if said == text), None)
                if index is not None:
                    del shown[index]
                    changed = True
            principle["comments"] = shown
        if changed:
            ResultSnapshot.objects.filter(pk=snapshot.pk).update(result=snapshot.result)
            cache.delete(_cache_key(snapshot))


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
