"""A slide: one of the method's visual aids, or a picture the facilitator uploads, on the wall and
the phones; it takes no answers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from verbindend.live.kinds import register
from verbindend.live.kinds.base import Kind, refuse


class Slide(Kind):
    key = "slide"
    label = _("Slide")
    takes_answers = False
    facilitator_text = False
    takes_picture = True

    def options_from_form(self, data: dict[str, Any], lines: list[str]) -> dict[str, Any]:
        if data.get("picture"):
            return {}  # the picture itself is stored with the step by the service
        if not data.get("aid"):
            raise refuse(
                "live.bad_options", _("Choose the visual aid the slide shows, or upload a picture.")
            )
        return {"aid": data["aid"]}

    def check(self, step: Any, text: str, value: dict[str, Any], prepared: Any) -> tuple[str, dict]:
        raise refuse("live.no_answers", _("This step shows a slide; it takes no answers."))


register(Slide())
