"""Ranking the facilitator's options: each person orders them once; points decide the result."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from verbindend.live.kinds import register
from verbindend.live.kinds.base import CountedKind, ascii_int, int_list, refuse
from verbindend.live.kinds.choice import option_labels


class Ranking(CountedKind):
    """Borda count: the first of n options gets n points, the last 1; shown best first."""

    key = "ranking"
    label = _("Ranking")

    def options_from_form(self, data: dict[str, Any], lines: list[str]) -> dict[str, Any]:
        if len(lines) < 2:
            raise refuse("live.bad_options", _("A ranking needs at least two options."))
        return {"items": [line[:200] for line in lines[:10]]}

    def check(self, step: Any, text: str, value: dict[str, Any], prepared: Any) -> tuple[str, dict]:
        count = len(step.options.get("items", []))
        order = int_list(value.get("order"), most=count, below=count)
        if order is None or len(order) != count:
            raise refuse("live.bad_ranking", _("Put every option in an order."))
        return "", {"order": order}

    def from_form(self, post: Any) -> dict[str, Any]:
        """Each option has a rank field (1 = first); the order follows the ranks."""
        ranks: list[tuple[int, int]] = []
        for name, raw in post.items():
            if name.startswith("rank:"):
                index, rank = ascii_int(name[5:]), ascii_int(raw)
                ranks.append(
                    (rank if rank is not None else 999, index if index is not None else -1)
                )
        return {"order": [index for _rank, index in sorted(ranks)]}

    def answer_label(self, step: Any, contribution: Any, lang: str | None = None) -> str:
        labels = option_labels(step, lang)
        order = contribution.value.get("order", [])
        return " > ".join(labels[i] for i in order if isinstance(i, int) and 0 <= i < len(labels))

    def results(self, step: Any, contributions: list[Any], lang: str | None = None) -> list:
        labels = option_labels(step, lang)
        points = [0] * len(labels)
        for c in contributions:
            order = c.value.get("order", [])
            for place, index in enumerate(order):
                if isinstance(index, int) and 0 <= index < len(labels):
                    points[index] += len(order) - place
        ranked = sorted(range(len(labels)), key=lambda i: (-points[i], i))
        return [(labels[i], points[i]) for i in ranked]

    def phone_context(self, step: Any, participant: Any, mine: list[Any]) -> dict:
        labels = option_labels(step)
        order = list(mine[-1].value.get("order", [])) if mine else list(range(len(labels)))
        rank = {index: place for place, index in enumerate(order, start=1)}
        return {
            "options": [
                {"value": i, "label": labels[i], "rank": rank.get(i, len(labels))}
                for i in sorted(range(len(labels)), key=lambda i: rank.get(i, 99))
            ],
        }


register(Ranking())
