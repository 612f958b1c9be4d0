"""Writes for networks: creating one, deciding on study cases, composition figures."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from verbindend.accounts.models import User
from verbindend.accounts.services import grant_network_role
from verbindend.core.roles import NetworkRoles
from verbindend.networks.models import (
    LeadRole,
    Network,
    Organisation,
    OrganisationMembership,
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
    return case


def composition(network: Network) -> dict[str, list[tuple[str, int]]]:
    """Counts for the network page: organisations by sector, people by role and by tenure."""
    sectors = dict(Sector.choices)
    from verbindend.networks import counts

    current = counts.memberships(network)
    by_sector = Counter(
        str(sectors.get(s, s)) if s else _not_recorded()
        for s in current.values_list("organisation__sector", flat=True)
    )
    people = counts.people(network)
    roles = dict(LeadRole.choices)
    by_role = Counter(
        str(roles.get(r, r)) if r else _not_recorded()
        for r in people.values_list("lead_role", flat=True)
    )
    tenures = dict(Tenure.choices)
    by_tenure = Counter(
        str(tenures.get(t, t)) if t else _not_recorded()
        for t in people.values_list("tenure", flat=True)
    )
    return {
        "sector": sorted(by_sector.items(), key=lambda kv: (-kv[1], kv[0])),
        "role": sorted(by_role.items(), key=lambda kv: (-kv[1], kv[0])),
        "tenure": sorted(by_tenure.items(), key=lambda kv: (-kv[1], kv[0])),
    }
