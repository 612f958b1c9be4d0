from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from verbindend.networks.models import Network, NetworkRole, Organisation, Person
from verbindend.studies.models import Case
from verbindend.testing.personas import Personas, build


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_it_creates_a_network_and_makes_its_creator_coordinator(personas: Personas) -> None:
    client = client_for(personas.outsider)
    response = client.post(
        reverse("networks:create"),
        {
            "name": "Netwerk Één & Twee",
            "governance_form": "lead_organisation",
            "sectors": ["education", "care"],
            "scale": "flemish",
            "phase": "starting",
            "k_threshold": 5,
        },
    )
    network = Network.objects.get(name="Netwerk Één & Twee")
    assert response["Location"] == network.get_absolute_url()
    assert network.slug == "netwerk-een-twee"
    assert network.sectors == ["education", "care"]
    assert NetworkRole.objects.filter(
        user=personas.outsider, network=network, role="coordinator"
    ).exists()


def test_it_rejects_wrong_method(personas: Personas) -> None:
    client = client_for(personas.coordinator)
    assert client.delete(reverse("networks:detail", args=["noord"])).status_code == 405
    assert client.get(reverse("networks:case_decide", args=["noord", 1])).status_code == 405


def test_a_taken_short_name_is_refused(personas: Personas) -> None:
    response = client_for(personas.outsider).post(
        reverse("networks:create"), {"name": "X", "slug": "noord", "k_threshold": 5}
    )
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors


@pytest.mark.parametrize("k", ["4", "0", "-1", "abc", "101"])
def test_k_below_five_or_nonsense_is_refused(personas: Personas, k: str) -> None:
    response = client_for(personas.coordinator).post(
        reverse("networks:edit", args=["noord"]),
        {"name": "Noord", "slug": "noord", "k_threshold": k},
    )
    assert response.status_code == 200
    assert Network.objects.get(slug="noord").k_threshold == 5


def test_script_in_a_name_is_shown_as_text(personas: Personas) -> None:
    personas.network.name = "<script>alert(1)</script>"
    personas.network.description = "<img src=x onerror=alert(1)>"
    personas.network.save()
    page = client_for(personas.member).get(reverse("networks:detail", args=["noord"]))
    assert b"<script>alert(1)" not in page.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content
    assert b"<img src=x" not in page.content


def test_the_page_shows_the_composition_as_svg(personas: Personas) -> None:
    page = client_for(personas.member).get(reverse("networks:detail", args=["noord"]))
    assert page.content.count(b"<svg") >= 3
    assert b'role="img"' in page.content


def test_the_page_counts_as_the_reports_do_in_two_reads(personas: Personas) -> None:
    from verbindend.networks import counts, services

    with CaptureQueriesContext(connection) as reads:
        found = services.composition(personas.network)
    assert len(reads.captured_queries) == 2
    assert found.organisations == counts.organisation_count(personas.network)
    assert found.people == counts.people(personas.network).count()
    assert sum(n for _role, n in found.role) == found.people
    page = client_for(personas.member).get(reverse("networks:detail", args=["noord"]))
    assert page.context["organisation_count"] == found.organisations
    assert page.context["people_count"] == found.people


def test_delete_needs_the_name_typed(personas: Personas) -> None:
    client = client_for(personas.coordinator)
    wrong = client.post(reverse("networks:delete", args=["noord"]), {"confirm": "Zuid"})
    assert wrong.status_code == 200
    assert Network.objects.filter(slug="noord").exists()
    right = client.post(reverse("networks:delete", args=["noord"]), {"confirm": "Netwerk Noord"})
    assert right.status_code == 302
    assert not Network.objects.filter(slug="noord").exists()
    assert Network.objects.filter(slug="zuid").exists()


def test_adding_an_organisation_with_a_period(personas: Personas) -> None:
    client = client_for(personas.coordinator)
    response = client.post(
        reverse("networks:organisation_add", args=["noord"]),
        {"org-name": "Nieuwe vzw", "org-sector": "care", "period-joined_on": "2020-01-01"},
    )
    assert response.status_code == 302
    assert personas.network.memberships.filter(organisation__name="Nieuwe vzw").exists()


def test_leaving_before_joining_is_refused_and_saves_nothing(personas: Personas) -> None:
    client = client_for(personas.coordinator)
    response = client.post(
        reverse("networks:organisation_add", args=["noord"]),
        {"org-name": "Halve vzw", "period-joined_on": "2020-01-01", "period-left_on": "2019-01-01"},
    )
    assert response.status_code == 200
    assert not Organisation.objects.filter(name="Halve vzw").exists()


