"""Every role of both scopes × every object type × own scope and another scope.

Expected results are written out here, not derived from the rules, so the table is the spec:
ALLOWED → 200 (or a redirect after a POST), VISIBLE → 403, anyone else → 404, anonymous → login.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from verbindend.core import policy
from verbindend.networks.models import NetworkRole
from verbindend.privacy.models import ConsentRecord
from verbindend.studies.models import Case
from verbindend.testing.personas import PERSONAS, Personas, expected_status

NETWORK_READERS = {"coordinator", "facilitator", "member", "observer", "researcher"}
STUDY_READERS = {"researcher", "study_observer"}


@dataclass(frozen=True)
class Row:
    name: str
    url: Callable[[Personas], str]
    allowed: frozenset[str]
    visible: frozenset[str]
    method: str = "get"
    data: Callable[[Personas], dict[str, str]] | None = None


def consent_of(p: Personas) -> ConsentRecord:
    return ConsentRecord.objects.get_or_create(
        person=p.person,
        purpose="participation",
        defaults={"text_version": "1", "given_at": timezone.now()},
    )[0]


def net(name: str, *extra: Callable[[Personas], object]) -> Callable[[Personas], str]:
    return lambda p: reverse(f"networks:{name}", args=[p.network.slug, *(f(p) for f in extra)])


ROWS = [
    Row("network detail", net("detail"), frozenset(NETWORK_READERS), frozenset(NETWORK_READERS)),
    Row("network edit", net("edit"), frozenset({"coordinator"}), frozenset(NETWORK_READERS)),
    Row("network delete", net("delete"), frozenset({"coordinator"}), frozenset(NETWORK_READERS)),
    Row(
        "organisation list",
        net("organisations"),
        frozenset(NETWORK_READERS),
        frozenset(NETWORK_READERS),
    ),
    Row(
        "organisation add",
        net("organisation_add"),
        frozenset({"coordinator"}),
        frozenset(NETWORK_READERS),
    ),
    Row(
        "organisation edit",
        net("organisation_edit", lambda p: p.network.memberships.get().pk),
        frozenset({"coordinator"}),
        frozenset(NETWORK_READERS),
    ),
    Row(
        "people list",
        net("people"),
        frozenset({"coordinator", "facilitator", "researcher"}),
        frozenset(NETWORK_READERS),
    ),
    Row("person add", net("person_add"), frozenset({"coordinator"}), frozenset(NETWORK_READERS)),
    Row(
        "person edit",
        net("person_edit", lambda p: p.person.pk),
        frozenset({"coordinator"}),
        frozenset(NETWORK_READERS),
    ),
    Row(
        "person delete",
        net("person_delete", lambda p: p.person.pk),
        frozenset({"coordinator"}),
        frozenset(NETWORK_READERS),
    ),
    Row(
        "people import",
        net("people_import"),
        frozenset({"coordinator"}),
        frozenset(NETWORK_READERS),
    ),
    Row("team", net("team"), frozenset({"coordinator"}), frozenset(NETWORK_READERS)),
    Row(
        "remove a role",
        net("role_remove", lambda p: NetworkRole.objects.get(user=p.member).pk),
        frozenset({"coordinator"}),
        frozenset(NETWORK_READERS),
        method="post",
    ),
    Row(
        "decide on a case",
        net("case_decide", lambda p: Case.objects.get(network=p.network).pk),
        frozenset({"coordinator"}),
        frozenset(NETWORK_READERS),
        method="post",
        data=lambda p: {"decision": "agree"},
    ),
    Row(
        "record consent",
        net("consent_add", lambda p: p.person.pk),
        frozenset({"coordinator"}),
        frozenset(NETWORK_READERS),
        method="post",
        data=lambda p: {"purpose": "research", "text_version": "1", "given_at": "2026-01-01T10:00"},
    ),
    Row(
        "withdraw consent",
        net("consent_withdraw", lambda p: consent_of(p).pk),
        frozenset({"coordinator"}),
        frozenset(NETWORK_READERS),
        method="post",
    ),
    Row(
        "study detail",
        lambda p: reverse("studies:detail", args=[p.study.slug]),
        frozenset(STUDY_READERS),
        frozenset(STUDY_READERS),
    ),
    Row(
        "study change",
        lambda p: reverse("studies:detail", args=[p.study.slug]),
        frozenset({"researcher"}),
        frozenset(STUDY_READERS),
        method="post",
        data=lambda p: {"propose": "1", "network": "nope"},
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
@pytest.mark.parametrize("who", PERSONAS)
def test_role_gets_what_the_matrix_says(personas: Personas, row: Row, who: str) -> None:
    client = Client()
    client.force_login(personas.everyone()[who])
    data = row.data(personas) if row.data else {}
    response = getattr(client, row.method)(row.url(personas), data)
    assert response.status_code in expected_status(
        who, allowed=row.allowed, visible=row.visible, method=row.method
    ), (who, row.name, response.status_code)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_anonymous_is_sent_to_log_in(personas: Personas, row: Row) -> None:
    response = getattr(Client(), row.method)(row.url(personas))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_site_administrator_may_do_everything(personas: Personas, row: Row) -> None:
    client = Client()
    client.force_login(personas.admin)
    data = row.data(personas) if row.data else {}
    response = getattr(client, row.method)(row.url(personas), data)
    assert response.status_code in {200, 302}


def test_another_networks_person_is_not_reachable_through_my_network(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.coordinator)
    url = reverse("networks:person_edit", args=[personas.network.slug, personas.other_person.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "path", ["/", "/method/", "/accounts/login/", "/accounts/password/reset/", "/healthz"]
)
def test_public_pages_need_no_login(db: None, path: str) -> None:
    assert Client().get(path).status_code == 200


def test_querysets_show_only_own_scope(personas: Personas) -> None:
    from verbindend.networks.models import Network, Organisation, Person
    from verbindend.studies.models import Study

    p = personas
    assert list(Network.objects.visible_to(p.member)) == [p.network]
    assert list(Network.objects.visible_to(p.researcher)) == [p.network]
    assert list(Network.objects.visible_to(p.study_observer)) == []
    assert list(Network.objects.visible_to(p.other_coordinator)) == [p.other_network]
    assert list(Person.objects.visible_to(p.coordinator)) == [p.person]
    assert p.other_person not in Person.objects.visible_to(p.researcher)
    assert list(Organisation.objects.visible_to(p.outsider)) == []
    assert list(Study.objects.visible_to(p.coordinator)) == []
    assert list(Study.objects.visible_to(p.study_observer)) == [p.study]


def test_a_proposed_case_gives_no_access_until_agreed(personas: Personas) -> None:
    p = personas
    Case.objects.create(study=p.other_study, network=p.network)
    assert not policy.can(p.other_researcher, "network.view", p.network)
    case = Case.objects.get(study=p.other_study, network=p.network)
    case.status = "agreed"
    case.save()
    policy.forget(p.other_researcher)
    assert policy.can(p.other_researcher, "network.view", p.network)
    assert not policy.can(p.other_researcher, "network.change", p.network)


def test_shared_organisation_is_changed_by_coordinators_of_its_networks(personas: Personas) -> None:
    from verbindend.networks.models import OrganisationMembership

    p = personas
    OrganisationMembership.objects.create(network=p.other_network, organisation=p.organisation)
    assert policy.can(p.coordinator, "organisations.change", p.organisation)
    assert policy.can(p.other_coordinator, "organisations.change", p.organisation)
    assert not policy.can(p.member, "organisations.change", p.organisation)


def test_unknown_action_is_a_programming_error(personas: Personas) -> None:
    with pytest.raises(KeyError):
        policy.can(personas.coordinator, "network.fly", personas.network)
