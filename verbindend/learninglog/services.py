"""Writes and the method's reading of the log: progression, next steps, one-click entries.

Views call these with objects they fetched through the policy layer; the functions here check
what depends on the object itself (e.g. a member edits only their own entries).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from verbindend.core import policy
from verbindend.core.errors import DomainError
from verbindend.learninglog.models import (
    CONDITIONS,
    Carrier,
    Entry,
    EntryStatus,
    GoalRevisit,
    GoalStatus,
    LearningGoal,
    Milestone,
    Progress,
)
from verbindend.method import content

if TYPE_CHECKING:
    from verbindend.accounts.models import User
    from verbindend.historyline.models import Moment
    from verbindend.live.models import Contribution

#: What to do next, by the number of conditions an entry has reached (0–4).
NEXT_STEPS: tuple[str, ...] = (
    "condition.learned.next",
    "condition.shared.next",
    "condition.collective_behaviour.next",
    "condition.anchored.next",
    "condition.anchored.keep",
)
TITLE_MAX = 200


# -- permissions that depend on the object ------------------------------------------------------


# -- the four conditions -------------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionRow:
    key: str
    number: int
    evidence: str
    has_evidence: bool
    reached: bool  # counts only when every earlier condition has evidence too


def conditions_of(entry: Entry) -> list[ConditionRow]:
    reached = entry.compute_reached()
    return [
        ConditionRow(
            key=key,
            number=i + 1,
            evidence=text,
            has_evidence=bool(text.strip()),
            reached=i < reached,
        )
        for i, (key, text) in enumerate(zip(CONDITIONS, entry.evidence(), strict=True))
    ]


def next_step_key(entry: Entry) -> str:
    """The content key of what to do or ask to reach the next condition."""
    return NEXT_STEPS[entry.compute_reached()]


def gap_warning(entry: Entry) -> int | None:
    """The first missing condition when a later one has evidence (the conditions hold in turn)."""
    rows = conditions_of(entry)
    reached = entry.compute_reached()
    if any(row.has_evidence for row in rows[reached:]):
        return reached + 1
    return None


def condition_counts(entries: Any) -> list[tuple[str, int]]:
    """How many of these entries reached each condition (reaching 3 also counts for 1 and 2)."""
    found = entries.order_by().aggregate(
        **{f"c{i}": Count("pk", filter=Q(reached__gt=i)) for i in range(len(CONDITIONS))}
    )
    return [(key, found[f"c{i}"] or 0) for i, key in enumerate(CONDITIONS)]


# -- entries ------------------------------------------------------------------------------------


def save_entry(*, entry: Entry, network: Any, user: Any) -> Entry:
    """Validate and store a new or changed entry (the form has filled in its fields)."""
    entry.network = network
    if entry.pk is None:
        entry.created_by = user
    if entry.goal_id and entry.goal and entry.goal.network_id != network.pk:
        raise DomainError("log.goal_elsewhere", _("That learning goal belongs to another network."))
    entry.full_clean()
    entry.save()
    note_entry_milestone(entry)
    return entry


def record(*, entry: Entry) -> Entry:
    """A draft becomes a recorded entry."""
    entry.status = EntryStatus.RECORDED
    entry.save(update_fields=["status", "updated_at"])
    note_entry_milestone(entry)
    return entry


def _first_line(text: str) -> str:
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line if len(line) <= TITLE_MAX else line[: TITLE_MAX - 1] + "…"


def _keys(values: list[Any], kind: str) -> list[str]:
    return [str(v) for v in values if content.exists(str(v)) and content.get(str(v)).kind == kind]


def _create_once(user: Any, lookup: dict[str, Any], fields: dict[str, Any]) -> tuple[Entry, bool]:
    """One entry per source and person: a second click returns the first entry."""
    existing = Entry.objects.filter(created_by=user, **lookup).first()
    if existing is not None:
        return existing, False
    people = fields.pop("people", [])
    organisations = fields.pop("organisations", [])
    try:
        with transaction.atomic():
            entry = Entry(created_by=user, status=EntryStatus.DRAFT, **lookup, **fields)
            entry.full_clean()
            entry.save()
    except IntegrityError:  # the same person clicked twice at the same moment
        return Entry.objects.get(created_by=user, **lookup), False
    entry.people.set(people)
    entry.organisations.set(organisations)
    return entry, True


def contribution_label(contribution: Contribution) -> str:
    from verbindend.live.synthesis import step_prompt

    label = _("Live session “%(session)s”: %(prompt)s") % {
        "session": contribution.session.title,
        "prompt": step_prompt(contribution.step),
    }
    return label[:300]


def moment_label(moment: Moment) -> str:
    label = _("History line “%(exercise)s”, %(who)s") % {
        "exercise": moment.line.exercise.title,
        "who": moment.line,
    }
    return label[:300]


def source_title(entry: Entry) -> str:
    """The source in the reader's language while it exists; the stored label once it is gone."""
    if entry.source_contribution is not None:
        return contribution_label(entry.source_contribution)
    if entry.source_moment is not None:
        return moment_label(entry.source_moment)
    return entry.source_label


