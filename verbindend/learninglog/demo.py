"""Demo: learning goals with revisits, a dozen changes at every stage, and a carrier map with a
risky single-person carrier. Uses the demo focus group and history line when they exist."""

from __future__ import annotations

from datetime import date
from typing import Any

from verbindend.core.roles import NetworkRoles
from verbindend.learninglog import services
from verbindend.learninglog.models import (
    CONDITIONS,
    Carrier,
    CarrierKind,
    Entry,
    EntryStatus,
    GoalRevisit,
    GoalStatus,
    LearningGoal,
)
from verbindend.networks.models import NetworkRole

GOALS = [
    (
        "Doorverwijzen zonder drempels",
        "We willen leren hoe we werkzoekenden vlot naar elkaar doorverwijzen, zonder dat ze "
        "hun verhaal drie keer moeten doen.",
        ["principle.p1", "principle.p4"],
        GoalStatus.ACTIVE,
        [
            (date(2024, 6, 15), "some", "Twee partners werken al met de gedeelde intakefiche."),
            (date(2025, 6, 20), "good", "De fiche is nu standaard; de opvolging nog niet."),
        ],
    ),
    (
        "Leren van wat goed loopt",
        "Na elk project staan we stil bij wat werkte en waarom, in plaats van enkel bij wat "
        "misliep.",
        ["principle.p2"],
        GoalStatus.ACTIVE,
        [(date(2025, 2, 10), "some", "De eerste waarderende evaluatie was een succes.")],
    ),
    (
        "Kennis niet laten vertrekken met mensen",
        "Wat één trekker weet, moet ook ergens anders zitten.",
        ["principle.p3", "principle.p5"],
        GoalStatus.ACTIVE,
        [],
    ),
]

# title, date, goal index, levels, knowledge types, evidence (1..4), anchoring places
ENTRIES: list[tuple[str, date, int | None, list[str], list[str], list[str], list[str]]] = [
    (
        "We gebruiken één gedeelde intakefiche",
        date(2024, 3, 12),
        0,
        ["level.network", "level.organisation"],
        ["knowledge.intervention"],
        [
            "Trajectbegeleiders leerden welke vragen de andere partners stellen.",
            "De fiche werd op het netwerkoverleg voorgesteld en besproken.",
            "Alle partners vullen nu dezelfde fiche in bij een doorverwijzing.",
            "De fiche staat in de gedeelde map en is opgenomen in de samenwerkingsafspraak.",
        ],
        ["condition.anchored.way_of_working", "condition.anchored.agreements"],
    ),
    (
        "We bellen eerst voor we doorverwijzen",
        date(2024, 9, 3),
        0,
        ["level.individual", "level.organisation"],
        ["knowledge.social"],
        [
            "Els merkte dat een telefoontje vooraf veel misverstanden voorkomt.",
            "Ze vertelde het op de intervisie van de begeleiders.",
            "De meeste begeleiders bellen nu eerst.",
        ],
        [],
    ),
    (
        "De jobbeurs organiseren we samen",
        date(2023, 11, 20),
        None,
        ["level.network"],
        ["knowledge.intervention", "knowledge.social"],
        [
            "De trekkers leerden hoe je een beurs met twaalf partners plant.",
            "Het draaiboek werd gedeeld met alle partners.",
            "Elk jaar neemt een andere partner de leiding, met hetzelfde draaiboek.",
            "De beurs staat vast in de jaarplanning van het netwerk.",
        ],
        ["condition.anchored.schedules"],
    ),
    (
        "Vergaderingen starten met een succesverhaal",
        date(2025, 1, 28),
        1,
        ["level.network"],
        ["knowledge.meta"],
        [
            "De voorzitter leerde de waarderende benadering kennen in een vorming.",
            "Ze legde de werkwijze uit op het overleg.",
            "Elk overleg begint nu met een kort verhaal over wat goed liep.",
        ],
        [],
    ),
    (
        "Nieuwe medewerkers lopen een dag mee bij een partner",
        date(2025, 4, 2),
        2,
        ["level.individual", "level.organisation"],
        ["knowledge.social", "knowledge.dossier"],
        [
            "Nieuwe begeleiders leren hoe de andere organisaties werken.",
            "Ze brengen verslag uit in hun eigen team.",
        ],
        [],
    ),
    (
        "We houden een gedeelde sociale kaart bij",
        date(2025, 5, 15),
        2,
        ["level.network"],
        ["knowledge.social", "knowledge.dossier"],
        [
            "Karim zocht uit wie bij welke organisatie waarvoor bevoegd is.",
            "De lijst werd rondgestuurd.",
            "Begeleiders zoeken nu eerst in de lijst voor ze iemand bellen.",
            "De sociale kaart staat in de gedeelde databank en wordt elk kwartaal bijgewerkt.",
        ],
        ["condition.anchored.information_flow"],
    ),
    (
        "Projectevaluaties gebeuren samen",
        date(2025, 9, 8),
        1,
        ["level.network"],
        ["knowledge.meta"],
        ["De coördinatoren leerden dat een gezamenlijke evaluatie meer oplevert."],
        [],
    ),
    (
        "We delen vacatures in één lijst",
        date(2025, 10, 1),
        0,
        ["level.organisation"],
        ["knowledge.dossier"],
        [],
        [],
    ),
    (
        "Vrijwilligers krijgen een gezamenlijke vorming",
        date(2026, 2, 16),
        None,
        ["level.individual"],
        ["knowledge.intervention"],
        [
            "Vrijwilligers leerden omgaan met moeilijke gesprekken.",
            "Ze oefenden samen met vrijwilligers van andere partners.",
        ],
        [],
    ),
    (
        "Een vaste contactpersoon per partner",
        date(2026, 3, 9),
        0,
        ["level.organisation", "level.network"],
        ["knowledge.social"],
        [],
        [],
    ),
]


