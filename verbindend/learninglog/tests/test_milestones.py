"""Milestones: an anchored change or a reached goal, in the report, celebrated in one click."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from verbindend.learninglog import services
from verbindend.learninglog.models import Entry, EntryStatus, LearningGoal, Milestone
from verbindend.learninglog.report_sections import milestones
from verbindend.live import services as live_services
from verbindend.live.models import LiveSession, State
from verbindend.reports.sections import ReportRequest
from verbindend.testing.personas import Personas


def anchored(p: Personas) -> Entry:
    entry = Entry(
        title="Eén intakefiche",
        status=EntryStatus.RECORDED,
        evidence_learned="a",
        evidence_shared="b",
        evidence_behaviour="c",
        evidence_anchored="d",
    )
    return services.save_entry(entry=entry, network=p.network, user=p.coordinator)


def test_a_draft_or_an_unanchored_entry_is_no_milestone(personas: Personas) -> None:
    p = personas
    entry = Entry(title="Half", status=EntryStatus.RECORDED, evidence_learned="a")
    services.save_entry(entry=entry, network=p.network, user=p.coordinator)
    draft = Entry(
        title="Ontwerp",
        status=EntryStatus.DRAFT,
        evidence_learned="a",
        evidence_shared="b",
        evidence_behaviour="c",
        evidence_anchored="d",
    )
    services.save_entry(entry=draft, network=p.network, user=p.coordinator)
    assert not Milestone.objects.exists()
    services.record(entry=draft)
    assert Milestone.objects.get().entry == draft


def test_the_report_shows_milestones_of_its_period(personas: Personas) -> None:
    p = personas
    anchored(p)
    LearningGoal.objects.create(network=p.network, title="Doel", status="reached")
    services.note_goal_milestone(LearningGoal.objects.get(title="Doel"))
    today = timezone.localdate()
    shown = milestones(ReportRequest(network=p.network, start=today, end=today))
    assert [m["title"] for m in shown["milestones"]] == ["Eén intakefiche", "Goal reached: Doel"]
    earlier = milestones(ReportRequest(network=p.network, end=today.replace(year=today.year - 1)))
    assert earlier["milestones"] == []


def test_celebrate_puts_the_milestone_on_the_next_session_in_one_click(
    personas: Personas,
) -> None:
    p = personas
    anchored(p)
    milestone = Milestone.objects.get()
    url = reverse("learninglog:celebrate", args=[milestone.pk])
    client = Client()
    client.force_login(p.facilitator)
    refused = client.post(url)
    assert refused.status_code == 409  # no session waits in its lobby yet
    session = live_services.create_session(
        creator=p.facilitator, template="focus_group", network=p.network
    )
    steps = session.steps.count()
    assert client.post(url, {"next": "/overview/"})["Location"] == "/overview/"
    assert session.steps.count() == steps + 1
    last = session.steps.order_by("-order").first()
    assert last is not None and "Eén intakefiche" in last.prompt
    milestone.refresh_from_db()
    assert milestone.celebrated_at is not None and milestone.celebrate_in == session.title
    LiveSession.objects.filter(pk=session.pk).update(state=State.CLOSED)


def test_members_and_other_networks_cannot_celebrate(personas: Personas) -> None:
    p = personas
    anchored(p)
    url = reverse("learninglog:celebrate", args=[Milestone.objects.get().pk])
    for user, status in ((p.member, 403), (p.other_coordinator, 404)):
        client = Client()
        client.force_login(user)
        assert client.post(url).status_code == status
    assert Milestone.objects.get().celebrated_at is None
