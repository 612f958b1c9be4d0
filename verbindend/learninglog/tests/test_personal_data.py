"""Export and erase what the learning log holds about a person."""

from __future__ import annotations

import json

from verbindend.learninglog import personal_data, services
from verbindend.learninglog.models import Carrier, Entry, GoalRevisit
from verbindend.learninglog.tests.conftest import World
from verbindend.privacy.personal_data import DataSubject


def test_export_lists_what_the_subject_wrote_is_linked_to_and_carries(world: World) -> None:
    world.entry.people.add(world.p.person)
    world.p.person.user = world.p.member
    world.p.person.save()
    GoalRevisit.objects.create(
        goal=world.goal, progress="some", note="Het loopt", created_by=world.p.member
    )
    rows = personal_data.export(DataSubject(person=world.p.person, user=world.p.member))
    json.dumps(rows)  # JSON-able
    titles = [row["title"] for row in rows["Learning log entries"]]
    assert titles.count("We doen nu samen intakes") == 1  # written and linked: listed once
    assert rows["Knowledge carriers"][0]["name"] == "Ann Noord"
    assert rows["Revisits of learning goals"][0]["note"] == "Het loopt"
    assert personal_data.export(DataSubject(user=world.p.outsider)) == {}


def test_erase_keeps_the_progression_but_not_the_person(world: World) -> None:
    p = world.p
    entry = world.entry
    entry.involved = "Ann Noord en haar team"
    entry.save()
    entry.people.add(p.person)
    other = world.other_entry
    other.evidence_learned = "ann noord vertelde het op het overleg"
    other.save()
    p.person.user = p.member
    p.person.save()
    reached_before = Entry.objects.get(pk=entry.pk).reached

    personal_data.erase(DataSubject(person=p.person, user=p.member), pseudonym="Deelnemer 7")

    entry.refresh_from_db()
    assert entry.created_by is None
    assert entry.title == personal_data.MARKER
    assert entry.evidence_learned == personal_data.MARKER
    assert entry.reached == reached_before  # the aggregate stays as it was
    assert not entry.people.exists()
    other.refresh_from_db()
    assert other.evidence_learned == "Deelnemer 7 vertelde het op het overleg"
    carrier = Carrier.objects.get(pk=world.carrier.pk)
    assert (carrier.name, carrier.person) == ("Deelnemer 7", None)
    assert "Ann Noord" not in json.dumps(
        personal_data.export(DataSubject(person=p.person, user=p.member))
    )


def test_erase_a_participant_blanks_entries_copied_from_their_answers(world: World) -> None:
    entry, _ = services.entry_from_contribution(
        contribution=world.contribution, user=world.p.coordinator
    )
    participant = world.contribution.participant
    exported = personal_data.export(DataSubject(participant=participant))
    assert exported["Learning log entries"][0]["why"] == "made from your answer or moment"
    personal_data.erase(DataSubject(participant=participant), pseudonym="P1")
    entry.refresh_from_db()
    assert entry.title == personal_data.MARKER and entry.change == personal_data.MARKER
    assert entry.source_contribution is None
    assert entry.created_by == world.p.coordinator  # the coordinator's entry stays theirs
