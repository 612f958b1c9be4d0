"""Demo material for network life: roles with holders and rotation, a networker profile, the
onboarding checklist with ticks, a welcome link, a case request waiting for the coordinator, and
the demo member's own person record (so the overview offers the open scan)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from verbindend.accounts.models import User
from verbindend.networks import life
from verbindend.networks.models import (
    ChecklistTick,
    Competence,
    Person,
    Role,
    RoleHolder,
    Tenure,
    WelcomeLink,
)
from verbindend.studies.models import Case, CaseStatus, Study

ROLES = [
    (
        "Voorzitter van het netwerkoverleg",
        "Bereidt de agenda voor, leidt het maandelijkse overleg en bewaakt het gemeenschappelijke "
        "doel.",
        "Houdt het overleg doelgericht en geeft iedereen het woord.",
        "Om de twee jaar, bij voorkeur een andere sector.",
    ),
    (
        "Gastvrouw of gastheer van de maand",
        "Ontvangt het overleg in de eigen organisatie en opent met een succesverhaal.",
        "Zo leren we elkaars werkvloer kennen en begint elk overleg bij wat lukt.",
        "Elke maand een andere organisatie.",
    ),
    (
        "Verslaggever",
        "Noteert beslissingen en wat we anders doen in het leerlogboek.",
        "Zonder verslag verdwijnt wat we leerden met de mensen die er waren.",
        "Per overleg in beurtrol.",
    ),
    (
        "Ambassadeur naar de eigen organisatie",
        "Brengt wat in het netwerk leeft terug naar collega's en directie.",
        "Pas wanneer het geleerde de organisaties bereikt, verandert er echt iets.",
        "",
    ),
]


def extend_demo(*, network: Any, study: Any) -> None:
    _member_person(network)
    _proposed_case(network)
    if Role.objects.filter(network=network).exists():
        return
    people = list(Person.objects.filter(network=network).order_by("pk"))
    today = timezone.localdate()
    for order, (title, description, valued, rotation) in enumerate(ROLES, start=1):
        role = Role.objects.create(
            network=network,
            title=title,
            description=description,
            valued_for=valued,
            rotation=rotation,
            order=order,
        )
        if len(people) > order + 4:
            RoleHolder.objects.create(
                role=role, person=people[order], since=today - timedelta(days=200 * order)
            )
            if order == 1:  # the chair rotated once already
                RoleHolder.objects.create(
                    role=role,
                    person=people[order + 4],
                    since=today - timedelta(days=1100),
                    until=today - timedelta(days=201),
                )
    keys = [node.key for node in life.method_competences()][:5]
    life.choose_competences(
        network=network, keys=keys, own=["Vlot schakelen tussen sectoren en hun taal"]
    )
    Competence.objects.filter(network=network, content_key="").update(
        description="Een jobcoach, een leerkracht en een opbouwwerker verstaan elkaar niet vanzelf."
    )
    items = life.ensure_checklist(network)
    newcomers = [p for p in people if p.tenure == Tenure.NEWCOMER][:3]
    for i, person in enumerate(newcomers):
        for item in items[: 2 + i * 2]:
            ChecklistTick.objects.get_or_create(item=item, person=person)
    coordinator = User.objects.filter(username="coordinator@verbindend.demo").first()
    WelcomeLink.objects.create(
        network=network,
        token="demo-welkom-werkwinkel",  # noqa: S106 — a link name, not a secret
        note="Nieuwe collega van Fietsatelier Tandem",
        expires_at=timezone.now() + timedelta(days=30),
        created_by=coordinator,
    )


def _member_person(network: Any) -> None:
    """The demo member is also one of the network's people (their own person record)."""
    member = User.objects.filter(username="member@verbindend.demo").first()
    if member is None or Person.objects.filter(network=network, user=member).exists():
        return
    person = Person.objects.filter(network=network, user__isnull=True).order_by("pk").first()
    if person is not None:
        person.user = member
        person.save(update_fields=["user"])


def _proposed_case(network: Any) -> None:
    """A second study asks to include the network: the coordinator decides on the overview."""
    other, _created = Study.objects.get_or_create(
        slug="netwerken-over-de-grenzen",
        defaults={
            "name": "Netwerken over de grenzen",
            "description": "Een vergelijkende studie van lerende netwerken in Vlaanderen.",
        },
    )
    if not Case.objects.filter(study=other, network=network).exists():
        Case.objects.create(study=other, network=network, status=CaseStatus.PROPOSED)
