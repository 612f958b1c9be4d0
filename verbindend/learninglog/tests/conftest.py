from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from verbindend.historyline import services as history
from verbindend.historyline.models import Moment
from verbindend.learninglog.models import Carrier, CarrierKind, Entry, LearningGoal
from verbindend.live import services as live
from verbindend.live.models import Contribution, LiveSession, Step
from verbindend.testing.personas import Personas


@dataclass
class World:
    p: Personas
    goal: LearningGoal
    entry: Entry  # written by the member
    other_entry: Entry  # written by the coordinator
    carrier: Carrier
    session: LiveSession
    contribution: Contribution
    moment: Moment
    far_goal: LearningGoal
    far_entry: Entry
    far_carrier: Carrier
    far_contribution: Contribution
    far_moment: Moment


def make_contribution(
    session: LiveSession, text: str, step: Step | None = None, **extra: object
) -> Contribution:
    step = step or session.steps.filter(kind="open_answer").first() or session.steps.first()
    assert step is not None
    last = Contribution.objects.filter(session=session).count()
    return Contribution.objects.create(
        session=session, step=step, sequence=last + 1, text=text, **extra
    )


def make_moment(network: object, title: str, person: object = None) -> Moment:
    exercise = history.create_exercise(
        scope=network,  # type: ignore[arg-type]
        title="Onze weg",
        start_date=date(2020, 1, 1),
        end_date=date(2024, 12, 31),
    )
    key = f"person:{person.pk}" if person is not None else "6f1c2a3e-1b2c-4d5e-8f90-123456789abc"  # type: ignore[attr-defined]
    line, _ = history.save_line(
        exercise=exercise, participant_key=key, points=[[0, 40], [400, 80], [800, 30]]
    )
    return history.add_moment(
        line=line,
        on=date(2021, 2, 4),
        kind="peak",
        title=title,
        story="We deden voor het eerst samen een <b>intake</b>.",
        answers={"q_peaks": "We zagen elkaars aanpak."},
        level="level.network",
        principle="principle.p1",
        knowledge="knowledge.intervention",
    )


@pytest.fixture
def world(personas: Personas) -> World:
    p = personas
    goal = LearningGoal.objects.create(
        network=p.network, title="Samen intakes doen", principles=["principle.p1"]
    )
    entry = Entry.objects.create(
        network=p.network,
        title="We doen nu samen intakes",
        happened_on=date(2024, 3, 1),
        evidence_learned="Ann leerde de intake van Elders kennen.",
        goal=goal,
        created_by=p.member,
    )
    other_entry = Entry.objects.create(
        network=p.network, title="Gedeelde agenda", created_by=p.coordinator
    )
    carrier = Carrier.objects.create(
        network=p.network,
        kind=CarrierKind.PERSON,
        name="Ann Noord",
        person=p.person,
        knowledge_types=["knowledge.social"],
    )
    session = live.create_session(
        creator=p.facilitator, template="focus_group", network=p.network, title="Focusgroep"
    )
    participant = live.join(session=session, display_name="Ann", organisation=p.organisation)
    contribution = make_contribution(
        session,
        "We bellen elkaar nu eerst voor we doorverwijzen.\nDat scheelt dubbel werk.",
        participant=participant,
        tags=["level.organisation", "knowledge.social", "principle.p2"],
    )
    moment = make_moment(p.network, "Eerste gezamenlijke intake", person=p.person)

    far_goal = LearningGoal.objects.create(network=p.other_network, title="Elders leren")
    far_entry = Entry.objects.create(
        network=p.other_network, title="Elders anders", created_by=p.other_coordinator
    )
    far_carrier = Carrier.objects.create(
        network=p.other_network,
        kind=CarrierKind.SYSTEM,
        name="Gedeelde map",
        knowledge_types=["knowledge.dossier"],
    )
    far_session = live.create_session(
        creator=p.other_coordinator, template="focus_group", network=p.other_network
    )
    far_contribution = make_contribution(far_session, "Elders veranderde iets")
    far_moment = make_moment(p.other_network, "Elders een piek")
    return World(
        p,
        goal,
        entry,
        other_entry,
        carrier,
        session,
        contribution,
        moment,
        far_goal,
        far_entry,
        far_carrier,
        far_contribution,
        far_moment,
    )
