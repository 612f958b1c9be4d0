"""Extension point: other apps link their material to a principle on the scan's results page.

An app (the learning log, the history line, the analysis workbench) registers a provider, a
function ``(network, principle_key) -> list[Link]``, for example in its ``AppConfig.ready``::

    from verbindend.scan import links
    links.register("learninglog", entries_for_principle)

The results page shows, under each principle, the links every provider returns for the
network and that principle (e.g. ``"principle.p2"``). A provider must return only material the
network's readers may see (it is called for users with the ``scans.view`` permission); a provider
that raises is skipped so that one broken app does not break the results page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    kind: str  # a short, translated label such as "Learning log entry"


Provider = Callable[[Any, str], list[Link]]
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Add (or replace) the provider called ``name``."""
    _providers[name] = provider


def unregister(name: str) -> None:
    _providers.pop(name, None)


def links_for(network: Any, principle_key: str) -> list[Link]:
    found: list[Link] = []
    for name, provider in sorted(_providers.items()):
        try:
            found.extend(provider(network, principle_key))
        except Exception:
            logger.exception("scan link provider %s failed", name)
    return found
