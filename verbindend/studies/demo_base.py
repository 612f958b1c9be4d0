"""The demo network and study every other app's demo material builds on: twelve organisations,
forty people with their consent, the five demo logins and the study that follows the network."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from verbindend.accounts.models import User
from verbindend.accounts.services import grant_network_role, grant_study_role
from verbindend.core.demo import DEMO_PASSWORD, DEMO_SLUG, DEMO_STUDY_SLUG, LOGINS
from verbindend.core.roles import NetworkRoles, StudyRoles
from verbindend.networks.models import (
    Engagement,
    GoalOrigin,
    GovernanceForm,
    LeadRole,
    Network,
    Organisation,
    OrganisationMembership,
    Person,
    Phase,
    Scale,
    Sector,
    Tenure,
)
from verbindend.privacy.models import ConsentPurpose, ConsentRecord
from verbindend.studies.models import Case, CaseStatus, Study

ORGANISATIONS = [
    ("De Stek vzw", Sector.SOCIAL_ECONOMY, "maatwerkbedrijf", "large"),
    ("Kringwinkel Leiestreek", Sector.SOCIAL_ECONOMY, "kringloopcentrum", "large"),
    ("Groenwerk Oost", Sector.SOCIAL_ECONOMY, "sociale werkplaats", "medium"),
    ("Fietsatelier Tandem", Sector.SOCIAL_ECONOMY, "arbeidszorg", "small"),
    ("Buurtwerk Brugse Poort", Sector.SOCIO_CULTURAL, "buurtwerking", "medium"),
    ("Vormingplus Gent-Eeklo", Sector.SOCIO_CULTURAL, "vormingsorganisatie", "medium"),
    ("Samenlevingsopbouw Gent", Sector.SOCIO_CULTURAL, "opbouwwerk", "medium"),
    ("Het Huis van Alle Talen", Sector.SOCIO_CULTURAL, "vereniging", "small"),
    ("CVO De Brug", Sector.EDUCATION, "centrum voor volwassenenonderwijs", "large"),
    ("Basisschool De Regenboog", Sector.EDUCATION, "basisschool", "medium"),
    ("Hogeschool Vakgroep Sociaal Werk", Sector.EDUCATION, "hogeschool", "large"),
    ("Leerwerkplek Atlas", Sector.EDUCATION, "opleidingscentrum", "small"),
]
FIRST_NAMES = [
    "An",
    "Bart",
    "Chloé",
    "Dries",
    "Els",
    "Fatima",
    "Geert",
    "Hanne",
    "Ilias",
    "Jolien",
    "Karim",
    "Lien",
    "Mehmet",
    "Nele",
    "Olivier",
    "Pieter",
    "Rania",
    "Sofie",
    "Tom",
    "Ursula",
    "Veerle",
    "Wout",
    "Yasmina",
    "Zeno",
    "Amira",
    "Bram",
    "Charlotte",
    "Dirk",
    "Emre",
    "Femke",
    "Gilles",
    "Hilde",
    "Inès",
    "Jonas",
    "Katrien",
    "Lucas",
    "Marieke",
    "Noah",
    "Ousmane",
    "Petra",
]
LAST_NAMES = ["Peeters", "Janssens", "Maes", "El Amrani", "De Smet", "Claes", "Yilmaz", "Wouters"]


def _user(email: str, first: str, last: str) -> User:
    user, created = User.objects.get_or_create(
        username=email, defaults={"email": email, "first_name": first, "last_name": last}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def find_or_create() -> tuple[Network, Study]:
    network = Network.objects.filter(slug=DEMO_SLUG).first() or _load_base()
    return network, Study.objects.get(slug=DEMO_STUDY_SLUG)


@transaction.atomic
def _load_base() -> Network:
    rng = random.Random(7)  # the same demo every time
    network = Network.objects.create(
        name="Werkwinkel Gent",
        slug=DEMO_SLUG,
        description=(
            "Een fictief netwerk van twaalf organisaties uit sociale economie, sociaal-cultureel "
            "werk en onderwijs die samen trajecten naar werk en vorming uitbouwen."
        ),
        common_goal=(
            "Samen zorgen dat elke Gentenaar met een afstand tot werk een leer- en werkplek "
            "vindt die past."
        ),
        governance_form=GovernanceForm.ADMINISTRATIVE_ORGANISATION,
        goal_origin=GoalOrigin.VOLUNTARY,
        sectors=[Sector.SOCIAL_ECONOMY, Sector.SOCIO_CULTURAL, Sector.EDUCATION],
        scale=Scale.LOCAL,
        phase=Phase.GROWING,
        founded_on=date(2014, 9, 1),
    )
    orgs = []
    for i, (name, sector, kind, size) in enumerate(ORGANISATIONS):
        org = Organisation.objects.create(
            name=name,
            sector=sector,
            type=kind,
            size=size,
            website=f"https://example.org/{name.lower().replace(' ', '-')}",
        )
        OrganisationMembership.objects.create(
            network=network,
            organisation=org,
            joined_on=date(2014 + i % 6, 1 + i % 12, 1),
            left_on=date(2021, 6, 30) if i == 11 else None,
        )
        orgs.append(org)
    today = timezone.localdate()
    for i, first in enumerate(FIRST_NAMES):
        since = today - timedelta(days=rng.randint(60, 3600))
        person = Person.objects.create(
            network=network,
            name=f"{first} {LAST_NAMES[i % len(LAST_NAMES)]}",
            email=f"{first.lower().replace('é', 'e').replace('è', 'e')}.{i}@example.org",
            organisation=orgs[i % len(orgs)],
            lead_role=LeadRole.TREKKER if i % 5 == 0 else LeadRole.FOLLOWER,
            engagement=Engagement.VOLUNTEER if i % 4 == 3 else Engagement.PROFESSIONAL,
            tenure=Tenure.NEWCOMER if (today - since).days < 730 else Tenure.LONG_STANDING,
            involved_since=since,
            gender=["vrouw", "man", "", "non-binair"][i % 4] if i % 7 else "",
        )
        ConsentRecord.objects.create(
            person=person,
            purpose=ConsentPurpose.PARTICIPATION,
            text_version="2026.1",
            given_at=timezone.now() - timedelta(days=rng.randint(1, 300)),
        )
    names = {
        NetworkRoles.COORDINATOR: ("Karijn", "Coördinator"),
        NetworkRoles.FACILITATOR: ("Fien", "Facilitator"),
        NetworkRoles.MEMBER: ("Mo", "Lid"),
        NetworkRoles.OBSERVER: ("Olga", "Bestuur"),
        StudyRoles.RESEARCHER: ("Rik", "Onderzoeker"),
    }
    study = Study.objects.create(
        name="Verbindend leren in Gentse netwerken",
        slug=DEMO_STUDY_SLUG,
        description="Een demonstratiestudie die het netwerk als casus volgt.",
        research_questions=(
            "Hoe ontwikkelen en verankeren organisatienetwerken collectief leren?\n"
            "Hoe ontwerp je leren met maximale winst voor medewerker, organisatie en netwerk?"
        ),
    )
    for login in LOGINS:
        first, last = names[login.role]  # type: ignore[index]
        user = _user(login.email, first, last)
        if login.role == StudyRoles.RESEARCHER:
            grant_study_role(user=user, study=study, role=StudyRoles.RESEARCHER)
        else:
            grant_network_role(user=user, network=network, role=login.role)
    Case.objects.create(
        study=study,
        network=network,
        status=CaseStatus.AGREED,
        decided_by=User.objects.get(username=LOGINS[0].email),
        decided_at=timezone.now(),
    )
    return network
