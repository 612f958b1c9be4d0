"""The log's pages: overview with counts, filters and pages; entries, goals and their forms."""

from __future__ import annotations

from datetime import date, timedelta

from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from verbindend.learninglog.integrations import for_principle
from verbindend.learninglog.models import Entry, EntryStatus, GoalRevisit, LearningGoal
from verbindend.learninglog.tests.conftest import World
from verbindend.scan.links import links_for
from verbindend.testing.personas import build


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def log_url(w: World) -> str:
    return reverse("learninglog:network", args=[w.p.network.slug])


def test_the_overview_counts_entries_per_condition(world: World) -> None:
    world.other_entry.evidence_learned = "a"
    world.other_entry.evidence_shared = "b"
    world.other_entry.save()
    response = client_for(world.p.observer).get(log_url(world))
    counts = [n for _i, _key, n in response.context["counts"]]
    assert counts == [2, 1, 0, 0]
    html = response.content.decode()
    assert "Share what was learned" in html  # the member's entry: next step after condition 1
    assert "Note a change" not in html  # observers read only


def test_filters_narrow_the_list_and_bad_values_are_ignored(world: World) -> None:
    world.entry.levels = ["level.network"]
    world.entry.knowledge_types = ["knowledge.social"]
    world.entry.save()
    client = client_for(world.p.member)

    def titles(**query: object) -> set[str]:
        response = client.get(log_url(world), query)
        assert response.status_code == 200
        return {row["entry"].title for row in response.context["rows"]}

    both = {"We doen nu samen intakes", "Gedeelde agenda"}
    assert titles() == both
    assert titles(goal=world.goal.pk) == {"We doen nu samen intakes"}
    assert titles(reached=1) == {"We doen nu samen intakes"}
    assert titles(level="level.network") == {"We doen nu samen intakes"}
    assert titles(knowledge="knowledge.social") == {"We doen nu samen intakes"}
    assert titles(knowledge="knowledge.meta") == set()
    assert titles(start="2024-03-02") == {"Gedeelde agenda"}
    assert titles(end="2024-03-01") == {"We doen nu samen intakes"}
    assert titles(goal="drop table", reached="x", start="not a date") == both
    assert titles(reached=1, start="not a date") == {"We doen nu samen intakes"}
    assert titles(goal=world.far_goal.pk) == both  # another network's goal is no choice


def test_empty_states_say_what_to_do(world: World) -> None:
    Entry.objects.filter(network=world.p.network).delete()
    html = client_for(world.p.member).get(log_url(world)).content.decode()
    assert "No changes noted yet" in html and "one click" in html
    LearningGoal.objects.filter(network=world.p.network).delete()
    html = (
        client_for(world.p.coordinator)
        .get(reverse("learninglog:goals", args=[world.p.network.slug]))
        .content.decode()
    )
    assert "No learning goals yet" in html


def test_the_list_is_paged_and_keeps_its_filters(world: World) -> None:
    Entry.objects.bulk_create(
        Entry(network=world.p.network, title=f"Wijziging {i}", happened_on=date(2023, 1, 1))
        for i in range(45)
    )
    client = client_for(world.p.member)
    first = client.get(log_url(world), {"end": "2023-12-31"})
    assert first.context["page"].paginator.num_pages == 3
    assert "end=2023-12-31" in first.content.decode()
    last = client.get(log_url(world), {"end": "2023-12-31", "page": 3})
    assert len(last.context["rows"]) == 5


def test_a_member_notes_a_change_and_records_a_draft(world: World) -> None:
    client = client_for(world.p.member)
    response = client.post(
        reverse("learninglog:entry_create", args=[world.p.network.slug]),
        {
            "title": "We plannen samen",
            "happened_on": "2025-02-01",
            "levels": ["level.network"],
            "goal": world.goal.pk,
            "evidence_learned": "Ann leerde plannen",
            "evidence_behaviour": "te vroeg",
        },
    )
    entry = Entry.objects.get(title="We plannen samen")
    assert response.status_code == 302
    assert entry.created_by == world.p.member and entry.reached == 1
    page = client.get(entry.get_absolute_url()).content.decode()
    assert 'data-testid="gap"' in page  # condition 3 has evidence but 2 does not
    draft, _ = Entry.objects.get_or_create(
        network=world.p.network, title="Ontwerp", created_by=world.p.member, status="draft"
    )
    client.post(
        reverse("learninglog:entry_edit", args=[draft.pk]),
        {"title": "Ontwerp", "happened_on": "2025-02-01", "record": "1"},
    )
    draft.refresh_from_db()
    assert draft.status == EntryStatus.RECORDED


