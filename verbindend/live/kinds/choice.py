"""A choice between the facilitator's options (one, or several when allowed)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from verbindend.live.kinds import register
from verbindend.live.kinds.base import CountedKind, ascii_int, int_list, refuse, tally
from verbindend.method import content


def option_labels(step: Any, lang: str | None = None) -> list[str]:
    """The option texts: typed by the facilitator, or the titles of method content keys."""
    labels = []
    for item in step.options.get("items", []):
        if content.exists(str(item)):
            node = content.get(str(item))
            labels.append(node.text("title", lang) if node.has("title") else str(item))
        else:
            labels.append(str(item))
    return labels


class Choice(CountedKind):
    key = "choice"
    label = _("Choice")

    def options_from_form(self, data: dict[str, Any], lines: list[str]) -> dict[str, Any]:
        if len(lines) < 2:
            raise refuse("live.bad_options", _("A choice needs at least two options."))
        return {
            "items": [line[:200] for line in lines[:20]],
            "multiple": bool(data.get("multiple")),
        }

    def check(self, step: Any, text: str, value: dict[str, Any], prepared: Any) -> tuple[str, dict]:
        count = len(step.options.get("items", []))
        most = count if step.options.get("multiple") else 1
        picked = int_list(value.get("choices"), most=most, below=count)
        if picked is None:
            raise refuse("live.bad_choice", _("Choose from the options shown."))
        return "", {"choices": sorted(picked)}

    def from_form(self, post: Any) -> dict[str, Any]:
        picked = [ascii_int(x) for x in post.getlist("choices")]
        return {"choices": [p if p is not None else -1 for p in picked]}

    def answer_label(self, step: Any, contribution: Any, lang: str | None = None) -> str:
        labels = option_labels(step, lang)
        picked = contribution.value.get("choices", [])
        return "; ".join(labels[i] for i in picked if isinstance(i, int) and 0 <= i < len(labels))

    def results(self, step: Any, contributions: list[Any], lang: str | None = None) -> list:
        picks = [i for c in contributions for i in c.value.get("choices", [])]
        return tally(option_labels(step, lang), picks)

    def phone_context(self, step: Any, participant: Any, mine: list[Any]) -> dict:
        current = set(mine[-1].value.get("choices", [])) if mine else set()
        return {
            "multiple": bool(step.options.get("multiple")),
            "options": [
                {"value": i, "label": label, "checked": i in current}
                for i, label in enumerate(option_labels(step))
            ],
        }


register(Choice())
