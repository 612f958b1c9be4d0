"""The utility cost of the disclosure-control engine, and whether anyone can still be recovered.

On the demo network (its scan rounds) and on generated networks of 12 organisations × 4 people
(random roles, engagement, tenure, some attributes left blank, random answers), every breakdown
cell (a stated group × a principle) is counted:

- ``cells_shown_before``: the share shown by the previous rules (groups ≥ k, complement per
  breakdown, pairs of breakdowns; measured in the same run by the copy below);
- ``cells_shown_after``: the share shown by ``core.disclosure`` through ``scan.results``;
- ``people_recovered``: respondents whose own score follows from the cells published after
  (every snapshot of every round, solved exactly); ``people_recovered_before`` the same for the
  previous rules (the baseline);
- ``check_ms``: the engine's time per results page (all its ``publish`` calls for one
  snapshot), p95 and max over all pages; the target is p95 ≤ 50 ms.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from datetime import timedelta
from typing import Any

from bench._common import emit, fresh_database, percentile, setup_django, size

NETWORKS = size(20, 2)
ORGS, PEOPLE = 12, 4


# the previous rule (pairs only), kept here as the baseline -------------------------------------


def _violates(g: int, h: int, both: int, everyone: int, k: int) -> bool:
    def small(n: int) -> bool:
        return 0 < n < k

    if both == g and small(h - g):
        return True
    if both == h and small(g - h):
        return True
    if both == 0 and small(everyone - g - h):
        return True
    return g + h - both == everyone and small(both)


def old_shown(
    everyone: frozenset[int], groups: dict[tuple[str, str], frozenset[int]], k: int
) -> set[tuple[str, str]]:
    sized = {ident: members & everyone for ident, members in groups.items()}
    size_of = {ident: len(m) for ident, m in sized.items()}
    shown = {ident for ident in sized if ident[1] and size_of[ident] >= k}
    dims = sorted({ident[0] for ident in groups})
    changed = True
    while changed:
        changed = False
        for dim in dims:
            mine = sorted((i for i in shown if i[0] == dim), key=lambda i: (size_of[i], i[1]))
            hidden = len(everyone) - sum(size_of[i] for i in mine)
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
                if _violates(size_of[a], size_of[b], len(sized[a] & sized[b]), len(everyone), k):
                    shown.discard(min((a, b), key=lambda x: (size_of[x], x)))
                    changed = True
                    break
            if changed:
                break
    return shown


# measuring --------------------------------------------------------------------------------------


def generated_round(network: Any, rng: random.Random, number: int) -> Any:
    from django.utils import timezone

    from verbindend.networks.models import Organisation, OrganisationMembership
    from verbindend.scan.models import Answer, Response, Round, principle_of
    from verbindend.scan.services import current_items

    items = current_items()
    today = timezone.localdate()
    round_ = Round.objects.create(
        network=network,
        title=f"Gegenereerd {number}",
        opens_on=today - timedelta(days=30),
        closes_on=today - timedelta(days=1),
        k=5,
        content_version="bench",
        item_keys=items,
        closed_at=timezone.now(),
    )
    orgs = []
    for n in range(ORGS):
        org = Organisation.objects.create(name=f"Org {number}-{n}")
        OrganisationMembership.objects.create(network=network, organisation=org)
        orgs.append(org)
    for org in orgs:
        for _ in range(PEOPLE):
            response = Response.objects.create(
                round=round_,
                organisation=org,
                organisation_name=org.name,
                lead_role=rng.choice(["trekker", "follower", "follower", ""]),
                engagement=rng.choice(["professional", "volunteer", ""]),
                tenure=rng.choice(["newcomer", "long_standing", ""]),
                verified=True,
            )
            Answer.objects.bulk_create(
                Answer(
                    response=response,
                    round=round_,
                    item_key=item,
                    principle_key=principle_of(item),
                    value=rng.choice([1, 2, 3, 4, 5, 3, 4, None]),
                )
                for item in items
            )
    return round_


def measure(round_: Any, timings: list[float]) -> dict[str, int]:
    """Cells before/after for one round, and the people recovered from what is published."""
    from verbindend.core import disclosure
    from verbindend.scan import results
    from verbindend.scan.models import Response, ResultSnapshot

    spent = [0.0]
    original = disclosure.publish

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start

    disclosure.publish = timed
    try:
        after = results.for_round(round_)
    finally:
        disclosure.publish = original
    timings.append(spent[0] * 1000)

    k = round_.effective_k
    everyone = frozenset(after.respondent_ids)
    groups: dict[tuple[str, str], set[int]] = defaultdict(set)
    for pk, *attrs in Response.objects.filter(pk__in=everyone).values_list(
        "pk", "organisation_id", "lead_role", "engagement", "tenure"
    ):
        for dim, value in zip(results.DIMENSIONS, attrs, strict=True):
            if value:
                groups[(dim, str(value))].add(pk)
    frozen = {ident: frozenset(m) for ident, m in groups.items()}
    base_before = old_shown(everyone, frozen, k)
    candidates = shown_before = shown_after = 0
    before_rows: dict[str, list[frozenset[int]]] = {}
    for p in after.principles:
        population = after.populations.get(p.key)
        if population is None:
            population = frozenset(pk for pk in everyone if pk in _scored(round_, p.key))
        candidates += len(frozen)
        if len(population) >= k:
            cells = old_shown(population, {i: frozen[i] for i in base_before}, k) & base_before
            shown_before += len(cells)
            before_rows[p.key] = [population] + [frozen[i] & population for i in cells]
        shown_after += sum(1 for g in after.groups if g.means.get(p.key) is not None)
    after_rows: dict[str, list[frozenset[int]]] = defaultdict(list)
    for snapshot in ResultSnapshot.objects.filter(round=round_):
        for data_set, rows in snapshot.published.items():
            if data_set != results.PEOPLE:
                after_rows[data_set] += [frozenset(row) for row in rows]
    return {
        "candidates": candidates,
        "before": shown_before,
        "after": shown_after,
        "recovered_before": sum(len(disclosure.recovered_people(r)) for r in before_rows.values()),
        "recovered_after": sum(len(disclosure.recovered_people(r)) for r in after_rows.values()),
    }


_SCORED: dict[tuple[int, str], set[int]] = {}


def _scored(round_: Any, principle: str) -> set[int]:
    from verbindend.scan.models import Answer

    key = (round_.pk, principle)
    if key not in _SCORED:
        _SCORED[key] = set(
            Answer.objects.filter(
                round=round_, principle_key=principle, value__isnull=False
            ).values_list("response_id", flat=True)
        )
    return _SCORED[key]


def main() -> None:
    with fresh_database() as url:
        setup_django(url)
        from django.core.management import call_command

        from verbindend.networks.models import Network
        from verbindend.scan.models import Round

        call_command("load_demo", verbosity=0)
        timings: list[float] = []
        totals: dict[str, dict[str, int]] = {}
        demo = [r for r in Round.objects.select_related("network") if r.results_available]
        for label, rounds in (("demo", demo),):
            totals[label] = _sum(measure(r, timings) for r in rounds)
        rng = random.Random(17)
        network = Network.objects.order_by("pk").first()
        generated = [generated_round(network, rng, n) for n in range(NETWORKS)]
        totals["generated"] = _sum(measure(r, timings) for r in generated)
        everything = _sum(totals.values())
        emit(
            {
                "benchmark": "privacy",
                "rounds": len(demo) + len(generated),
                "generated_networks": NETWORKS,
                "cells_total": everything["candidates"],
                "cells_shown_before": round(everything["before"] / everything["candidates"], 3),
                "cells_shown_after": round(everything["after"] / everything["candidates"], 3),
                "demo_cells_shown_before": _share(totals["demo"], "before"),
                "demo_cells_shown_after": _share(totals["demo"], "after"),
                "generated_cells_shown_before": _share(totals["generated"], "before"),
                "generated_cells_shown_after": _share(totals["generated"], "after"),
                "people_recovered": everything["recovered_after"],
                "people_recovered_before": everything["recovered_before"],
                "check_ms": round(percentile(timings, 95), 2),
                "check_ms_max": round(max(timings), 2),
                "check_ms_target": 50,
            }
        )


def _share(t: dict[str, int], key: str) -> float:
    return round(t[key] / t["candidates"], 3) if t["candidates"] else 0.0


def _sum(parts: Any) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for part in parts:
        for key, value in part.items():
            total[key] += value
    return dict(total)


if __name__ == "__main__":
    main()
