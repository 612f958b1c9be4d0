"""The network's tab bar: one set of tabs per role, the same on every page of the network.

Apps register their tab in `ready()` with the permission it needs and the pages (view names or
namespaces) that belong to it; `{% network_tabs network %}` then draws the tabs the user may open,
marks the current one with `aria-current="page"` and, on a page below a tab's first page, shows
breadcrumbs back to it. `core` knows no domain app: it only reads this registry and `policy`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from verbindend.core import policy


@dataclass(frozen=True)
class Tab:
    key: str
    label: str | Promise
    url_name: str  # reversed with the network's slug
    action: str  # the policy action a user needs to see the tab
    pages: tuple[str, ...]  # view names ("scan:round") or namespaces ("scan:") that belong to it
    order: int = 50


_tabs: dict[str, Tab] = {}


def register(tab: Tab) -> None:
    _tabs[tab.key] = tab


def registered() -> list[Tab]:
    return sorted(_tabs.values(), key=lambda t: (t.order, t.key))


def tab_for(view_name: str) -> Tab | None:
    """The tab a page belongs to: the longest matching view name or namespace prefix wins."""
    best: tuple[int, Tab] | None = None
    for tab in _tabs.values():
        for page in tab.pages:
            hit = view_name == page or (page.endswith(":") and view_name.startswith(page))
            if hit and (best is None or len(page) > best[0]):
                best = (len(page), tab)
    return best[1] if best else None


@dataclass(frozen=True)
class ShownTab:
    key: str
    label: str
    url: str
    current: bool


def tabs(user: Any, network: Any, view_name: str) -> list[ShownTab]:
    """The tabs this user sees in this network; the page's own tab is marked current."""
    here = tab_for(view_name)
    shown = []
    for tab in registered():
        if not policy.can(user, tab.action, network):
            continue
        try:
            url = reverse(tab.url_name, args=[network.slug])
        except NoReverseMatch:
            continue
        shown.append(
            ShownTab(tab.key, str(tab.label), url, here is not None and here.key == tab.key)
        )
    return shown
