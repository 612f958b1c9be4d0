"""Where the learning log meets the rest of the network's data: the scan's results page links
each principle to the learning goals and log entries that serve it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbindend.learninglog.models import Entry, LearningGoal

LIMIT = 20


def for_principle(network: Any, principle_key: str) -> list[Any]:
    from verbindend.scan.links import Link

    links: list[Link] = [
        Link(title=goal.title, url=goal.get_absolute_url(), kind=_("Learning goal"))
        for goal in LearningGoal.objects.filter(network=network)
        if principle_key in goal.principles
    ]
    entries = Entry.objects.filter(network=network).select_related("goal")
    for entry in entries.order_by("-happened_on", "-pk"):
        if len(links) >= LIMIT:
            break
        if principle_key in entry.principles or (
            entry.goal is not None and principle_key in entry.goal.principles
        ):
            links.append(
                Link(
                    title=f"{entry.title} ({entry.happened_on:%Y-%m})",
                    url=entry.get_absolute_url(),
                    kind=_("Learning log entry"),
                )
            )
    return links[:LIMIT]


def connect() -> None:
    from verbindend.scan import links

    links.register("learninglog", for_principle)

    from verbindend.core import home, navigation
    from verbindend.notices import kinds

    navigation.register(
        navigation.Tab(
            "log",
            gettext_lazy("Learning log"),
            "learninglog:network",
            "learninglog.view",
            ("learninglog:",),
            order=70,
        )
    )
    home.register("learninglog.goals", goals_to_revisit)
    from verbindend.core import panels

    panels.register("learninglog", organisation_panel)
    panels.register_network("learninglog.milestones", milestones_panel)
    home.register("learninglog.milestones", milestones_to_celebrate)
    kinds.register(
        "milestone.reached", gettext_lazy("A change is anchored or a goal reached"), order=30
    )


REVISIT_AFTER_DAYS = 90


def goals_to_revisit(user: Any) -> Iterator[Any]:
    """Active goals nobody looked back at for three months, for those who keep the log."""
    from datetime import timedelta

    from django.db.models import Max
    from django.utils import timezone

    from verbindend.core import home, policy
    from verbindend.learninglog.models import GoalStatus

    cutoff = timezone.localdate() - timedelta(days=REVISIT_AFTER_DAYS)
    goals = (
        LearningGoal.objects.visible_to(user)
        .filter(status=GoalStatus.ACTIVE)
        .annotate(last=Max("revisits__on"))
        .select_related("network")
    )
    for goal in goals:
        if goal.last is not None and goal.last > cutoff:
            continue
        if goal.last is None and goal.created_at.date() > cutoff:
            continue
        if not policy.can(user, "learninglog.manage", goal.network):
            continue
        yield home.Task(
            kind="goal",
            title=_("Look back at the learning goal “%(goal)s”") % {"goal": goal.title},
            where=goal.network.name,
            url=goal.get_absolute_url(),
            action=_("Revisit the goal"),
            detail=_("Last looked at on %(day)s.") % {"day": date_format(goal.last, "DATE_FORMAT")}
            if goal.last
            else _("Not looked back at yet."),
            order=40,
        )


def milestones_to_celebrate(user: Any) -> Iterator[Any]:
    """A milestone not yet put on a session's agenda, for those who run sessions."""
    from django.urls import reverse

    from verbindend.core import home, policy
    from verbindend.learninglog.models import Milestone

    for milestone in (
        Milestone.objects.visible_to(user).to_celebrate().select_related("network")[:5]
    ):
        if not policy.can(user, "sessions.run", milestone.network):
            continue
        yield home.Task(
            kind="milestone",
            title=_("Celebrate: %(title)s") % {"title": milestone.title},
            where=milestone.network.name,
            url=reverse("learninglog:celebrate", args=[milestone.pk]),
            action=_("Celebrate in the next session"),
            detail=_("Reached on %(day)s.")
            % {"day": date_format(milestone.reached_on, "DATE_FORMAT")},
            order=30,
            method="post",
        )


def organisation_panel(user: Any, network: Any, organisation: Any) -> Any:
    """Log entries and milestones that name the organisation."""
    from django.db.models import Q

    from verbindend.core import policy
    from verbindend.core.panels import Panel
    from verbindend.learninglog.models import EntryStatus

    if not policy.can(user, "learninglog.view", network):
        return None
    name = organisation.name
    entries = (
        Entry.objects.filter(network=network, status=EntryStatus.RECORDED)
        .filter(
            Q(title__icontains=name)
            | Q(evidence_learned__icontains=name)
            | Q(evidence_shared__icontains=name)
            | Q(evidence_behaviour__icontains=name)
            | Q(evidence_anchored__icontains=name)
        )
        .order_by("-happened_on", "-pk")[:20]
    )
    return Panel(
        "learninglog",
        gettext_lazy("Log entries that name it"),
        "learninglog/organisation_panel.html",
        {"entries": list(entries)},
        order=30,
    )


MILESTONES_SHOWN = 6


def milestones_panel(user: Any, network: Any) -> Any:
    """The network's milestones on its main page: those still to celebrate first, then the most
    recent celebrated ones; those who run sessions put one on the next session's agenda."""
    from verbindend.core import policy
    from verbindend.core.panels import Panel
    from verbindend.learninglog.models import Milestone
    from verbindend.live.models import LiveSession, State

    if not policy.can(user, "learninglog.view", network):
        return None
    mine = Milestone.objects.filter(network=network).select_related("entry", "goal")
    waiting = list(mine.to_celebrate().order_by("-reached_on", "-pk")[:MILESTONES_SHOWN])
    celebrated = list(
        mine.filter(celebrated_at__isnull=False).order_by("-celebrated_at", "-pk")[
            : max(MILESTONES_SHOWN - len(waiting), 2)
        ]
    )
    if not waiting and not celebrated:
        return None
    can_celebrate = policy.can(user, "sessions.run", network)
    next_session = (
        LiveSession.objects.filter(network=network, state=State.LOBBY)
        .order_by("-created_at")
        .first()
        if can_celebrate
        else None
    )
    return Panel(
        "milestones",
        gettext_lazy("Milestones to celebrate"),
        "learninglog/milestones_panel.html",
        {
            "network": network,
            "waiting": waiting,
            "celebrated": celebrated,
            "can_celebrate": can_celebrate,
            "next_session": next_session,
        },
        order=10,
    )