def entry_from_contribution(*, contribution: Contribution, user: User) -> tuple[Entry, bool]:
    """A draft entry pre-filled from a live-session contribution, linked back to it."""
    from verbindend.networks.models import Person

    session = contribution.session
    network = session.network
    if network is None:
        raise DomainError(
            "log.no_network",
            _("This session belongs to a study, not to a network: it has no learning log."),
        )
    policy.require(user, "learninglog.add", network)
    if contribution.is_private:
        raise DomainError(
            "log.private", _("A private letter cannot become a log entry."), status=403
        )
    text = contribution.text.strip()
    if not text:
        raise DomainError("log.no_text", _("This answer has no text to start an entry from."))
    participant = contribution.participant
    people: list[Any] = []
    organisations: list[Any] = []
    if participant is not None:
        if participant.user_id:
            people = list(Person.objects.filter(network=network, user_id=participant.user_id))
        if participant.organisation and network.memberships.filter(
            organisation=participant.organisation
        ):
            organisations = [participant.organisation]
    tags = list(contribution.tags or [])
    fields: dict[str, Any] = {
        "network": network,
        "title": _first_line(text),
        "change": text,
        "happened_on": timezone.localdate(contribution.created_at),
        "levels": _keys(tags, "level"),
        "knowledge_types": _keys(tags, "knowledge_type"),
        "principles": _keys(tags, "principle"),
        "source_label": contribution_label(contribution),
        "people": people,
        "organisations": organisations,
    }
    return _create_once(user, {"source_contribution": contribution}, fields)


def entry_from_moment(*, moment: Moment, user: User) -> tuple[Entry, bool]:
    """A draft entry pre-filled from a history-line moment, linked back to it."""
    line = moment.line
    exercise = line.exercise
    network = exercise.network
    if network is None:
        raise DomainError(
            "log.no_network",
            _("This exercise belongs to a study, not to a network: it has no learning log."),
        )
    policy.require(user, "learninglog.add", network)
    parts = [moment.story]
    for label, answer in (
        (_("Peaks"), moment.answer_peaks),
        (_("Out of the valley"), moment.answer_valleys),
        (_("Red thread"), moment.answer_red_thread),
    ):
        if answer.strip():
            parts.append(f"{label}: {answer.strip()}")
    fields: dict[str, Any] = {
        "network": network,
        "title": _first_line(moment.title) or _("History-line moment"),
        "change": "\n\n".join(p.strip() for p in parts if p.strip()),
        "happened_on": moment.on,
        "levels": _keys([moment.level], "level"),
        "knowledge_types": _keys([moment.knowledge], "knowledge_type"),
        "principles": _keys([moment.principle], "principle"),
        "source_label": moment_label(moment),
        "people": [line.person] if line.person and line.person.network_id == network.pk else [],
        "organisations": (
            [line.organisation]
            if line.organisation and network.memberships.filter(organisation=line.organisation)
            else []
        ),
    }
    return _create_once(user, {"source_moment": moment}, fields)


