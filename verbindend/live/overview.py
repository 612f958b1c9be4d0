"""The sessions tab of a network, and the task to join a session that is running today."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbindend.core import home, navigation
from verbindend.core.navigation import Tab


def connect() -> None:
    navigation.register(
        Tab(
            "sessions",
            gettext_lazy("Sessions"),
            "live:network",
            "sessions.view",
            ("live:",),
            order=50,
        )
    )
    home.register("live.today", sessions_today)
    from verbindend.core import panels

    panels.register("live", organisation_panel)
    from verbindend.notices import kinds

    kinds.register(
        "session.offered", gettext_lazy("A network offers a live session to your study"), order=12
    )


def sessions_today(user: Any) -> Iterator[home.Task]:
    """Open sessions of the user's networks that run now or are planned for today: runners get
    the console (and see those planned in the coming week), members the phone page."""
    from django.db.models import Q
    from django.urls import reverse
    from django.utils.formats import date_format

    from verbindend.core import policy
    from verbindend.live.models import LiveSession, State

    today = timezone.localdate()
    sessions = (
        LiveSession.objects.visible_to(user)
        .filter(network__isnull=False, closed_at__isnull=True)
        .exclude(state=State.CLOSED)
        .filter(
            Q(state=State.RUNNING)
            | Q(planned_for__gte=today, planned_for__lte=today + timedelta(days=7))
            | Q(planned_for__isnull=True, created_at__date__gte=today - timedelta(days=14))
        )
        .select_related("network")
        .order_by("planned_for", "-created_at")[:10]
    )
    for session in sessions:
        running = session.state == State.RUNNING
        today_or_now = running or session.planned_for == today
        where = session.network.name if session.network else ""
        if policy.can(user, "sessions.run", session):
            if running:
                detail = _("Running now.")
            elif session.planned_for and session.planned_for > today:
                detail = _("Planned for %(day)s.") % {
                    "day": date_format(session.planned_for, "DATE_FORMAT")
                }
            else:
                detail = _("Waiting in the lobby.")
            yield home.Task(
                kind="session",
                title=_("Session “%(title)s”") % {"title": session.title},
                where=where,
                url=reverse("live:console", args=[session.pk]),
                action=_("Open the console"),
                detail=detail,
                due=session.planned_for,
                order=5 if today_or_now else 30,
            )
        elif today_or_now and policy.can(user, "contribute", session):
            yield home.Task(
                kind="session",
                title=(
                    _("Session “%(title)s” is running")
                    if running
                    else _("Session “%(title)s” today")
                )
                % {"title": session.title},
                where=where,
                url=reverse("live:phone", args=[session.public_id]),
                action=_("Join the session"),
                detail="" if running else _("Join now and wait in the lobby until it starts."),
                due=session.planned_for,
                order=5,
            )


KEY_FIGURE = "interview.key_figure"


def organisation_panel(user: Any, network: Any, organisation: Any) -> Any:
    """What the organisation's people said it took home, in their own words.

    A text is shown under the organisation's name only where the session's synthesis may credit
    it (the disclosure engine: its group beside everyone who answered that step), so a small
    organisation's answer is never pinned to it here either. A key-figure interview speaks for
    one person of one organisation; only those who run sessions read it here. Private letters
    and hidden contributions never show.
    """
    from verbindend.core import disclosure, policy
    from verbindend.core.panels import Panel
    from verbindend.live.models import Contribution, StepKind

    if not policy.can(user, "sessions.view", network):
        return None
    interviews_too = policy.can(user, "sessions.run", network)
    answers = (
        Contribution.objects.filter(
            session__network=network,
            hidden=False,
            merged_into__isnull=True,
            step__kind__in=[StepKind.SENTENCE_COMPLETION, StepKind.OPEN_ANSWER],
        )
        .exclude(text="")
        .select_related("session", "step")
        .order_by("-session__created_at", "sequence")
    )
    by_session: dict[int, list[Any]] = {}
    for c in answers:
        by_session.setdefault(c.session_id, []).append(c)
    said: list[Any] = []
    name = organisation.name.casefold()
    for contributions in by_session.values():
        session = contributions[0].session
        credit = {
            org.casefold(): steps
            for org, steps in disclosure.attributable(session, contributions).items()
        }
        for c in contributions:
            if c.organisation_name.casefold() != name:
                continue
            if c.step.content_key.startswith(KEY_FIGURE):
                if interviews_too:
                    said.append(c)
            elif c.step_id in credit.get(name, ()):
                said.append(c)
    return Panel(
        "sessions",
        gettext_lazy("What it took home, in its own words"),
        "live/organisation_panel.html",
        {"said": said[:30]},
        order=20,
    )
