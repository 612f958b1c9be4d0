"""Extension point: other apps link their material to a principle on the scan's results page.

An app (the learning log, the history line, the analysis workbench) registers a provider, a
function ``(network, principle_key) -> list[Link]``, for example in its ``AppConfig.ready``::

    from verbindend.scan import links
    links.register("learninglog", entries_for_principle)

The results page shows, under each principle, the links every provider returns for the
network and that principle (e.g. ``"principle.p2"``). A provider must return only material the
network's readers may see (it is called for users with the ``scans.view`` permission); a provider
that raises is skipped so that one broken app does not break the results page.

Material that only some of the network's readers may see (a study's coded fragments) comes from
a provider registered with ``per_viewer=True``: it is called as ``(network, principle_key, user)``
and returns only what that user may open.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    kind: str  # a short, translated label such as "Learning log entry"
    count: int = 1  # the same link given more than once (three people's lines with one moment)


Provider = Callable[..., list[Link]]
_providers: dict[str, tuple[Provider, bool]] = {}


def register(name: str, provider: Provider, *, per_viewer: bool = False) -> None:
    """Add (or replace) the provider called ``name``."""
    _providers[name] = (provider, per_viewer)


def unregister(name: str) -> None:
    _providers.pop(name, None)


def links_for(network: Any, principle_key: str, user: Any = None) -> list[Link]:
    found: list[Link] = []
    for name, (provider, per_viewer) in sorted(_providers.items()):
        if per_viewer and user is None:
            continue
        try:
            args = (network, principle_key, user) if per_viewer else (network, principle_key)
            found.extend(provider(*args))
        except Exception:
            logger.exception("scan link provider %s failed", name)
    return _merged(found)


def _merged(links: list[Link]) -> list[Link]:
    """One line per link, in the order first given, counting how often it came."""
    counts: dict[Link, int] = {}
    for link in links:
        counts[link] = counts.get(link, 0) + link.count
    return [replace(link, count=n) for link, n in counts.items()]
