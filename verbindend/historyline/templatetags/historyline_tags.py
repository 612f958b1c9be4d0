"""Tags that let other apps (the live session's phone and wall pages) show a history line.

{% load historyline_tags %}
{% exercise_for_step step as exercise %}      the exercise tied to a live step, or None
{% overlay_for exercise as o %}               all its lines, shared moments, consensus
{% overlay_svg o %}                           the overlay picture (server-rendered SVG)
{% live_draw_context exercise participant save_url moment_url as draw %}
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from verbindend.historyline import together
from verbindend.historyline.models import Exercise

register = template.Library()


@register.simple_tag
def exercise_for_step(step: Any) -> Exercise | None:
    if step is None or getattr(step, "pk", None) is None:
        return None
    return Exercise.objects.filter(live_step_id=step.pk).first()


@register.simple_tag
def overlay_for(exercise: Exercise) -> together.Overlay:
    return together.overlay(exercise)


@register.simple_tag
def overlay_svg(result: together.Overlay) -> SafeString:
    return result.svg(title=_("History lines of %(title)s") % {"title": result.exercise.title})


@register.simple_tag
def live_draw_context(
    exercise: Exercise, participant: Any, save_url: str, moment_url: str
) -> dict[str, Any]:
    from verbindend.historyline.views import draw_context

    key = str(getattr(participant, "uuid", None) or getattr(participant, "pk", participant))
    return draw_context(
        exercise=exercise, participant_key=key, save_url=save_url, moment_url=moment_url
    )