def _author(network: Any, role: str, email: str) -> Any:
    from verbindend.accounts.models import User

    found = User.objects.filter(username=email).first()
    if found is not None:
        return found
    grant = NetworkRole.objects.filter(network=network, role=role).select_related("user").first()
    return grant.user if grant else None


def _from_sources(network: Any, author: Any) -> None:
    """Two changes made with one click: an answer from the demo focus group, a history moment."""
    if author is None:
        return
    from verbindend.historyline.models import Moment
    from verbindend.live.models import Contribution

    answer = (
        Contribution.objects.filter(
            session__network=network, text__icontains="doorverwijzen", step__kind="open_answer"
        )
        .order_by("pk")
        .first()
    )
    if answer is not None:
        entry, _ = services.entry_from_contribution(contribution=answer, user=author)
        entry.evidence_learned = "Begeleiders leerden elkaars werking kennen."
        entry.evidence_shared = "Ze vertelden erover in de focusgroep."
        entry.status = EntryStatus.RECORDED
        entry.save()
    moment = (
        Moment.objects.filter(line__exercise__network=network, kind="peak")
        .order_by("on", "pk")
        .first()
    )
    if moment is not None:
        services.entry_from_moment(moment=moment, user=author)  # stays a draft to complete


def extend_demo(*, network: Any, study: Any) -> None:
    _extend(network=network, study=study)
    _milestones(network)


def _milestones(network: Any) -> None:
    """Anchored entries and reached goals become milestones; one is already celebrated."""
    from verbindend.learninglog import services as log_services
    from verbindend.learninglog.models import Milestone

    for entry in Entry.objects.filter(network=network, reached=len(CONDITIONS)):
        log_services.note_entry_milestone(entry)
    for goal in LearningGoal.objects.filter(network=network):
        log_services.note_goal_milestone(goal)
    first = Milestone.objects.filter(network=network).order_by("pk").first()
    if (
        first is not None
        and first.celebrated_at is None
        and Milestone.objects.filter(network=network).count() > 1
    ):
        first.celebrated_at = first.created_at
        first.celebrate_in = "Netwerkoverleg januari"
        first.save(update_fields=["celebrated_at", "celebrate_in"])


def _extend(*, network: Any, study: Any) -> None:
    if LearningGoal.objects.filter(network=network, title=GOALS[0][0]).exists():
        return
    coordinator = _author(network, NetworkRoles.COORDINATOR, "coordinator@verbindend.demo")
    member = _author(network, NetworkRoles.MEMBER, "member@verbindend.demo")
    facilitator = _author(network, NetworkRoles.FACILITATOR, "facilitator@verbindend.demo")
    goals = []
    for title, description, principles, status, revisits in GOALS:
        goal = LearningGoal.objects.create(
            network=network,
            title=title,
            description=description,
            principles=principles,
            status=status,
            created_by=coordinator,
        )
        for on, progress, note in revisits:
            GoalRevisit.objects.create(
                goal=goal, on=on, progress=progress, note=note, created_by=coordinator
            )
        goals.append(goal)
    people = list(network.people.order_by("pk")[:3])
    for i, (title, on, goal_index, levels, types, evidence, places) in enumerate(ENTRIES):
        texts = [*evidence, "", "", "", ""][:4]
        entry = Entry.objects.create(
            network=network,
            title=title,
            happened_on=on,
            goal=goals[goal_index] if goal_index is not None else None,
            levels=levels,
            knowledge_types=types,
            evidence_learned=texts[0],
            evidence_shared=texts[1],
            evidence_behaviour=texts[2],
            evidence_anchored=texts[3],
            anchor_places=places,
            created_by=member if i % 3 == 1 else coordinator,
        )
        if people and i % 2 == 0:
            entry.people.add(people[i % len(people)])
    _from_sources(network, facilitator or coordinator)

    trekker = people[0] if people else None
    carriers = [
        (
            CarrierKind.PERSON,
            trekker.name if trekker else "De trekker",
            trekker,
            "Kent alle partners persoonlijk en weet wie waarvoor aanspreekbaar is.",
            ["knowledge.social", "knowledge.meta"],
        ),
        (
            CarrierKind.PERSON,
            people[1].name if len(people) > 1 else "Begeleider",
            people[1] if len(people) > 1 else None,
            "Schreef het draaiboek van de jobbeurs.",
            ["knowledge.intervention"],
        ),
        (
            CarrierKind.SYSTEM,
            "Gedeelde map en sociale kaart",
            None,
            "Intakefiche, draaiboeken, verslagen en de sociale kaart.",
            ["knowledge.dossier", "knowledge.intervention"],
        ),
        (
            CarrierKind.ORGANISATIONAL,
            "Maandelijks netwerkoverleg met succesverhaal",
            None,
            "Het vaste overleg waar werkwijzen gedeeld en geëvalueerd worden.",
            ["knowledge.meta"],
        ),
    ]
    for kind, name, person, description, types in carriers:
        Carrier.objects.create(
            network=network,
            kind=kind,
            name=name,
            person=person,
            description=description,
            knowledge_types=types,
        )
