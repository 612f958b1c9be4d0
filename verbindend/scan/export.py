"""The anonymised answers of a round for export (rule 6 of ``scan.results``).

Attributes of groups the results do not show are blanked; then attributes are dropped, least
telling first, until every combination left covers at least k people.
"""

from __future__ import annotations

from collections import defaultdict

from verbindend.scan.dimensions import DIMENSIONS, EXPORT_DROP_ORDER, NAMES
from verbindend.scan.models import UNKNOWN, Answer, Response, Round
from verbindend.scan.results import RoundResult


def export_rows(round_: Round, result: RoundResult) -> tuple[list[str], list[list[str]]]:
    """Columns and rows of anonymised answers: one row per counted response, no names."""
    if result.suppressed:
        return [], []
    shown = {g.ident for g in result.groups}
    label = {g.ident: g.label for g in result.groups}
    answers: dict[int, dict[str, int | None]] = defaultdict(dict)
    for response_id, item_key, value in Answer.objects.filter(
        response__round=round_, response_id__in=result.respondent_ids
    ).values_list("response_id", "item_key", "value"):
        answers[response_id][item_key] = value
    people = [
        (pk, {"organisation": str(o or ""), **dict(zip(NAMES, values, strict=True))})
        for pk, o, *values in Response.objects.filter(
            round=round_, pk__in=list(answers)
        ).values_list("pk", "organisation_id", *NAMES)
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
