"""Dot-voting on the answers of an earlier step: each person gives up to N dots, once."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils.translation import gettext_lazy as _

from verbindend.live.kinds import register
from verbindend.live.kinds.base import CountedKind, ascii_int, refuse


def source_step(step: Any) -> Any:
    """The earlier step whose answers a vote is about (counted back from this one)."""
    from verbindend.live.models import Step

    back = ascii_int(step.options.get("source_back", 1)) or 1
    earlier = list(
        Step.objects.filter(session_id=step.session_id, order__lt=step.order).order_by("-order")
    )
    return earlier[back - 1] if 0 < back <= len(earlier) else None


def targets(step: Any) -> dict[int, str]:
    """The answers one may vote on, id → text, in the order they came in."""
    from verbindend.live.models import Contribution

    source = source_step(step)
    if source is None:
        return {}
    rows = (
        Contribution.objects.filter(step=source, hidden=False, merged_into__isnull=True)
        .exclude(step__kind="farewell_letter", shared=False)
        .order_by("sequence")
        .values_list("pk", "text")[:200]
    )
    return dict(rows)


class DotVote(CountedKind):
    key = "dot_vote"
    label = _("Dot-vote")
    alone_first_default = False  # everyone votes on what is already on the wall

    def prepare(self, step: Any) -> Any:
        return set(targets(step))

    def most(self, step: Any) -> int:
        return ascii_int(step.options.get("dots", 3)) or 3

    def options_from_form(self, data: dict[str, Any], lines: list[str]) -> dict[str, Any]:
        return {"source_back": 1, "dots": 3}

    def check(self, step: Any, text: str, value: dict[str, Any], prepared: Any) -> tuple[str, dict]:
        dots = value.get("dots")
        most = self.most(step)
        if (
            not isinstance(dots, list)
            or not dots
            or len(dots) > most
            or not all(type(d) is int for d in dots)
        ):
            raise refuse("live.bad_dots", _("Give between 1 and %(n)s dots.") % {"n": most})
        if prepared is not None and not set(dots) <= prepared:
            raise refuse("live.bad_dots", _("Give your dots to answers on the wall."))
        return "", {"dots": dots}

    def from_form(self, post: Any) -> dict[str, Any]:
        picked = [ascii_int(x) for x in post.getlist("dots")]
        return {"dots": [p if p is not None else -1 for p in picked]}

    def answer_label(self, step: Any, contribution: Any, lang: str | None = None) -> str:
        texts = targets(step)
        return "; ".join(texts.get(d, "") for d in contribution.value.get("dots", []) if d in texts)

    def results(self, step: Any, contributions: list[Any], lang: str | None = None) -> list:
        texts = targets(step)
        counts = Counter(d for c in contributions for d in c.value.get("dots", []) if d in texts)
        ranked = sorted(texts, key=lambda pk: (-counts.get(pk, 0), list(texts).index(pk)))
        return [(texts[pk], counts.get(pk, 0)) for pk in ranked if counts.get(pk, 0)][:15]

    def phone_context(self, step: Any, participant: Any, mine: list[Any]) -> dict:
        current = set(mine[-1].value.get("dots", [])) if mine else set()
        return {
            "dots": self.most(step),
            "targets": [
                {"value": pk, "label": text, "checked": pk in current}
                for pk, text in targets(step).items()
            ],
        }


register(DotVote())
