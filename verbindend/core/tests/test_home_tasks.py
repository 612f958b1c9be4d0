"""The overview's tasks from the learning log and the reports: a goal to look back at, a
milestone to celebrate, a report that is ready; each for those who can act on it only."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from verbindend.core import home
from verbindend.learninglog.models import GoalRevisit, LearningGoal, Progress
from verbindend.learninglog.tests.test_milestones import anchored
from verbindend.reports.models import ReportKind, ReportStatus, ReportVersion
from verbindend.testing.personas import Personas


def tasks(user, kind: str) -> list[home.Task]:  # type: ignore[no-untyped-def]
    return [t for t in home.tasks_for(user) if t.kind == kind]


def overview(user) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client.get("/overview/").content.decode()


def test_a_goal_nobody_looked_back_at_for_three_months_waits_for_its_keepers(
    personas: Personas,
) -> None:
    p = personas
    goal = LearningGoal.objects.create(network=p.network, title="Eén intake")
    LearningGoal.objects.filter(pk=goal.pk).update(created_at=timezone.now() - timedelta(days=120))
    assert [t.title for t in tasks(p.coordinator, "goal")] == [
        "Look back at the learning goal “Eén intake”"
    ]
    assert "Look back at the learning goal" in overview(p.coordinator)
    assert tasks(p.member, "goal") == []  # may read the log, not keep it
    assert tasks(p.other_coordinator, "goal") == []
    GoalRevisit.objects.create(goal=goal, progress=Progress.SOME)
    assert tasks(p.coordinator, "goal") == []  # looked back at today


def test_a_new_goal_waits_three_months_before_it_asks_for_a_look_back(
    personas: Personas,
) -> None:
    LearningGoal.objects.create(network=personas.network, title="Vers")
    assert tasks(personas.coordinator, "goal") == []


def test_a_milestone_waits_for_those_who_run_sessions_until_it_is_celebrated(
    personas: Personas,
) -> None:
    p = personas
    anchored(p)
    waiting = tasks(p.coordinator, "milestone")
    assert [t.title for t in waiting] == ["Celebrate: Eén intakefiche"]
    assert waiting[0].method == "post"
    assert "Celebrate: Eén intakefiche" in overview(p.facilitator)
    assert tasks(p.member, "milestone") == []
    assert tasks(p.other_coordinator, "milestone") == []
    from verbindend.learninglog.models import Milestone

    Milestone.objects.update(celebrated_at=timezone.now())
    assert tasks(p.coordinator, "milestone") == []


def test_a_report_that_is_ready_waits_a_week_for_those_who_may_read_it(
    personas: Personas,
) -> None:
    p = personas
    version = ReportVersion.objects.create(
        kind=ReportKind.NETWORK,
        network=p.network,
        requested_by=p.coordinator,
        status=ReportStatus.RUNNING,
    )
    assert tasks(p.coordinator, "report") == []  # not ready yet
    version.status = ReportStatus.DONE
    version.finished_at = timezone.now()
    version.save()
    ready = tasks(p.coordinator, "report")
    assert len(ready) == 1 and ready[0].url == version.get_absolute_url()
    assert "A new report is ready" in overview(p.coordinator)
    assert tasks(p.other_coordinator, "report") == []
    version.finished_at = timezone.now() - timedelta(days=30)
    version.save()
    assert tasks(p.coordinator, "report") == []  # a month old: no longer news