def source_url(entry: Entry, user: Any) -> str:
    """Where the entry came from, if the user may open it."""
    if entry.source_contribution_id:
        session = entry.source_contribution.session  # type: ignore[union-attr]
        if policy.can(user, "sessions.view", session):
            from django.urls import reverse

            return reverse("live:synthesis", args=[session.pk])
    if entry.source_moment_id:
        exercise = entry.source_moment.line.exercise  # type: ignore[union-attr]
        if policy.can(user, "historyline.view", exercise):
            from django.urls import reverse

            return reverse("historyline:together", args=[exercise.pk])
    return ""


# -- goals --------------------------------------------------------------------------------------


def delete_entry(*, entry: Entry) -> None:
    entry.delete()


def save_goal(*, goal: LearningGoal, network: Any, user: Any) -> LearningGoal:
    goal.network = network
    if goal.pk is None:
        goal.created_by = user
    goal.full_clean()
    goal.save()
    note_goal_milestone(goal)
    return goal


def add_revisit(
    *, goal: LearningGoal, on: date, progress: str, note: str, user: Any
) -> GoalRevisit:
    revisit = GoalRevisit(goal=goal, on=on, progress=progress, note=note, created_by=user)
    revisit.full_clean()
    revisit.save()
    note_goal_milestone(goal)
    return revisit


# -- carriers -----------------------------------------------------------------------------------


def save_carrier(*, carrier: Carrier, network: Any) -> Carrier:
    carrier.network = network
    if carrier.person_id and carrier.person and carrier.person.network_id != network.pk:
        raise DomainError("log.person_elsewhere", _("That person belongs to another network."))
    carrier.full_clean()
    carrier.save()
    return carrier


# -- milestones -----------------------------------------------------------------------------------


def delete_carrier(*, carrier: Carrier) -> None:
    carrier.delete()


def _announce_milestone(milestone: Milestone) -> None:
    from verbindend.networks.services import users_of
    from verbindend.notices.services import notify

    network = milestone.network
    notify(
        recipients=users_of(network),
        kind="milestone.reached",
        title=lambda: (
            _("A milestone in %(network)s: %(title)s")
            % {"network": network.name, "title": milestone.title}
        ),
        body=lambda: _("Name it and celebrate it: the next session can start with it."),
        url=milestone.get_absolute_url(),
        where=network.name,
    )


def note_entry_milestone(entry: Entry) -> Milestone | None:
    """An entry that reached "anchored" becomes a milestone, once."""
    if entry.reached < len(CONDITIONS) or entry.status != EntryStatus.RECORDED:
        return None
    milestone, created = Milestone.objects.get_or_create(
        entry=entry, defaults={"network": entry.network, "title": entry.title[:200]}
    )
    if created:
        _announce_milestone(milestone)
    return milestone


def note_goal_milestone(goal: LearningGoal) -> Milestone | None:
    """A goal that was reached becomes a milestone, once."""
    reached = (
        goal.status == GoalStatus.REACHED
        or goal.revisits.filter(progress=Progress.REACHED).exists()
    )
    if not reached:
        return None
    milestone, created = Milestone.objects.get_or_create(
        goal=goal,
        defaults={
            "network": goal.network,
            "title": (_("Goal reached: %(goal)s") % {"goal": goal.title})[:200],
        },
    )
    if created:
        _announce_milestone(milestone)
    return milestone


def celebrate(*, milestone: Milestone, user: Any) -> Any:
    """Put the milestone on the agenda of the network's next session (one still in its lobby)."""
    from verbindend.live import services as live_services
    from verbindend.live.models import LiveSession, State, StepKind

    session = (
        LiveSession.objects.filter(network=milestone.network, state=State.LOBBY)
        .order_by("-created_at")
        .first()
    )
    if session is None:
        raise DomainError(
            "log.no_session",
            _(
                "There is no session waiting in its lobby. Prepare the next session first; "
                "then the milestone can be put on its agenda with one click."
            ),
            status=409,
        )
    prompt = _("We celebrate: %(title)s. What made it possible, and who do we thank?") % {
        "title": milestone.title
    }
    step = live_services.add_step(session=session, kind=StepKind.OPEN_ANSWER, prompt=prompt[:1000])
    milestone.celebrated_at = timezone.now()
    milestone.celebrate_in = session.title[:200]
    milestone.save(update_fields=["celebrated_at", "celebrate_in"])
    return step
