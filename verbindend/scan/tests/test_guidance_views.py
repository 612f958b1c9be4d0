"""Advice for a kind of network on a round's results and its dialogue agenda."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from verbindend.networks.models import GoalOrigin, GovernanceForm, Network, Phase
from verbindend.scan.models import Round
from verbindend.scan.tests.builders import make_round, many
from verbindend.testing import readable
from verbindend.testing.personas import Personas


def client_for(user, lang: str = "en") -> Client:  # type: ignore[no-untyped-def]
    client = Client(headers={"accept-language": lang})
    client.force_login(user)
    return client


def profile(network: Network, **fields: str) -> None:
    Network.objects.filter(pk=network.pk).update(**fields)


def closed_round(network: Network) -> Round:
    round_ = make_round(network)  # items of principles 1 and 2: both are on the agenda
    many(round_, 6, [4, 3, 2])
    return round_


@pytest.fixture
def noord(personas: Personas) -> Round:
    profile(
        personas.network,
        governance_form=GovernanceForm.PARTICIPANT_GOVERNED,
        goal_origin=GoalOrigin.MANDATED,
        phase=Phase.GROWING,
    )
    return closed_round(personas.network)


def page(user, name: str, round_: Round, lang: str = "en") -> str:  # type: ignore[no-untyped-def]
    url = reverse(f"scan:{name}", args=[round_.network.slug, round_.pk])
    response = client_for(user, lang).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_agenda_shows_advice_beside_the_principle_it_concerns(
    personas: Personas, noord: Round
) -> None:
    html = page(personas.member, "agenda", noord)
    p2 = html.split('data-principle="principle.p2"')[1].split("</li>")[0]
    assert 'data-guidance="guidance.shared_steering"' in p2
    assert 'data-guidance="guidance.look_back"' in p2
    assert "Agree on who brings up learning" in p2
    assert "Report: principle 2 (who is best placed to lead this?)" in p2  # the source
    assert "Form of governance: Participant-governed" in p2
    p1 = html.split('data-principle="principle.p1"')[1].split("</li>")[0]
    assert "data-guidance=" not in p1  # no rule is about principle 1
    # Advice about principles that are not on this agenda comes after the topics, once.
    rest = html.split("More advice for your kind of network")[1]
    assert 'data-guidance="guidance.mandated_goal"' in rest  # principle 3
    assert 'data-guidance="guidance.newcomers"' in rest  # principle 4
    assert html.count('data-guidance="guidance.look_back"') == 1
    assert "data-guidance-empty" not in html


def test_the_results_show_all_advice_with_sources_in_dutch(
    personas: Personas, noord: Round
) -> None:
    html = page(personas.observer, "round", noord, lang="nl")
    for key in (
        "guidance.look_back",
        "guidance.newcomers",
        "guidance.mandated_goal",
        "guidance.shared_steering",
    ):
        assert f'data-guidance="{key}"' in html, key
    assert "Advies voor jullie soort netwerk" in html
    assert "Maak het opgelegde doel tot jullie eigen doel" in html
    assert "Levensfase: Doorgroei" in html
    assert "Bron:" in html and "Rapport: de diepte-interviews" in html
    assert "guidance.look_back" not in html.split('data-guidance="guidance.look_back"', 1)[1]
    section = html.split("data-guidance-section", 1)[1].split("</section>", 1)[0]
    assert readable.problems(section) == []
    agenda = page(personas.observer, "agenda", noord, lang="nl")
    assert readable.problems(agenda) == []


def test_advice_follows_the_network_and_not_another(personas: Personas, noord: Round) -> None:
    profile(personas.other_network, phase=Phase.STARTING)
    zuid = closed_round(personas.other_network)
    html = page(personas.other_coordinator, "round", zuid)
    assert 'data-guidance="guidance.starting_agreements"' in html
    assert "guidance.shared_steering" not in html and "guidance.look_back" not in html
    noord_html = page(personas.member, "round", noord)
    assert "guidance.starting_agreements" not in noord_html


def test_without_a_profile_the_page_asks_to_fill_it_in(personas: Personas) -> None:
    round_ = closed_round(personas.network)
    edit = reverse("networks:edit", args=[personas.network.slug])
    for name in ("round", "agenda"):
        html = page(personas.coordinator, name, round_)
        assert "data-guidance=" not in html
        assert html.count("data-guidance-empty") == 1
        assert "to get advice for your kind of network" in html
        assert f'href="{edit}"' in html
        member = page(personas.member, name, round_)
        assert "data-guidance-empty" in member and f'href="{edit}"' not in member
        assert "The coordinator can fill them in." in member


def test_advice_about_two_principles_of_the_agenda_appears_once_at_the_first(
    personas: Personas,
) -> None:
    profile(personas.network, phase=Phase.GROWING)
    round_ = make_round(personas.network, items=["scan.p2.s1", "scan.p4.s1"])
    many(round_, 6, [2, 3])
    html = page(personas.member, "agenda", round_)
    p2 = html.split('data-principle="principle.p2"')[1].split("</li>")[0]
    p4 = html.split('data-principle="principle.p4"')[1].split("</li>")[0]
    assert 'data-guidance="guidance.look_back"' in p2  # about principles 2 and 4
    assert "guidance.look_back" not in p4
    assert 'data-guidance="guidance.newcomers"' in p4
    assert html.count('data-guidance="guidance.look_back"') == 1
    assert "More advice for your kind of network" not in html  # nothing left for the end
