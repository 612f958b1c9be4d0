"""Where a typed or scanned code leads: one join box for every kind of code.

The header's join box, `/join/`, `/j/<CODE>` and `/<CODE>` ask this registry instead of knowing
the apps. Each app that hands out codes (live sessions, scan rounds, ...) registers a resolver in
its `ready()`; a resolver answers the address to go to for a code it knows, or None.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

Resolver = Callable[[HttpRequest, str], str | None]

_resolvers: dict[str, Resolver] = {}


def register(name: str, resolver: Resolver) -> None:
    """Add (or replace) the resolver an app offers; names keep registration idempotent."""
    _resolvers[name] = resolver


def resolve(request: HttpRequest, code: str) -> str | None:
    """The first address a registered resolver gives for this code, or None when none knows it."""
    for resolver in _resolvers.values():
        target = resolver(request, code)
        if target:
            return target
    return None
