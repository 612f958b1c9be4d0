"""The synthesis of a session: themes, tags and counts, read by exports and the analysis workbench.

Private letters are counted, never shown: only letters their authors shared carry text here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from verbindend.core import disclosure, exports
from verbindend.live.models import (
    Contribution,
    LiveSession,
    Step,
    StepKind,
)
from verbindend.method import content

# results a reader wants counted although the step is not a chart on the wall
COUNTED_TOO = frozenset({"word_cloud", "questions"})


@dataclass(frozen=True)
class Item:
    id: int
    text: str
    theme: str
    tags: tuple[str, ...]  # content keys, for codings; readers get tag_labels
    organisation: str
    merged: int  # how many duplicates were merged into this one
    tag_labels: tuple[str, ...] = ()
    network: str = ""


@dataclass(frozen=True)
class StepSummary:
    step_id: int
    order: int
    kind: str
    prompt: str
    answers: int
    items: tuple[Item, ...]
    themes: dict[str, int]
    tags: dict[str, int]
    counts: dict[str, int]  # counted kinds: human label → count, in the reader's order
    letters: int = 0
    letters_shared: int = 0
    # cross-network sessions: network name → (label → count); networks below the group
    # threshold are left out and named in `withheld`
    by_network: dict[str, dict[str, int]] = field(default_factory=dict)
    withheld: tuple[str, ...] = ()


@dataclass(frozen=True)
class SessionSummary:
    session_id: int
    title: str
    participants: int
    contributions: int
    letters: int
    steps: tuple[StepSummary, ...] = field(default_factory=tuple)
    networks: dict[str, int] = field(default_factory=dict)  # participants per network
    min_group: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def step_prompt(step: Step, lang: str | None = None) -> str:
    if step.prompt:
        return step.prompt
    if step.content_key and content.exists(step.content_key):
        node = content.get(step.content_key)
        for name in (step.options.get("field"), "question", "stem", "title", "statement"):
            if name and node.has(name):
                return node.text(name, lang)
    return str(step.get_kind_display())


def option_labels(step: Step, lang: str | None = None) -> list[str]:
    from verbindend.live.kinds.choice import option_labels as labels

    return labels(step, lang)


def aggregate(step: Step, contributions: list[Contribution]) -> dict[str, int]:
    """Counted kinds: human label → count, in the order the kind gives (scale points in order,
    options as offered, votes and rankings best first)."""
    return dict(step.spec.results(step, contributions))


def answer_label(step: Step, contribution: Contribution) -> str:
    return step.spec.answer_label(step, contribution)


def tag_label(key: str) -> str:
    """A tag's name in the reader's language (never its dotted key)."""
    if content.exists(key):
        node = content.get(key)
        for name in ("title", "label", "name"):
            if node.has(name):
                return node.text(name)
    return key.rsplit(".", 1)[-1].replace("_", " ")


def session_summary(session: LiveSession) -> SessionSummary:
    steps = list(session.steps.order_by("order", "pk"))
    everything = list(
        Contribution.objects.filter(session=session)
        .select_related("theme", "participant__network")
        .order_by("sequence")
    )
    network_of = {
        c.pk: c.participant.network.name
        for c in everything
        if c.participant and c.participant.network
    }
    members: dict[str, set[int]] = {}
    everyone: set[int] = set()
    for p in session.participants.select_related("network"):
        everyone.add(p.pk)
        if p.network is not None:
            members.setdefault(p.network.name, set()).add(p.pk)
    people = Counter({name: len(ids) for name, ids in members.items()})
    # the split by network is a breakdown like any other: the engine decides what may be shown
    k = disclosure.scope_k(session)
    shown_networks = disclosure.allowed_groups(
        {name: frozenset(ids) for name, ids in members.items()},
        k=k,
        population=frozenset(everyone),
    )
    merged_counts = Counter(c.merged_into_id for c in everything if c.merged_into_id)
    credit = disclosure.attributable(session, everything)  # organisations a text may name
    summaries = []
    letters_total = 0
    for step in steps:
        mine = [c for c in everything if c.step_id == step.pk and not c.hidden]
        letters = shared = 0
        if step.kind == StepKind.FAREWELL_LETTER:
            letters, shared = len(mine), sum(1 for c in mine if c.shared)
            letters_total += letters
        spec = step.spec
        listed = spec.cards
        shown = [
            c
            for c in mine
            if c.merged_into_id is None
            and (step.kind != StepKind.FAREWELL_LETTER or c.shared)
            and listed
        ]
        counted = spec.counted or step.kind in COUNTED_TOO
        by_network: dict[str, dict[str, int]] = {}
        if counted and people:
            for name in sorted(shown_networks):
                theirs = [c for c in mine if network_of.get(c.pk) == name]
                by_network[name] = aggregate(step, theirs)
        summaries.append(
            StepSummary(
                step_id=step.pk,
                order=step.order,
                kind=step.kind,
                prompt=step_prompt(step),
                answers=len(mine),
                items=tuple(
                    Item(
                        id=c.pk,
                        text=answer_label(step, c),
                        theme=c.theme.name if c.theme else "",
                        tags=tuple(c.tags),
                        organisation=c.organisation_name
                        if c.step_id in credit.get(c.organisation_name, ())
                        else "",
                        merged=merged_counts.get(c.pk, 0),
                        tag_labels=tuple(tag_label(t) for t in c.tags),
                        network=network_of.get(c.pk, "")
                        if network_of.get(c.pk) in shown_networks
                        else "",
                    )
                    for c in shown
                ),
                themes=dict(Counter(c.theme.name for c in shown if c.theme)),
                tags=dict(Counter(tag_label(t) for c in shown for t in c.tags)),
                counts=aggregate(step, mine) if counted else {},
                letters=letters,
                letters_shared=shared,
                by_network=by_network,
                withheld=tuple(sorted(set(people) - shown_networks)) if counted else (),
            )
        )
    return SessionSummary(
        session_id=session.pk,
        title=session.title,
        participants=session.participants.count(),
        contributions=sum(s.answers for s in summaries),
        letters=letters_total,
        steps=tuple(summaries),
        networks={name: n for name, n in sorted(people.items()) if name in shown_networks},
        min_group=k,
    )


def header() -> list[str]:
    return [
        _("step"),
        _("question"),
        _("answer"),
        _("count"),
        _("theme"),
        _("tags"),
        _("organisation"),
        _("network"),
        _("merged duplicates"),
    ]


def rows(summary: SessionSummary) -> list[list[Any]]:
    """The synthesis as rows: human labels only (option texts, labelled scale points, tag names)."""
    out: list[list[Any]] = []
    for step in summary.steps:
        for item in step.items:
            out.append(
                [
                    step.order,
                    step.prompt,
                    item.text,
                    "",
                    item.theme,
                    ", ".join(item.tag_labels),
                    item.organisation,
                    item.network,
                    item.merged,
                ]
            )
        for label, count in step.counts.items():
            out.append([step.order, step.prompt, label, count, "", "", "", "", ""])
        for network, counts in step.by_network.items():
            for label, count in counts.items():
                out.append([step.order, step.prompt, label, count, "", "", "", network, ""])
        if step.letters:
            note = ngettext(
                "%(n)s letter, %(shared)s shared", "%(n)s letters, %(shared)s shared", step.letters
            ) % {
                "n": step.letters,
                "shared": step.letters_shared,
            }
            out.append([step.order, step.prompt, note, "", "", "", "", "", ""])
    return out


def as_csv(summary: SessionSummary) -> str:
    return exports.csv_text(header(), rows(summary))


def as_xlsx(summary: SessionSummary) -> bytes:
    return exports.xlsx_bytes([exports.Sheet(_("synthesis"), [header(), *rows(summary)])])
