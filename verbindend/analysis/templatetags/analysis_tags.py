"""Template helpers of the analysis pages."""

from __future__ import annotations

from typing import Any

from django import template

from verbindend.core import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def allowed(context: dict[str, Any], action: str, obj: Any) -> bool:
    """May the user of this request perform this action (the policy decides, not the page)?"""
    request = context.get("request")
    return request is not None and policy.can(request.user, action, obj)
