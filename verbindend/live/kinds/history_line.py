"""The history line: drawn and filled in on its own screen (see history.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from verbindend.live.kinds import register
from verbindend.live.kinds.base import Kind, refuse


class HistoryLine(Kind):
    key = "history_line"
    label = _("History line")
    answered_elsewhere = True
    facilitator_text = False

    def check(self, step: Any, text: str, value: dict[str, Any], prepared: Any) -> tuple[str, dict]:
        raise refuse("live.not_here", _("This step is answered on the history line itself."))


register(HistoryLine())
