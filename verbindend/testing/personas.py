"""Personas for tests: one user per role of both scopes, plus someone from another network.

Permission tests then read like sentences: ``client_for(p.observer)`` may not change
``p.network``; ``p.other_coordinator`` sees nothing of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from verbindend.accounts.models import User
from verbindend.accounts.services import grant_network_role, grant_study_role
from verbindend.core.roles import NetworkRoles, StudyRoles
from verbindend.networks.models import Network, Organisation, OrganisationMembership, Person
from verbindend.studies.models import Case, CaseStatus, Study

PASSWORD = "correct horse battery staple"  # noqa: S105
# Everyone a permission table is tried with (the site admin and anonymous users get own tests).
PERSONAS = [
    "coordinator",
    "facilitator",
    "member",
    "observer",
    "researcher",
    "study_observer",
    "other_coordinator",
    "other_researcher",
    "outsider",
]


def expected_status(
    who: str, *, allowed: frozenset[str], visible: frozenset[str], method: str
) -> set[int]:
    """A permission table's rule: allowed → 200 (or a redirect after a POST); may see the
    object → 403; anyone else → 404."""
    if who in allowed:
        return {200, 302} if method == "post" else {200}
    return {403} if who in visible else {404}


def make_user(email: str, **extra: object) -> User:
    return User.objects.create_user(username=email, email=email, password=PASSWORD, **extra)


@dataclass
class Personas:
    network: Network
    other_network: Network
    study: Study
    other_study: Study
    organisation: Organisation
    person: Person
    other_person: Person
    coordinator: User
    facilitator: User
    member: User
    observer: User
    researcher: User
    study_observer: User
    other_coordinator: User
    other_researcher: User
    outsider: User
    admin: User

    def network_roles(self) -> dict[str, User]:
        return {
            "coordinator": self.coordinator,
            "facilitator": self.facilitator,
            "member": self.member,
            "observer": self.observer,
        }

    def everyone(self) -> dict[str, User]:
        return {
            **self.network_roles(),
            "researcher": self.researcher,
            "study_observer": self.study_observer,
            "other_coordinator": self.other_coordinator,
            "other_researcher": self.other_researcher,
            "outsider": self.outsider,
        }


def build() -> Personas:
    network = Network.objects.create(name="Netwerk Noord", slug="noord")
    other_network = Network.objects.create(name="Netwerk Zuid", slug="zuid")
    organisation = Organisation.objects.create(name="Organisatie Één")
    OrganisationMembership.objects.create(network=network, organisation=organisation)
    other_org = Organisation.objects.create(name="Elders vzw")
    OrganisationMembership.objects.create(network=other_network, organisation=other_org)
    person = Person.objects.create(network=network, name="Ann Noord", organisation=organisation)
    other_person = Person.objects.create(network=other_network, name="Zoë Zuid")
    study = Study.objects.create(name="Studie A", slug="studie-a")
    other_study = Study.objects.create(name="Studie B", slug="studie-b")
    Case.objects.create(study=study, network=network, status=CaseStatus.AGREED)
    Case.objects.create(study=other_study, network=other_network, status=CaseStatus.AGREED)

    users = {}
    for role in NetworkRoles.values:
        users[role] = make_user(f"{role}@noord.test")
        grant_network_role(user=users[role], network=network, role=role)
    researcher = make_user("researcher@studie-a.test")
    grant_study_role(user=researcher, study=study, role=StudyRoles.RESEARCHER)
    study_observer = make_user("observer@studie-a.test")
    grant_study_role(user=study_observer, study=study, role=StudyRoles.OBSERVER)
    other_coordinator = make_user("coordinator@zuid.test")
    grant_network_role(user=other_coordinator, network=other_network, role=NetworkRoles.COORDINATOR)
    other_researcher = make_user("researcher@studie-b.test")
    grant_study_role(user=other_researcher, study=other_study, role=StudyRoles.RESEARCHER)
    return Personas(
        network=network,
        other_network=other_network,
        study=study,
        other_study=other_study,
        organisation=organisation,
        person=person,
        other_person=other_person,
        coordinator=users["coordinator"],
        facilitator=users["facilitator"],
        member=users["member"],
        observer=users["observer"],
        researcher=researcher,
        study_observer=study_observer,
        other_coordinator=other_coordinator,
        other_researcher=other_researcher,
        outsider=make_user("outsider@nergens.test"),
        admin=User.objects.create_superuser(
            username="admin@site.test", email="admin@site.test", password=PASSWORD
        ),
    )
