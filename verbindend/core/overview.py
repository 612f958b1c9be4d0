"""Extension point: panels on a study's or network's overview page, filled in by domain apps.

``core`` imports no domain app, so an app that has something to show on an overview (open
comments, waiting decisions, …) registers a provider in its ``ready()``:
``overview.register(name, provider)``. A provider receives the scope and the user and returns
``None`` (nothing to show) or a :class:`Panel`; it must apply the permission layer itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Panel:
    title: str
    template: str  # renders the panel's body from ``context``
    context: dict[str, Any] = field(default_factory=dict)


Provider = Callable[[Any, Any], Panel | None]
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Add (or replace, by name) a provider; registering twice is harmless."""
    _providers[name] = provider


def panels(scope: Any, user: Any) -> list[Panel]:
    """The panels every registered provider has for this scope and user, in name order."""
    found = []
    for name in sorted(_providers):
        panel = _providers[name](scope, user)
        if panel is not None:
            found.append(panel)
    return found
