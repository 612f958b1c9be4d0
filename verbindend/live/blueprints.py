"""Session templates: which steps a session starts with, and which method content they show.

Prompts come from content keys, so every template is bilingual and follows content edits.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from verbindend.method import content

CONDITIONS = (
    "condition.learned",
    "condition.shared",
    "condition.collective_behaviour",
    "condition.anchored",
)
PRINCIPLES = ("principle.p1", "principle.p2", "principle.p3", "principle.p4", "principle.p5")


@dataclass(frozen=True)
class StepSpec:
    kind: str
    content_key: str = ""
    field: str = "question"
    options: dict[str, Any] = dataclasses.field(default_factory=dict)
    alone_first: bool = True


@dataclass(frozen=True)
class Blueprint:
    key: str
    title: str | Promise
    scope: str  # "network" or "study"
    description: str | Promise
    steps: tuple[StepSpec, ...]
    ask_organisation: bool = False


def _dots(source_offset: int) -> dict[str, Any]:
    """Dot-vote on the contributions of an earlier step (counted back from this one)."""
    return {"source_back": source_offset, "dots": 3}


FOCUS_GROUP = (
    StepSpec("open_answer", "exercise.appreciative.q_trophy"),
    StepSpec("open_answer", "exercise.appreciative.q_success"),
    StepSpec("open_answer", "exercise.appreciative.q_difficulties"),
    StepSpec("sentence_completion", "exercise.sentence_completion.s1", "stem"),
    StepSpec("sentence_completion", "exercise.sentence_completion.s2", "stem"),
    StepSpec("sentence_completion", "exercise.sentence_completion.s3", "stem"),
    StepSpec("farewell_letter", "exercise.farewell_letter"),
    StepSpec("open_answer", "exercise.conditions"),
    StepSpec("dot_vote", "exercise.conditions", "title", _dots(1), alone_first=False),
)

BLUEPRINTS: dict[str, Blueprint] = {
    b.key: b
    for b in (
        Blueprint(
            "focus_group",
            _("Focus group of the network"),
            "network",
            _(
                "Appreciative questions, sentence completion about what the network means for "
                "your organisation, the farewell letter and the conditions for collective learning."
            ),
            FOCUS_GROUP,
            ask_organisation=True,
        ),
        Blueprint(
            "cross_network",
            _("Cross-network focus group"),
            "study",
            _("Networks of a study compare what they learned and what made it possible."),
            (
                StepSpec("open_answer", "exercise.appreciative.q_success"),
                StepSpec("open_answer", "exercise.conditions"),
                StepSpec("dot_vote", "exercise.conditions", "title", _dots(1), alone_first=False),
                StepSpec("open_answer", "exercise.sentence_completion.q_differently"),
            ),
            ask_organisation=True,
        ),
        Blueprint(
            "interview",
            _("Interview"),
            "network",
            _("One respondent; the interview themes with their visual aids on the screen."),
            (
                StepSpec("open_answer", "interview.levels", alone_first=False),
                StepSpec("open_answer", "interview.knowledge", alone_first=False),
                StepSpec("history_line", "interview.history_line", alone_first=False),
            ),
        ),
        Blueprint(
            "key_figure_interview",
            _("Key-figure interview (organisation level)"),
            "network",
            _(
                "One key figure of one organisation: what the network means for it, what it "
                "took home (its learning gain) and how that reaches the organisation."
            ),
            (
                StepSpec("open_answer", "interview.key_figure", alone_first=False),
                StepSpec("open_answer", "interview.key_figure.q_gain", alone_first=False),
                StepSpec("open_answer", "interview.key_figure.q_flow", alone_first=False),
                StepSpec("open_answer", "interview.key_figure.q_culture", alone_first=False),
                StepSpec("open_answer", "interview.key_figure.q_contribution", alone_first=False),
                StepSpec("sentence_completion", "exercise.sentence_completion.s1", "stem"),
            ),
            ask_organisation=True,
        ),
        Blueprint(
            "training",
            _("Training workshop"),
            "network",
            _("From change to learning: what do we do differently, and what made it possible?"),
            (
                StepSpec("open_answer", "exercise.change_log.q_differently"),
                StepSpec("open_answer", "exercise.change_log.q_enabled"),
                StepSpec(
                    "choice",
                    "aid.conditions",
                    "title",
                    {"items": list(CONDITIONS), "multiple": True},
                ),
                StepSpec(
                    "choice",
                    "aid.principles",
                    "title",
                    {"items": list(PRINCIPLES), "multiple": True},
                ),
                StepSpec("open_answer", "exercise.conditions"),
            ),
        ),
        Blueprint(
            "scan_workshop",
            _("Scan workshop"),
            "network",
            _("Principle cards with their reflection questions, answered per question."),
            tuple(StepSpec("principle_card", key, "title") for key in PRINCIPLES),
        ),
        Blueprint("blank", _("Blank session"), "any", _("Start empty and add your own steps."), ()),
    )
}


def for_scope(scope: str) -> list[Blueprint]:
    return [b for b in BLUEPRINTS.values() if b.scope in (scope, "any")]


def scan_workshop_steps(principles: list[str]) -> tuple[StepSpec, ...]:
    keys = [p for p in principles if p in PRINCIPLES] or list(PRINCIPLES)
    return tuple(StepSpec("principle_card", key, "title") for key in keys)


def check() -> list[str]:
    """Every content key a template names exists (run by the tests)."""
    problems = []
    for blueprint in BLUEPRINTS.values():
        for spec in blueprint.steps:
            keys = [spec.content_key, *spec.options.get("items", [])]
            problems += [f"{blueprint.key}: {k}" for k in keys if k and not content.exists(k)]
    return problems
