"""A "to the learning log" button other apps put beside a session answer or a history moment."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from verbindend.core import policy

register = template.Library()

ROUTES = {"contribution": "learninglog:from_contribution", "moment": "learninglog:from_moment"}


@register.inclusion_tag("learninglog/_log_button.html", takes_context=True)
def log_button(context: template.Context, kind: str, pk: int, owner: Any) -> dict[str, Any]:
    """Shown only when ``owner`` (a session or an exercise) has a network the user may log in."""
    request = context.get("request")
    network = getattr(owner, "network", None)
    show = bool(
        request is not None
        and network is not None
        and pk
        and policy.can(request.user, "learninglog.add", network)
    )
    return {
        "show": show,
        "url": reverse(ROUTES[kind], args=[pk]) if show else "",
        "csrf_token": context.get("csrf_token"),
        "kind": kind,
    }
