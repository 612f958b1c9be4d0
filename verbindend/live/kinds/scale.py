"""A five-point agreement scale with "I don't know": one point per person, shown in order."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils.translation import gettext_lazy as _

from verbindend.live.kinds import register
from verbindend.live.kinds.base import CountedKind, ascii_int, refuse
from verbindend.method import content

POINTS: tuple[int | str, ...] = (1, 2, 3, 4, 5, "unknown")


def point_label(point: int | str, lang: str | None = None) -> str:
    node = content.get(f"scan.scale.{point}")
    label = node.text("label", lang)
    return f"{point} · {label}" if isinstance(point, int) else label


class Scale(CountedKind):
    key = "scale"
    label = _("Scale")

    def check(self, step: Any, text: str, value: dict[str, Any], prepared: Any) -> tuple[str, dict]:
        point = value.get("scale")
        if (type(point) is not int and point != "unknown") or point not in POINTS:
            raise refuse("live.bad_scale", _("Choose a point on the scale."))
        return "", {"scale": point}

    def from_form(self, post: Any) -> dict[str, Any]:
        raw = str(post.get("scale", ""))
        number = ascii_int(raw)
        return {"scale": number if number is not None else raw[:20]}

    def answer_label(self, step: Any, contribution: Any, lang: str | None = None) -> str:
        point = contribution.value.get("scale")
        return point_label(point, lang) if point in POINTS else ""

    def results(self, step: Any, contributions: list[Any], lang: str | None = None) -> list:
        counts = Counter(c.value.get("scale") for c in contributions)
        return [(point_label(p, lang), counts.get(p, 0)) for p in POINTS]

    def phone_context(self, step: Any, participant: Any, mine: list[Any]) -> dict:
        current = mine[-1].value.get("scale") if mine else None
        return {
            "points": [
                {"value": p, "label": point_label(p), "checked": p == current} for p in POINTS
            ]
        }


register(Scale())
