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


def sessions_today(user: Any) -> Iterator[home.Task]:
    """A session of the user's network that is open: runners get its console (lobby or running),
    members the phone page while it runs."""
    from django.urls import reverse

    from verbindend.core import policy
    from verbindend.live.models import LiveSession, State

    today = timezone.localdate()
    sessions = (
        LiveSession.objects.visible_to(user)
        .filter(network__isnull=False, closed_at__isnull=True)
        .exclude(state=State.CLOSED)
        .filter(created_at__date__gte=today - timedelta(days=14))
        .select_related("network")[:5]
    )
    for session in sessions:
        running = session.state == State.RUNNING
        if policy.can(user, "sessions.run", session):
            yield home.Task(
                kind="session",
                title=_("Session “%(title)s”") % {"title": session.title},
                where=session.network.name if session.network else "",
                url=reverse("live:console", args=[session.pk]),
                action=_("Open the console"),
                detail=_("Running now.") if running else _("Waiting in the lobby."),
                order=5,
            )
        elif running and policy.can(user, "contribute", session):
            yield home.Task(
                kind="session",
                title=_("Session “%(title)s” is running") % {"title": session.title},
                where=session.network.name if session.network else "",
                url=reverse("live:phone", args=[session.public_id]),
                action=_("Join the session"),
                order=5,
            )


def organisation_panel(user: Any, network: Any, organisation: Any) -> Any:
    """What the organisation's people said it took home: sentence completions and key-figure
    answers given under its name (never private letters, never hidden contributions)."""
    from verbindend.core import policy
    from verbindend.core.panels import Panel
    from verbindend.live.models import Contribution, StepKind

    if not policy.can(user, "sessions.view", network):
        return None
    said = (
        Contribution.objects.filter(
            session__network=network,
            organisation_name__iexact=organisation.name,
            hidden=False,
            merged_into__isnull=True,
        )
        .filter(
            step__kind__in=[StepKind.SENTENCE_COMPLETION, StepKind.OPEN_ANSWER],
        )
        .exclude(text="")
        .select_related("session", "step")
        .order_by("-session__created_at", "sequence")[:30]
    )
    return Panel(
        "sessions",
        gettext_lazy("What it took home, in its own words"),
        "live/organisation_panel.html",
        {"said": list(said)},
        order=20,
    )
