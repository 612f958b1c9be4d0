"""The public guide through the method: its sections, and which section shows which node.

Every content node has exactly one home section, where it is shown with ``id="<key>"``, so that
``/method/k/<key>/`` can redirect to ``<section>#<key>``. A node's home is decided by the node
at the top of its chain (``principle.p1`` for ``principle.p1.r3``): first by that root's key
(:data:`ROOT_SECTIONS`), else by the root's kind (:data:`KIND_SECTIONS`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from verbindend.method import content


@dataclass(frozen=True)
class Section:
    slug: str  # "" for the overview
    title: Promise
    intro: Promise

    @property
    def template(self) -> str:
        return f"method/sections/{self.slug or 'overview'}.html"

    def url(self) -> str:
        if not self.slug:
            return reverse("method:guide")
        return reverse("method:section", args=[self.slug])


SECTIONS: tuple[Section, ...] = (
    Section(
        "",
        _("Five design principles"),
        _(
            "Five principles for keeping learning alive in a network of organisations, each "
            "with questions to reflect on your own practice."
        ),
    ),
    Section(
        "concepts",
        _("Concepts"),
        _(
            "Learning, collective learning and its four conditions, the three levels, the "
            "knowledge carriers and the four types of knowledge."
        ),
    ),
    Section(
        "research",
        _("The research approach"),
        _(
            "The questions, the six steps, the guidance committee and how cases and "
            "respondents were chosen."
        ),
    ),
    Section(
        "interviews",
        _("Interviews and the history line"),
        _("The interview themes and questions, and the history-line exercise."),
    ),
    Section(
        "exercises",
        _("Focus-group exercises"),
        _("Exercises for a group conversation about what the network has learned."),
    ),
    Section(
        "insights",
        _("Insights and the appreciative approach"),
        _("What the research taught about talking about learning."),
    ),
    Section(
        "findings",
        _("Findings as example material"),
        _(
            "What participants named in the research: examples for exercises and starting "
            "points for a codebook."
        ),
    ),
    Section(
        "scan",
        _("The scan statements"),
        _("The statements of the five-principle scan and its answer scale."),
    ),
    Section(
        "network-life",
        _("Roles, competences and newcomers"),
        _(
            "What makes a good networker, a checklist for finding and welcoming new members "
            "(principles 4 and 5), and advice by kind of network."
        ),
    ),
    Section(
        "aids",
        _("Visual aids"),
        _("Pictures for a projector, for paper and as cards in a live session."),
    ),
    Section(
        "about",
        _("About this content"),
        _("Where the method comes from, what is our own, and how the content is versioned."),
    ),
)
BY_SLUG = {section.slug: section for section in SECTIONS}

#: Home section by the kind of a node's root.
KIND_SECTIONS: dict[str, str] = {
    "principle": "",
    "concept": "concepts",
    "condition": "concepts",
    "level": "concepts",
    "carrier": "concepts",
    "knowledge_type": "concepts",
    "question_group": "research",
    "research_step": "research",
    "role": "research",
    "case_criterion": "research",
    "respondent_criterion": "research",
    "governance_form": "research",
    "goal_origin": "research",
    "network_scale": "research",
    "life_phase": "research",
    "interview_theme": "interviews",
    "exercise": "exercises",
    "exercise_pattern": "exercises",
    "insight": "insights",
    "approach": "insights",
    "finding_list": "findings",
    "scan_text": "scan",
    "scan_scale": "scan",
    "scan_section": "scan",
    "competence": "network-life",
    "onboarding_item": "network-life",
    "guidance_rule": "network-life",
    "aid": "aids",
    "meta": "about",
}

#: Home section by a root key, where the kind alone would choose wrongly.
ROOT_SECTIONS: dict[str, str] = {"exercise.history_line": "interviews"}


class NoSection(LookupError):
    """The node's kind has no home section (a new kind must be added to KIND_SECTIONS)."""


def root_of(key: str) -> str:
    """The top of a key's chain: the key itself for top-level keys."""
    parts = key.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 else key


def section_of(key: str) -> Section:
    """The home section of the node with ``key`` (raises UnknownKey for unknown keys)."""
    root = root_of(key)
    slug = ROOT_SECTIONS.get(root)
    if slug is None:
        kind = content.get(root).kind
        if kind not in KIND_SECTIONS:
            raise NoSection(key)
        slug = KIND_SECTIONS[kind]
    content.get(key)
    return BY_SLUG[slug]


def key_url(key: str) -> str:
    """The address of a node: its home section with the key as anchor."""
    return f"{section_of(key).url()}#{key}"


def label(node: content.Node) -> str:
    """The short text that names a node, whichever text field it has."""
    for field_name in ("title", "label", "question", "statement", "stem"):
        if node.has(field_name):
            return node.text(field_name)
    return node.key


def neighbours(section: Section) -> tuple[Section | None, Section | None]:
    index = SECTIONS.index(section)
    before = SECTIONS[index - 1] if index > 0 else None
    after = SECTIONS[index + 1] if index + 1 < len(SECTIONS) else None
    return before, after
