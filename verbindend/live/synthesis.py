"""The synthesis of a session: themes, tags and counts, read by exports and the analysis workbench.

Private letters are counted, never shown: only letters their authors shared carry text here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import ngettext

from verbindend.core import disclosure, exports
from verbindend.live.models import (
    AGGREGATE_KINDS,
    Contribution,
    LiveSession,
    Step,
    StepKind,
    Synthesis,
)
from verbindend.method import content


@dataclass(frozen=True)
class Item:
    id: int
    text: str
    theme: str
    tags: tuple[str, ...]
    organisation: str
    merged: int  # how many duplicates were merged into this one


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
    counts: dict[str, int]  # aggregates of scale, choice and dot-vote steps
    letters: int = 0
    letters_shared: int = 0


@dataclass(frozen=True)
class SessionSummary:
    session_id: int
    title: str
    participants: int
    contributions: int
    letters: int
    steps: tuple[StepSummary, ...] = field(default_factory=tuple)

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
    labels = []
    for item in step.options.get("items", []):
        if content.exists(str(item)):
            node = content.get(str(item))
            labels.append(node.text("title", lang) if node.has("title") else str(item))
        else:
            labels.append(str(item))
    return labels


def aggregate(step: Step, contributions: list[Contribution]) -> dict[str, int]:
    """Counts only: scale points, chosen options, dots per answer."""
    counts: Counter[str] = Counter()
    if step.kind == StepKind.SCALE:
        for c in contributions:
            counts[str(c.value.get("scale"))] += 1
    elif step.kind == StepKind.CHOICE:
        labels = option_labels(step)
        for c in contributions:
            for index in c.value.get("choices", []):
                if 0 <= index < len(labels):
                    counts[labels[index]] += 1
    elif step.kind == StepKind.DOT_VOTE:
        for c in contributions:
            for target in c.value.get("dots", []):
                counts[str(target)] += 1
    return dict(counts)


def session_summary(session: LiveSession) -> SessionSummary:
    steps = list(session.steps.order_by("order", "pk"))
    everything = list(
        Contribution.objects.filter(session=session).select_related("theme").order_by("sequence")
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
        shown = [
            c
            for c in mine
            if c.merged_into_id is None
            and (step.kind != StepKind.FAREWELL_LETTER or c.shared)
            and step.kind not in AGGREGATE_KINDS
        ]
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
                        text=c.text,
                        theme=c.theme.name if c.theme else "",
                        tags=tuple(c.tags),
                        organisation=c.organisation_name
                        if c.step_id in credit.get(c.organisation_name, ())
                        else "",
                        merged=merged_counts.get(c.pk, 0),
                    )
                    for c in shown
                ),
                themes=dict(Counter(c.theme.name for c in shown if c.theme)),
                tags=dict(Counter(t for c in shown for t in c.tags)),
                counts=aggregate(step, mine) if step.kind in AGGREGATE_KINDS else {},
                letters=letters,
                letters_shared=shared,
            )
        )
    return SessionSummary(
        session_id=session.pk,
        title=session.title,
        participants=session.participants.count(),
        contributions=sum(s.answers for s in summaries),
        letters=letters_total,
        steps=tuple(summaries),
    )


def save(*, session: LiveSession, notes: str, user: Any) -> Synthesis:
    synthesis, _created = Synthesis.objects.update_or_create(
        session=session,
        defaults={
            "notes": notes[:10000],
            "snapshot": session_summary(session).as_dict(),
            "saved_by": user,
        },
    )
    from verbindend.live.material import send_to_study

    send_to_study(session=session, user=user)
    return synthesis


HEADER = ("step", "prompt", "answer", "theme", "tags", "organisation", "merged_duplicates")


def rows(summary: SessionSummary) -> list[list[Any]]:
    out: list[list[Any]] = []
    for step in summary.steps:
        for item in step.items:
            out.append(
                [
                    step.order,
                    step.prompt,
                    item.text,
                    item.theme,
                    " ".join(item.tags),
                    item.organisation,
                    item.merged,
                ]
            )
        for label, count in step.counts.items():
            out.append([step.order, step.prompt, f"{label}: {count}", "", "", "", 0])
        if step.letters:
            note = ngettext(
                "%(n)s letter, %(shared)s shared", "%(n)s letters, %(shared)s shared", step.letters
            ) % {
                "n": step.letters,
                "shared": step.letters_shared,
            }
            out.append([step.order, step.prompt, note, "", "", "", 0])
    return out


def as_csv(summary: SessionSummary) -> str:
    return exports.csv_text(HEADER, rows(summary))


def as_xlsx(summary: SessionSummary) -> bytes:
    return exports.xlsx_bytes([exports.Sheet("synthesis", [list(HEADER), *rows(summary)])])
