"""Panels on an organisation's page in a network and on the network's own page, filled by the
apps (in their `ready()`).

The organisation level of the method (what the network brought each organisation) draws on many
apps: session answers, log entries, history-line moments, scan results. Each registers a provider
that returns a :class:`Panel` for (user, network, organisation), or None when it has nothing the
user may see; the page asks `policy` nothing itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Panel:
    key: str
    title: str | Promise
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50


Provider = Callable[[Any, Any, Any], Panel | None]

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    _providers[name] = provider


def organisation_panels(user: Any, network: Any, organisation: Any) -> list[Panel]:
    found = [p(user, network, organisation) for p in _providers.values()]
    return sorted((p for p in found if p is not None), key=lambda p: (p.order, p.key))


# -- the network's own page -----------------------------------------------------------------------

NetworkProvider = Callable[[Any, Any], Panel | None]

_network_providers: dict[str, NetworkProvider] = {}


def register_network(name: str, provider: NetworkProvider) -> None:
    """A panel on the network's main page; `provider(user, network)` returns a Panel or None."""
    _network_providers[name] = provider


def network_panels(user: Any, network: Any) -> list[Panel]:
    found = [p(user, network) for p in _network_providers.values()]
    return sorted((p for p in found if p is not None), key=lambda p: (p.order, p.key))