def test_members_do_not_see_the_people_list_in_the_form(world: World) -> None:
    url = reverse("learninglog:entry_create", args=[world.p.network.slug])
    assert "people" not in client_for(world.p.member).get(url).context["form"].fields
    assert "people" in client_for(world.p.coordinator).get(url).context["form"].fields


def test_bad_entry_input_is_refused_and_changes_nothing(world: World) -> None:
    client = client_for(world.p.coordinator)
    url = reverse("learninglog:entry_create", args=[world.p.network.slug])
    before = Entry.objects.count()
    for data in (
        {"title": "", "happened_on": "2025-01-01"},
        {"title": "x", "happened_on": "gisteren"},
        {"title": "x" * 201, "happened_on": "2025-01-01"},
        {"title": "x", "happened_on": "2025-01-01", "levels": ["level.galaxy"]},
        {"title": "x", "happened_on": "2025-01-01", "goal": world.far_goal.pk},
        {"title": "x", "happened_on": "2025-01-01", "people": [world.p.other_person.pk]},
        {"title": "x", "happened_on": "2025-01-01", "anchor_places": ["condition.anchored"]},
        # a member can send these: numbers no database column holds, other digits, no number
        {"title": "x", "happened_on": "2025-01-01", "organisations": ["99999999999999999999"]},
        {"title": "x", "happened_on": "2025-01-01", "organisations": ["-99999999999999999999"]},
        {"title": "x", "happened_on": "2025-01-01", "organisations": ["١٢"]},
        {"title": "x", "happened_on": "2025-01-01", "people": ["1" * 5000]},
        {"title": "x", "happened_on": "2025-01-01", "goal": "99999999999999999999"},
    ):
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert 'class="errorlist' in response.content.decode(), data
    assert Entry.objects.count() == before


def test_a_goal_is_revisited_over_time(world: World) -> None:
    client = client_for(world.p.facilitator)
    url = reverse("learninglog:goal_revisit", args=[world.goal.pk])
    client.post(url, {"on": "2025-01-10", "progress": "some", "note": "Halfweg"})
    client.post(url, {"on": "2025-06-10", "progress": "good", "note": ""})
    bad = client.post(url, {"on": "", "progress": "galaxy"}, follow=True)
    assert "was not saved" in bad.content.decode()
    revisits = list(GoalRevisit.objects.filter(goal=world.goal))
    assert [r.progress for r in revisits] == ["good", "some"]  # newest first
    page = client.get(reverse("learninglog:goals", args=[world.p.network.slug]))
    assert "Last revisited" in page.content.decode()


def test_goal_form_checks_principles(world: World) -> None:
    client = client_for(world.p.coordinator)
    url = reverse("learninglog:goal_create", args=[world.p.network.slug])
    unknown = ["principle.p9"]  # method-key: ignore
    response = client.post(url, {"title": "X", "status": "active", "principles": unknown})
    assert response.status_code == 200
    client.post(url, {"title": "Samen leren", "status": "active", "principles": ["principle.p3"]})
    assert LearningGoal.objects.get(title="Samen leren").principles == ["principle.p3"]


def test_the_scan_results_link_goals_and_entries_per_principle(world: World) -> None:
    found = for_principle(world.p.network, "principle.p1")
    kinds = [link.kind for link in found]
    assert kinds == ["Learning goal", "Learning log entry"]  # the entry serves the p1 goal
    assert found[1].url == world.entry.get_absolute_url()
    assert for_principle(world.p.network, "principle.p5") == []
    assert any(link.kind == "Learning goal" for link in links_for(world.p.network, "principle.p1"))


class TestEntryTitles(TestCase):
    """Any text a person types as the change is stored and shown as typed, never as markup."""

    @settings(max_examples=15, deadline=None)
    @given(title=st.text(min_size=1, max_size=200).filter(lambda s: s.strip() and "\x00" not in s))
    def test_any_title_round_trips(self, title: str) -> None:
        p = build()
        client = client_for(p.coordinator)
        response = client.post(
            reverse("learninglog:entry_create", args=[p.network.slug]),
            {"title": title, "happened_on": (date(2025, 1, 1) + timedelta(days=1)).isoformat()},
        )
        if response.status_code == 302:
            assert Entry.objects.filter(network=p.network, title=title.strip()).exists()
        else:
            assert 'class="errorlist' in response.content.decode()


def test_the_log_speaks_dutch(world: World) -> None:
    world.p.member.preferred_language = "nl"
    world.p.member.save()
    html = client_for(world.p.member).get(log_url(world)).content.decode()
    assert "Leerlogboek" in html
    assert "Individuen leren" in html  # the condition's title from the method content
    assert "Deel het geleerde" in html  # the next step, our own content
    svg = client_for(world.p.member).get(
        reverse("learninglog:carriers_svg", args=[world.p.network.slug])
    )
    assert "Risico: hoog" in svg.content.decode()
