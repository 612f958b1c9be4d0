"""`{% network_tabs network %}`: the one tab bar of a network, with breadcrumbs."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from verbindend.core import navigation

register = template.Library()


@register.inclusion_tag("core/network_tabs.html", takes_context=True)
def network_tabs(context: template.Context, network: Any) -> dict[str, Any]:
    """Nothing for a page of a study (or with no scope): only networks have this tab bar."""
    if (
        network is None
        or getattr(getattr(network, "_meta", None), "label_lower", "") != "networks.network"
    ):
        return {"tabs": []}
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    shown = navigation.tabs(user, network, view_name)
    current = next((t for t in shown if t.current), None)
    deeper = current is not None and request is not None and request.path != current.url
    return {
        "network": network,
        "tabs": shown,
        "current": current,
        "deeper": deeper,
        "network_url": reverse("networks:detail", args=[network.slug]),
        "user": user,
    }
