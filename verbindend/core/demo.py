"""The fictional demo network that `make demo` loads.

``core`` imports no domain app, so the demo is put together by the apps: the one that owns the
demo network and study registers their creation in its ``ready()`` (:func:`register_base`), and
each app may add its own material in a module ``verbindend/<app>/demo.py`` with a function
``extend_demo(*, network, study)``; it is called on every load and must be idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db import transaction

from verbindend.core.roles import NetworkRoles, StudyRoles

DEMO_PASSWORD = "verbindend-demo"  # noqa: S105 — printed on purpose, demo data only
DEMO_SLUG = "werkwinkel-gent"
DEMO_STUDY_SLUG = "verbindend-leren-gent"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str


LOGINS = [
    DemoLogin(NetworkRoles.COORDINATOR, "coordinator@verbindend.demo"),
    DemoLogin(NetworkRoles.FACILITATOR, "facilitator@verbindend.demo"),
    DemoLogin(NetworkRoles.MEMBER, "member@verbindend.demo"),
    DemoLogin(NetworkRoles.OBSERVER, "observer@verbindend.demo"),
    DemoLogin(StudyRoles.RESEARCHER, "researcher@verbindend.demo"),
]


_base: list[Callable[[], tuple[Any, Any]]] = []


def register_base(create: Callable[[], tuple[Any, Any]]) -> None:
    """Register the function that finds or creates the demo network and study (idempotent)."""
    _base[:] = [create]


def load_demo() -> Any:
    """Find or create the demo network, its people, logins and a study, then let apps extend it."""
    if not _base:
        raise LookupError("no app registered the demo network and study")
    network, study = _base[0]()
    for config in apps.get_app_configs():
        if not config.name.startswith("verbindend.") or config.name == __package__:
            continue
        try:
            module = import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
            continue
        with transaction.atomic():
            module.extend_demo(network=network, study=study)
    return network
