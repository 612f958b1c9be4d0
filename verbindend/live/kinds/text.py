"""Open answers, sentence completions and farewell letters: written answers shown as cards."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from verbindend.live.kinds import register
from verbindend.live.kinds.base import TextKind


class OpenAnswer(TextKind):
    key = "open_answer"
    label = _("Open answer")


class SentenceCompletion(TextKind):
    key = "sentence_completion"
    label = _("Sentence completion")


class FarewellLetter(TextKind):
    """Private unless its author shares it: counted, never shown unshared."""

    key = "farewell_letter"
    label = _("Farewell letter")
    limit = 5000


register(OpenAnswer())
register(SentenceCompletion())
register(FarewellLetter())
