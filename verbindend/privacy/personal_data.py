"""Extension point: every app's part in a person's data rights (export and erasure).

Each app that stores personal data has a module ``verbindend/<app>/personal_data.py`` with two
functions::

    def export(subject: DataSubject) -> dict[str, list[dict[str, Any]]]:
        '''Everything this app holds about the subject, as JSON-able rows per readable heading.'''

    def erase(subject: DataSubject, *, pseudonym: str) -> None:
        '''Remove the subject's name, contact and free text, or replace the name by ``pseudonym``
        where the research record keeps the fragment (transcripts, coded fragments) and consent
        allowed that. Closed aggregates stay as they were.'''

The privacy app calls them in ``INSTALLED_APPS`` order (the reports app comes last, so kept
report versions are re-rendered or redacted after everything else was erased), inside one
transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps


@dataclass(frozen=True)
class DataSubject:
    """Whose data: a network's person (with their account, if any) or a live participant.

    A participant without an account is known only by the token on their phone.
    """

    person: Any = None  # networks.Person
    user: Any = None  # accounts.User
    participant: Any = None  # live.Participant


def modules() -> Iterator[tuple[str, ModuleType]]:
    """Each installed Verbindend app's ``personal_data`` module, in ``INSTALLED_APPS`` order."""
    for config in apps.get_app_configs():
        if not config.name.startswith("verbindend."):
            continue
        try:
            module = import_module(f"{config.name}.personal_data")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.personal_data":
                raise
            continue
        yield config.label, module
