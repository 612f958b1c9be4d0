"""Advice that depends on a network's profile: its form of governance, goal origin and life phase.

The rules are method content (``content/guidance.toml``, kind ``guidance_rule``): each names one
profile field, the values it applies to, the principles it concerns, the screens that show it and
its source in the report. :func:`applicable` picks the rules that fit a network; it only reads the
three profile fields, so anything with those attributes will do (the method app imports no
domain app).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from verbindend.method import content

__all__ = [
    "FIELDS",
    "SCREENS",
    "Advice",
    "Profile",
    "applicable",
    "has_profile",
    "rules",
    "values_of",
]

#: The network fields the rules look at, with the prefix of their values' content keys.
FIELDS: dict[str, str] = {
    "governance_form": "governance",
    "goal_origin": "goal_origin",
    "phase": "phase",
}

#: Where advice is shown: the scan round's results, its dialogue agenda and the welcome pack.
SCREENS = frozenset({"results", "agenda", "welcome"})


class Profile(Protocol):
    governance_form: str
    goal_origin: str
    phase: str


@dataclass(frozen=True)
class Advice:
    """One rule that applies to a network, and the profile value that made it apply."""

    rule: content.Node
    field: str
    value: str

    @property
    def key(self) -> str:
        return self.rule.key

    @property
    def title(self) -> str:
        return self.rule.title

    @property
    def body(self) -> str:
        return self.rule.body

    @property
    def source(self) -> str:
        return self.rule.text("source")

    @property
    def origin(self) -> str:
        return self.rule.origin

    @property
    def because(self) -> content.Node:
        """The profile value (as method content, with its human label) the advice answers to."""
        return content.get(f"{FIELDS[self.field]}.{self.value}")

    @property
    def principles(self) -> list[content.Node]:
        return self.rule.refs("principle")

    @property
    def principle_keys(self) -> list[str]:
        return [p.key for p in self.principles]

    def concerns(self, principle: str) -> bool:
        return principle in self.principle_keys


def rules() -> list[content.Node]:
    """Every guidance rule, in content order."""
    return content.of_kind("guidance_rule")


def _values(rule: content.Node, attr: str) -> tuple[str, ...]:
    value = rule.attrs.get(attr, ())
    items = value if isinstance(value, tuple) else (value,)
    return tuple(str(v) for v in items)


def values_of(rule: content.Node) -> list[content.Node]:
    """The profile values (as content, with their labels) that ``rule`` applies to."""
    prefix = FIELDS[str(rule.attrs.get("profile_field", ""))]
    return [content.get(f"{prefix}.{value}") for value in _values(rule, "profile_values")]


def has_profile(network: Profile) -> bool:
    """Whether any field the rules look at is filled in."""
    return any(getattr(network, name, "") for name in FIELDS)


def applicable(
    network: Profile, *, screen: str | None = None, principle: str | None = None
) -> list[Advice]:
    """The rules that apply to ``network``: on ``screen`` and about ``principle`` when given."""
    if screen is not None and screen not in SCREENS:
        raise ValueError(f"unknown screen {screen!r}")
    found = []
    for rule in rules():
        name = str(rule.attrs.get("profile_field", ""))
        value = getattr(network, name, "") if name in FIELDS else ""
        if not value or value not in _values(rule, "profile_values"):
            continue
        if screen is not None and screen not in _values(rule, "screens"):
            continue
        advice = Advice(rule, name, str(value))
        if principle is not None and not advice.concerns(principle):
            continue
        found.append(advice)
    return found
