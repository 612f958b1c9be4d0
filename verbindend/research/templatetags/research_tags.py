"""`{% research_nav study %}`: the study's shared-ground links, only those the reader may open."""

from __future__ import annotations

from typing import Any

from django import template

from verbindend.core import policy

register = template.Library()


@register.inclusion_tag("research/_nav.html", takes_context=True)
def research_nav(context: template.Context, study: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    can_run = user is not None and policy.can(user, "sessions.run", study)
    can_interview = user is not None and policy.can(user, "interviews.view", study)
    return {"study": study, "can_run": can_run, "can_interview": can_interview}
