"""Advice for the network's kind in the welcome pack (page, shared page, PDF), and the rules'
use of the network's fields."""

from __future__ import annotations

import io

import pypdf
from django.test import Client
from django.urls import reverse

from verbindend.method import guidance
from verbindend.networks import life
from verbindend.networks.models import GoalOrigin, Network, Phase
from verbindend.testing import readable
from verbindend.testing.personas import Personas


def client_for(user, lang: str = "en") -> Client:  # type: ignore[no-untyped-def]
    client = Client(headers={"accept-language": lang})
    client.force_login(user)
    return client


def test_the_rules_use_the_networks_fields_and_choices() -> None:
    for name in guidance.FIELDS:
        choices = {value for value, _label in Network._meta.get_field(name).choices or []}
        assert choices, name
        for rule in guidance.rules():
            if rule.attrs["profile_field"] == name:
                values = rule.attrs["profile_values"]
                assert isinstance(values, tuple)
                assert set(values) <= choices, rule.key


def test_the_welcome_pack_gives_the_advice_for_its_network(personas: Personas) -> None:
    p = personas
    Network.objects.filter(pk=p.network.pk).update(phase=Phase.ENDING)
    Network.objects.filter(pk=p.other_network.pk).update(goal_origin=GoalOrigin.MANDATED)
    url = reverse("networks:welcome", args=[p.network.slug])
    html = client_for(p.member, "nl").get(url).content.decode()
    assert 'data-testid="welcome-guidance"' in html
    assert html.index("welcome-profile") < html.index("welcome-guidance")
    assert 'data-guidance="guidance.secure_learning"' in html
    assert "Borg wat jullie geleerd hebben" in html and "Levensfase: Afronding" in html
    assert "Bron:" in html and "principe 5 (kennisdoorstroom naar de organisaties)" in html
    assert "guidance.mandated_goal" not in html and "data-guidance-empty" not in html
    part = html.split('data-testid="welcome-guidance"', 1)[1].split("</section>", 1)[0]
    assert readable.problems(part) == []
    # the pack speaks as the network, under "Advies voor ons soort netwerk"
    assert "Voor ons soort netwerk" in part and "Voor jullie soort netwerk" not in part

    pdf = client_for(p.member, "en").get(reverse("networks:welcome_pdf", args=[p.network.slug]))
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Secure what you have learned" in text
    assert "Source:" in text and "Linking it to the ending phase is" in text
    assert "Make the mandated goal your own" not in text

    link = life.create_welcome_link(
        network=p.other_network, days=7, note="", by=p.other_coordinator
    )
    shared = Client().get(reverse("networks:welcome_shared", args=[link.token]))
    shared_html = shared.content.decode()
    assert 'data-guidance="guidance.mandated_goal"' in shared_html
    assert "guidance.secure_learning" not in shared_html
    assert "data-guidance-empty" not in shared_html  # a newcomer is not asked to edit


def test_without_a_profile_the_pack_has_no_advice_and_the_page_says_why(
    personas: Personas,
) -> None:
    p = personas
    url = reverse("networks:welcome", args=[p.network.slug])
    html = client_for(p.coordinator).get(url).content.decode()
    assert "welcome-guidance" not in html and "data-guidance=" not in html
    assert "to get advice for your kind of network" in html
    assert f'href="{reverse("networks:edit", args=[p.network.slug])}"' in html
    member = client_for(p.member).get(url).content.decode()
    assert "The coordinator can fill them in." in member
