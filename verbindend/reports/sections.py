"""Extension point: the sections of a network learning report and of a study report.

Each app may add sections in a module ``verbindend/<app>/report_sections.py`` that defines
``SECTIONS: list[ReportSection]``; a section's ``scope`` says which report it belongs to. The
reports app finds them in ``INSTALLED_APPS`` order and sorts them by ``order``; the person
asking for a report chooses the period and which sections to include.

A section's ``build`` returns the context its template renders. It receives the whole request
(network, period, language) and must respect every privacy threshold of the data it shows (the
scan's k, consent for quotes); it returns plain values — never user text marked safe. Its template
renders the section body only (the report adds the heading), works in HTML and in print (PDF), and
uses only inline SVG or data the report embeds, never an external resource.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from typing import Any

from django.apps import apps
from django.utils.functional import Promise


@dataclass(frozen=True)
class ReportRequest:
    """What a report covers: a network, an optional period (inclusive dates), chosen sections."""

    network: Any
    start: date | None = None
    end: date | None = None
    language: str = "nl"
    sections: tuple[str, ...] = field(default_factory=tuple)  # empty: every section
    study: Any = None  # set instead of ``network`` for a study report
    audience: str = "members"  # reports.audiences: whom the report is written for
    brief: bool = False  # keep lists short (the board's and funders' reports)

    @property
    def scope(self) -> Any:
        return self.network if self.network is not None else self.study

    def wants(self, key: str) -> bool:
        return not self.sections or key in self.sections

    def limit(self, full: int, brief: int = 10) -> int:
        """How many entries of a list to show: fewer in a brief report."""
        return brief if self.brief else full

    def covers(self, day: date | None) -> bool:
        if day is None:
            return True
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class ReportSection:
    key: str  # stable, e.g. "learning_goals"; chosen sections are stored by key
    title: str | Promise  # translated lazily: the report renders in its own language
    order: int  # position in the report: profile 10, goals 20, scan 30, history line 40,
    #             focus-group themes 50, change-and-learning log 60, knowledge carriers 70
    template: str  # renders the section body from the context ``build`` returns
    build: Callable[[ReportRequest], dict[str, Any]]
    scope: str = "network"  # the report it belongs to: "network" or "study"


def all_sections(scope: str = "network") -> list[ReportSection]:
    """Every section the installed apps offer to a network's (or a study's) report, in order."""
    found: list[ReportSection] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("verbindend."):
            continue
        try:
            module = import_module(f"{config.name}.report_sections")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.report_sections":
                raise
            continue
        found.extend(s for s in module.SECTIONS if s.scope == scope)
    return sorted(found, key=lambda section: (section.order, section.key))
