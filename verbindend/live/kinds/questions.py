"""Questions from the room: anyone asks (anonymous to the room), anyone upvotes once per question;
the facilitator hides what should not be on the wall. Most upvoted first."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils.translation import gettext_lazy as _

from verbindend.live.kinds import register
from verbindend.live.kinds.base import TEXT_MAX, Kind, refuse

QUESTION_MAX = 300


def asked(step: Any) -> dict[int, str]:
    """The questions of a step that are on the wall, id → text."""
    from verbindend.live.models import Contribution

    return dict(
        Contribution.objects.filter(step=step, hidden=False, merged_into__isnull=True)
        .exclude(text="")
        .order_by("sequence")
        .values_list("pk", "text")[:300]
    )


class Questions(Kind):
    key = "questions"
    label = _("Questions from the room")

    def prepare(self, step: Any) -> Any:
        return set(asked(step))

    def check(self, step: Any, text: str, value: dict[str, Any], prepared: Any) -> tuple[str, dict]:
        up = value.get("up")
        if up is not None:
            if type(up) is not int or (prepared is not None and up not in prepared):
                raise refuse("live.bad_question", _("This question is not on the wall."))
            return "", {"up": up}
        if not text:
            raise refuse("live.empty", _("Write your question first."))
        if len(text) > min(QUESTION_MAX, TEXT_MAX):
            raise refuse(
                "live.too_long",
                _("Your answer is too long: at most %(n)s characters.") % {"n": QUESTION_MAX},
            )
        return text, {}

    def voice(self, step: Any, value: dict[str, Any]) -> str | None:
        up = value.get("up")
        return f"up{up}" if up is not None else None  # one upvote per question, many questions

    def answer_label(self, step: Any, contribution: Any, lang: str | None = None) -> str:
        return contribution.text

    def ranked(self, step: Any, contributions: list[Any]) -> list[tuple[int, str, int]]:
        questions = {c.pk: c.text for c in contributions if c.text and not c.hidden}
        votes = Counter(c.value.get("up") for c in contributions if not c.text)
        order = sorted(questions, key=lambda pk: (-votes.get(pk, 0), pk))
        return [(pk, questions[pk], votes.get(pk, 0)) for pk in order]

    def results(self, step: Any, contributions: list[Any], lang: str | None = None) -> list:
        return [(text, votes) for _pk, text, votes in self.ranked(step, contributions)]

    def phone_context(self, step: Any, participant: Any, mine: list[Any]) -> dict:
        mine_up = {c.value.get("up") for c in mine if not c.text}
        return {
            "questions": [
                {"id": pk, "text": text, "upvoted": pk in mine_up}
                for pk, text in asked(step).items()
            ]
        }


register(Questions())
