"""A principle card: one written answer per reflection question of the card."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from verbindend.live.kinds import register
from verbindend.live.kinds.base import TextKind, refuse
from verbindend.method import content


class PrincipleCard(TextKind):
    key = "principle_card"
    label = _("Principle card")
    facilitator_text = False

    def check(self, step: Any, text: str, value: dict[str, Any], prepared: Any) -> tuple[str, dict]:
        text, _v = super().check(step, text, value, prepared)
        item_key = str(value.get("item", ""))
        if not item_key.startswith(step.content_key + ".r") or not content.exists(item_key):
            raise refuse("live.bad_item", _("Choose one of the card's questions."))
        return text, {"item": item_key}

    def voice(self, step: Any, value: dict[str, Any]) -> str | None:
        return str(value.get("item"))  # one answer per question of the card

    def answer_label(self, step: Any, contribution: Any, lang: str | None = None) -> str:
        key = str(contribution.value.get("item", ""))
        if content.exists(key) and content.get(key).has("question"):
            return f"{content.get(key).text('question', lang)} — {contribution.text}"
        return contribution.text

    def phone_context(self, step: Any, participant: Any, mine: list[Any]) -> dict:
        if not step.content_key or not content.exists(step.content_key):
            return {"items": []}
        written = {c.value.get("item"): c.text for c in mine}
        items = [
            {"key": r.key, "question": r.text("question"), "mine": written.get(r.key, "")}
            for r in content.get(step.content_key).children("reflection")
        ]
        return {"items": items}

    @property
    def phone_template(self) -> str:
        return "live/kinds/principle_card_phone.html"


register(PrincipleCard())