def test_person_with_duplicate_email_is_refused(personas: Personas) -> None:
    Person.objects.create(network=personas.network, name="A", email="a@x.test")
    response = client_for(personas.coordinator).post(
        reverse("networks:person_add", args=["noord"]), {"name": "B", "email": "A@x.test"}
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors


def test_person_cannot_be_tied_to_another_networks_organisation(personas: Personas) -> None:
    elders = Organisation.objects.get(name="Elders vzw")
    response = client_for(personas.coordinator).post(
        reverse("networks:person_add", args=["noord"]), {"name": "B", "organisation": elders.pk}
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors


def test_people_list_paginates_and_searches(personas: Personas) -> None:
    Person.objects.bulk_create(
        Person(network=personas.network, name=f"Persoon {i:03d}") for i in range(120)
    )
    client = client_for(personas.coordinator)
    first = client.get(reverse("networks:people", args=["noord"]))
    assert first.context["page"].paginator.num_pages == 3
    found = client.get(reverse("networks:people", args=["noord"]), {"q": "Persoon 007"})
    assert [p.name for p in found.context["page"].object_list] == ["Persoon 007"]
    assert (
        client.get(reverse("networks:people", args=["noord"]), {"page": "999"}).status_code == 200
    )
    assert client.get(reverse("networks:people", args=["noord"]), {"page": "x"}).status_code == 200


def test_removing_a_person_needs_a_post(personas: Personas) -> None:
    client = client_for(personas.coordinator)
    url = reverse("networks:person_delete", args=["noord", personas.person.pk])
    assert client.get(url).status_code == 200
    assert Person.objects.filter(pk=personas.person.pk).exists()
    client.post(url)
    assert not Person.objects.filter(pk=personas.person.pk).exists()


def test_the_last_coordinator_cannot_be_removed(personas: Personas) -> None:
    grant = NetworkRole.objects.get(user=personas.coordinator, network=personas.network)
    response = client_for(personas.coordinator).post(
        reverse("networks:role_remove", args=["noord", grant.pk])
    )
    assert response.status_code == 400
    assert NetworkRole.objects.filter(pk=grant.pk).exists()


def test_bulk_invitations_go_to_people_with_an_address(personas: Personas, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    a = Person.objects.create(network=personas.network, name="A", email="a@x.test")
    b = Person.objects.create(network=personas.network, name="B", email="b@x.test")
    response = client_for(personas.coordinator).post(
        reverse("networks:team", args=["noord"]),
        {"bulk": "1", "people": [a.pk, b.pk], "role": "member"},
    )
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mailoutbox) == ["a@x.test", "b@x.test"]


def test_coordinator_agrees_to_a_case(personas: Personas) -> None:
    case = Case.objects.create(study=personas.other_study, network=personas.network)
    client_for(personas.coordinator).post(
        reverse("networks:case_decide", args=["noord", case.pk]), {"decision": "agree"}
    )
    case.refresh_from_db()
    assert case.status == "agreed" and case.decided_by == personas.coordinator


class TestFormsNeverCrash(HypothesisTestCase):
    """Whatever is typed into the profile and person forms: a page, never a 500."""

    @given(
        name=st.text(max_size=400),
        goal=st.text(max_size=3000),
        founded=st.text(max_size=20),
        sectors=st.lists(st.text(max_size=20), max_size=4),
    )
    def test_network_form(self, name: str, goal: str, founded: str, sectors: list[str]) -> None:
        p = build()
        client = client_for(p.coordinator)
        before = Network.objects.count()
        response = client.post(
            reverse("networks:create"),
            {
                "name": name,
                "common_goal": goal,
                "founded_on": founded,
                "sectors": sectors,
                "k_threshold": 5,
            },
        )
        assert response.status_code in {200, 302}
        if response.status_code == 200:
            assert Network.objects.count() == before

    @given(
        name=st.text(max_size=400),
        email=st.text(max_size=300),
        since=st.text(max_size=20),
        tenure=st.text(max_size=20),
    )
    def test_person_form(self, name: str, email: str, since: str, tenure: str) -> None:
        p = build()
        before = Person.objects.count()
        response = client_for(p.coordinator).post(
            reverse("networks:person_add", args=["noord"]),
            {"name": name, "email": email, "involved_since": since, "tenure": tenure},
        )
        assert response.status_code in {200, 302}
        if response.status_code == 200:
            assert Person.objects.count() == before
