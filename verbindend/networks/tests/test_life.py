"""Organisation pages, roles and competences, the onboarding checklist and the welcome pack."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

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
from verbindend.testing.personas import Personas


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_an_organisation_page_shows_its_people_and_history(personas: Personas) -> None:
    p = personas
    url = reverse("networks:organisation", args=[p.network.slug, p.organisation.pk])
    page = client_for(p.coordinator).get(url).content.decode()
    assert "Organisatie Één" in page and "Ann Noord" in page
    member_page = client_for(p.member).get(url).content.decode()
    assert "Ann Noord" not in member_page  # members see a count, not the names
    assert "1 person in this network" in member_page
    assert client_for(p.other_coordinator).get(url).status_code == 404
    other = reverse("networks:organisation", args=[p.network.slug, 999999])
    assert client_for(p.coordinator).get(other).status_code == 404
    assert Client().get(url).status_code == 302  # nobody: to the login


def test_an_organisation_of_another_network_is_not_shown_here(personas: Personas) -> None:
    p = personas
    elsewhere = p.other_network.memberships.first().organisation  # type: ignore[union-attr]
    url = reverse("networks:organisation", args=[p.network.slug, elsewhere.pk])
    assert client_for(p.coordinator).get(url).status_code == 404


def test_roles_are_described_held_and_rotated(personas: Personas) -> None:
    p = personas
    client = client_for(p.coordinator)
    url = reverse("networks:roles", args=[p.network.slug])
    client.post(url, {"do": "role", "title": "Voorzitter", "valued_for": "Houdt het doel vast"})
    role = Role.objects.get(network=p.network)
    client.post(url, {"do": "holder", "role": role.pk, "person": p.person.pk})
    holder = RoleHolder.objects.get(role=role)
    assert holder.until is None
    client.post(url, {"do": "end", "holder": holder.pk})
    holder.refresh_from_db()
    assert holder.until == timezone.localdate()  # handed on; the history stays
    page = client_for(p.member).get(url).content.decode()
    assert "Voorzitter" in page and "Houdt het doel vast" in page
    assert "1 earlier holder" in page


def test_members_cannot_change_roles_and_other_networks_people_are_refused(
    personas: Personas,
) -> None:
    p = personas
    url = reverse("networks:roles", args=[p.network.slug])
    assert client_for(p.member).post(url, {"do": "role", "title": "X"}).status_code == 403
    role = Role.objects.create(network=p.network, title="Gastheer")
    response = client_for(p.coordinator).post(
        url, {"do": "holder", "role": role.pk, "person": p.other_person.pk}
    )
    assert response.status_code == 404
    assert not RoleHolder.objects.exists()
    bad = client_for(p.coordinator).post(url, {"do": "nonsense"})
    assert bad.status_code == 400


def test_the_networker_profile_takes_method_and_own_competences(personas: Personas) -> None:
    p = personas
    keys = [n.key for n in life.method_competences()][:2]
    url = reverse("networks:roles", args=[p.network.slug])
    client_for(p.coordinator).post(
        url, {"do": "competences", "competence": keys, "own": "Sectortaal spreken\n\n"}
    )
    assert set(Competence.objects.values_list("content_key", flat=True)) == {*keys, ""}
    assert Competence.objects.get(content_key="").title == "Sectortaal spreken"
    client_for(p.coordinator).post(url, {"do": "competences", "competence": ["competence.nope"]})
    assert Competence.objects.count() == 3  # unknown keys change nothing


def test_the_checklist_starts_from_the_method_and_is_ticked_per_newcomer(
    personas: Personas,
) -> None:
    p = personas
    newcomer = Person.objects.create(network=p.network, name="Nieuw", tenure=Tenure.NEWCOMER)
    url = reverse("networks:roles", args=[p.network.slug])
    page = client_for(p.coordinator).get(url).content.decode()
    assert "Nieuw" in page and "The welcome pack shared" in page
    item = p.network.checklist.first()
    client_for(p.coordinator).post(url, {"do": "tick", "item": item.pk, "person": newcomer.pk})
    assert ChecklistTick.objects.filter(item=item, person=newcomer).exists()
    client_for(p.coordinator).post(url, {"do": "tick", "item": item.pk, "person": newcomer.pk})
    assert not ChecklistTick.objects.exists()  # a second click unticks


def test_the_welcome_pack_page_and_pdf(personas: Personas) -> None:
    p = personas
    page = client_for(p.member).get(reverse("networks:welcome", args=[p.network.slug]))
    html = page.content.decode()
    assert "Welcome to Netwerk Noord" in html
    for key in ("profile", "learning_goals", "roles", "knowledge_carriers", "milestones"):
        assert f'data-testid="welcome-{key}"' in html, key
    assert "welcome-links" not in html and "Make a link" not in html  # members do not share
    pdf = client_for(p.member).get(reverse("networks:welcome_pdf", args=[p.network.slug]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_welcome_link_works_without_account_until_it_expires_or_is_withdrawn(
    personas: Personas,
) -> None:
    p = personas
    client_for(p.coordinator).post(
        reverse("networks:welcome_links", args=[p.network.slug]), {"days": "7", "note": "Lies"}
    )
    link = WelcomeLink.objects.get()
    assert timedelta(days=6) < link.expires_at - timezone.now() <= timedelta(days=7)
    shared = reverse("networks:welcome_shared", args=[link.token])
    response = Client().get(shared)
    assert response.status_code == 200 and "Welcome to Netwerk Noord" in response.content.decode()
    assert Client().get(reverse("networks:welcome_shared_pdf", args=[link.token])).content[:4] == (
        b"%PDF"
    )
    WelcomeLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = Client().get(shared)
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    WelcomeLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() + timedelta(days=1))
    client_for(p.coordinator).post(
        reverse("networks:welcome_link_revoke", args=[p.network.slug, link.pk])
    )
    assert Client().get(shared).status_code == 410
    assert Client().get(reverse("networks:welcome_shared", args=["guess"])).status_code == 404


def test_only_the_coordinator_makes_links_and_only_for_chosen_times(personas: Personas) -> None:
    p = personas
    url = reverse("networks:welcome_links", args=[p.network.slug])
    assert client_for(p.member).post(url, {"days": "7"}).status_code == 403
    assert client_for(p.other_coordinator).post(url, {"days": "7"}).status_code == 404
    assert client_for(p.coordinator).post(url, {"days": "100000"}).status_code == 400
    assert not WelcomeLink.objects.exists()
    link = life.create_welcome_link(network=p.network, days=7, note="", by=p.coordinator)
    revoke = reverse("networks:welcome_link_revoke", args=[p.other_network.slug, link.pk])
    assert client_for(p.other_coordinator).post(revoke).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def _said(session, step, organisation: str, texts: list[str]) -> None:  # type: ignore[no-untyped-def]
    from verbindend.live.models import Contribution, Participant

    for i, text in enumerate(texts):
        who = Participant.objects.create(session=session, display_name=f"{organisation} {i}")
        Contribution.objects.create(
            session=session,
            step=step,
            participant=who,
            sequence=Contribution.objects.count() + 1,
            text=text,
            organisation_name=organisation,
        )


def test_an_organisation_page_credits_only_what_the_synthesis_would(personas: Personas) -> None:
    """One person of a small organisation answered beside six of a large one: the small one's
    answer is not pinned to it on its page (by anyone), the large one's answers are; a
    key-figure interview is read only by those who run sessions."""
    from verbindend.live import services
    from verbindend.live.models import StepKind
    from verbindend.networks.models import Organisation, OrganisationMembership

    p = personas
    large = Organisation.objects.create(name="Grote Vzw")
    OrganisationMembership.objects.create(network=p.network, organisation=large)
    group = services.create_session(
        creator=p.facilitator, template="focus_group", network=p.network
    )
    step = group.steps.filter(kind=StepKind.SENTENCE_COMPLETION).first()
    assert step is not None
    _said(group, step, p.organisation.name, ["Alleen wij zeiden dit"])
    _said(group, step, large.name, [f"Grote les {i}" for i in range(6)])
    _said(group, step, "", [f"Zonder naam {i}" for i in range(5)])
    interview = services.create_session(
        creator=p.facilitator, template="key_figure_interview", network=p.network
    )
    _said(interview, interview.steps.first(), p.organisation.name, ["Wat de sleutelfiguur zei"])

    small_url = reverse("networks:organisation", args=[p.network.slug, p.organisation.pk])
    large_url = reverse("networks:organisation", args=[p.network.slug, large.pk])
    for user in (p.member, p.coordinator):
        assert "Alleen wij zeiden dit" not in client_for(user).get(small_url).content.decode()
        assert "Grote les 3" in client_for(user).get(large_url).content.decode()
    assert "Wat de sleutelfiguur zei" not in client_for(p.member).get(small_url).content.decode()
    assert "Wat de sleutelfiguur zei" in client_for(p.facilitator).get(small_url).content.decode()
