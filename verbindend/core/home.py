"""What waits for a person: the overview's task list, filled by the apps.

`core` knows no domain app. Each app that can ask something of a person (fill in a scan, decide a
case request, revisit a goal, read a report, join a session) registers a provider in its
`ready()`; a provider returns the tasks one user may act on now, across all their networks and
studies, and nothing they cannot do (providers ask `policy` before offering a task).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Task:
    """One thing a person can do now, with the button that does it."""

    kind: str  # a short key for styling and tests, e.g. "scan", "case", "goal"
    title: str  # what, in the reader's language
    where: str  # the network or study it belongs to
    url: str  # where the button leads
    action: str  # the button's label
    detail: str = ""
    due: date | None = None
    order: int = 50  # lower comes first; ties by due date, then title
    method: str = "get"  # "post" when the button changes something (e.g. a decision)
    extra: tuple[tuple[str, str, str], ...] = ()  # further buttons: (label, url, value)


Provider = Callable[[Any], Iterable[Task]]

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Add (or replace) an app's task provider; names keep registration idempotent."""
    _providers[name] = provider


def tasks_for(user: Any) -> list[Task]:
    """Every registered provider's tasks for this user, most urgent first."""
    found: list[Task] = []
    if not user.is_authenticated:
        return found
    for provider in _providers.values():
        found.extend(provider(user))
    return sorted(found, key=lambda t: (t.order, t.due or date.max, t.title))
