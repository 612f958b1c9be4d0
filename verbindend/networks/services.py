"""Writes for networks: creating one, deciding on study cases, composition figures."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from verbindend.accounts.models import User
from verbindend.accounts.services import grant_network_role
from verbindend.core.errors import DomainError
from verbindend.core.roles import NetworkRoles, StudyRoles
from verbindend.networks.models import (
    LeadRole,
    Network,
    NetworkRole,
    Organisation,
    OrganisationMembership,
    Person,
    Sector,
    Tenure,
)
from verbindend.studies.models import Case, CaseStatus


def _not_recorded() -> str:
    return gettext("not recorded")


@transaction.atomic
def create_network(*, creator: User, form: Any) -> Network:
    """Save a new network; its creator becomes its coordinator."""
    network: Network = form.save()
    grant_network_role(user=creator, network=network, role=NetworkRoles.COORDINATOR)
    return network


@transaction.atomic
def delete_network(*, network: Network) -> None:
    """Delete a network with everything it owns (the page asked for its name first)."""
    network.delete()


def add_person(*, network: Network, form: Any) -> Person:
    """A new person of the network from a valid person form."""
    person: Person = form.save(commit=False)
    person.network = network
    person.save()
    return person


def remove_person(*, person: Person) -> None:
    person.delete()


def remove_role(*, grant: NetworkRole) -> None:
    """Take a role away; a network keeps at least one coordinator."""
    with transaction.atomic():
        coordinators = NetworkRole.objects.select_for_update().filter(
            network=grant.network_id, role=NetworkRoles.COORDINATOR
        )
        if grant.role == NetworkRoles.COORDINATOR and len(coordinators) == 1:
            raise DomainError(
                "roles.last_coordinator", _("A network keeps at least one coordinator.")
            )
        grant.delete()


def add_organisation(
    *, network: Network, organisation_form: Any, membership_form: Any
) -> OrganisationMembership:
    organisation: Organisation = organisation_form.save()
    membership: OrganisationMembership = membership_form.save(commit=False)
    membership.network = network
    membership.organisation = organisation
    membership.save()
    return membership


def decide_case(*, case: Case, agree: bool, by: User) -> Case:
    case.status = CaseStatus.AGREED if agree else CaseStatus.DECLINED
    case.decided_by = by
    case.decided_at = timezone.now()
    case.save(update_fields=["status", "decided_by", "decided_at"])
    from verbindend.notices.services import notify
    from verbindend.studies.models import StudyRole

    researchers = StudyRole.objects.holders(case.study, StudyRoles.RESEARCHER)
    notify(
        recipients=researchers,
        kind="case.decided",
        title=lambda: (
            (
                _("%(network)s agreed to take part in “%(study)s”")
                if agree
                else _("%(network)s declined to take part in “%(study)s”")
            )
            % {"network": case.network.name, "study": case.study.name}
        ),
        url=case.study.get_absolute_url(),
        where=case.study.name,
    )
    return case


@dataclass(frozen=True)
class Composition:
    """The network page's figures: organisations by sector, people by role and by tenure, and the
    head counts, read in two queries."""

    sector: list[tuple[str, int]]
    role: list[tuple[str, int]]
    tenure: list[tuple[str, int]]
    organisations: int
    people: int


def _ranked(choices: Any, values: Iterable[str]) -> list[tuple[str, int]]:
    """Each value's label and how often it occurs, most frequent first."""
    labels = dict(choices)
    counter = Counter(str(labels.get(v, v)) if v else _not_recorded() for v in values)
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


def composition(network: Network) -> Composition:
    """Counts for the network page, as ``counts`` defines them (so reports agree)."""
    from verbindend.networks import counts

    current = list(counts.memberships(network).values_list("organisation", "organisation__sector"))
    people = list(counts.people(network).values_list("lead_role", "tenure"))
    return Composition(
        sector=_ranked(Sector.choices, (s for _o, s in current)),
        role=_ranked(LeadRole.choices, (r for r, _t in people)),
        tenure=_ranked(Tenure.choices, (t for _r, t in people)),
        organisations=len({organisation for organisation, _s in current}),
        people=len(people),
    )


def users_of(network: Network, roles: Iterable[str] | None = None) -> list[User]:
    """The accounts holding a role (or one of these roles) in the network."""
    from verbindend.accounts.models import User as UserModel

    grants = NetworkRole.objects.filter(network=network)
    if roles is not None:
        grants = grants.filter(role__in=list(roles))
    return list(UserModel.objects.filter(pk__in=grants.values("user")).order_by("pk"))


def notify_case_proposed(*, case: Case) -> None:
    """The network's coordinators hear that a study asks to include the network."""
    from verbindend.notices.services import notify

    notify(
        recipients=users_of(case.network, [NetworkRoles.COORDINATOR]),
        kind="case.proposed",
        title=lambda: (
            _("The study “%(study)s” asks to include %(network)s as a case")
            % {"study": case.study.name, "network": case.network.name}
        ),
        body=lambda: _("Agree or decline on your overview."),
        url=reverse("core:dashboard"),
        where=case.network.name,
    )
