"""Every export and erasure view: each role of both scopes, another network's person, anonymous."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from verbindend.live.models import Contribution, LiveSession, Participant, Step, cookie_name
from verbindend.networks.models import Person
from verbindend.privacy.models import AuditEvent, ConsentRecord, ConsentText, RetentionPolicy
from verbindend.testing.personas import PERSONAS, Personas, expected_status

ALLOWED = frozenset({"coordinator"})
VISIBLE = frozenset({"coordinator", "facilitator", "member", "observer", "researcher"})


def client_for(user: object) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)  # type: ignore[arg-type]
    return client


def network_urls(p: Personas) -> list[tuple[str, str]]:
    pk = p.person.pk
    return [
        ("get", reverse("privacy:person_export", args=["noord", pk, "json"])),
        ("get", reverse("privacy:person_export", args=["noord", pk, "html"])),
        ("get", reverse("privacy:person_erase", args=["noord", pk])),
        ("get", reverse("privacy:network_audit", args=["noord"])),
        ("get", reverse("privacy:retention", args=["noord"])),
    ]


@pytest.mark.parametrize("who", PERSONAS)
def test_network_privacy_pages_follow_the_permission_table(personas: Personas, who: str) -> None:
    client = client_for(getattr(personas, who))
    for method, url in network_urls(personas):
        response = getattr(client, method)(url)
        assert response.status_code in expected_status(
            who, allowed=ALLOWED, visible=VISIBLE, method=method
        ), (who, url, response.status_code)


def test_anonymous_visitors_are_sent_to_log_in(personas: Personas) -> None:
    client = Client()
    urls = [u for _m, u in network_urls(personas)] + [
        reverse("privacy:my_data"),
        reverse("privacy:my_export", args=["json"]),
        reverse("privacy:my_erase"),
        reverse("privacy:site_audit"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"], url


def test_a_coordinator_cannot_reach_another_networks_person(personas: Personas) -> None:
    client = client_for(personas.coordinator)
    other = personas.other_person.pk
    for url in [
        reverse("privacy:person_export", args=["noord", other, "json"]),
        reverse("privacy:person_export", args=["zuid", other, "json"]),
        reverse("privacy:person_erase", args=["noord", other]),
    ]:
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("privacy:person_erase", args=["zuid", other]), {"confirmation": "Zoë Zuid"}
    )
    assert response.status_code == 404
    assert Person.objects.get(pk=other).name == "Zoë Zuid"


def test_coordinator_exports_a_person_and_it_is_audited(personas: Personas) -> None:
    personas.person.email = "ann@noord.test"
    personas.person.save()
    client = client_for(personas.coordinator)
    response = client.get(
        reverse("privacy:person_export", args=["noord", personas.person.pk, "json"])
    )
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["apps"]["networks"]["people"][0]["email"] == "ann@noord.test"
    page = client.get(reverse("privacy:person_export", args=["noord", personas.person.pk, "html"]))
    assert b"ann@noord.test" in page.content
    event = AuditEvent.objects.filter(action="exported").first()
    assert event is not None and event.actor == personas.coordinator
    assert event.network == personas.network and event.subject_id == str(personas.person.pk)


def test_erasure_needs_the_typed_name(personas: Personas) -> None:
    client = client_for(personas.coordinator)
    url = reverse("privacy:person_erase", args=["noord", personas.person.pk])
    for typed in ["", "Ann", "Zoë Zuid", "x" * 400]:
        response = client.post(url, {"confirmation": typed})
        assert response.status_code == 400
        personas.person.refresh_from_db()
        assert personas.person.name == "Ann Noord"
    response = client.post(url, {"confirmation": "ann noord"})
    assert response.status_code == 302
    personas.person.refresh_from_db()
    assert personas.person.name.startswith("Participant ")
    assert AuditEvent.objects.filter(action="erased", network=personas.network).exists()


def test_members_and_observers_cannot_erase(personas: Personas) -> None:
    url = reverse("privacy:person_erase", args=["noord", personas.person.pk])
    for who in ["facilitator", "member", "observer", "researcher"]:
        response = client_for(getattr(personas, who)).post(url, {"confirmation": "Ann Noord"})
        assert response.status_code == 403, who
    personas.person.refresh_from_db()
    assert personas.person.name == "Ann Noord"


def test_viewing_a_person_and_the_people_list_is_audited(personas: Personas) -> None:
    client = client_for(personas.coordinator)
    client.get(reverse("networks:people", args=["noord"]))
    client.get(reverse("networks:person_edit", args=["noord", personas.person.pk]))
    kinds = set(AuditEvent.objects.values_list("subject_type", flat=True))
    assert {"network", "person"} <= kinds
    page = client.get(reverse("privacy:network_audit", args=["noord"]) + "?action=viewed")
    assert page.status_code == 200 and b"person #" in page.content


def test_the_audit_log_filters_and_is_scoped(personas: Personas) -> None:
    AuditEvent.objects.create(
        actor=personas.coordinator,
        action="viewed",
        subject_type="person",
        subject_id="1",
        network=personas.network,
    )
    AuditEvent.objects.create(
        actor=personas.other_coordinator,
        action="exported",
        subject_type="person",
        subject_id="2",
        network=personas.other_network,
    )
    mine = client_for(personas.coordinator).get(reverse("privacy:network_audit", args=["noord"]))
    assert list(mine.context["page"].object_list.values_list("subject_id", flat=True)) == ["1"]
    site = client_for(personas.admin).get(reverse("privacy:site_audit") + "?action=exported")
    assert [e.subject_id for e in site.context["page"].object_list] == ["2"]
    bad = client_for(personas.admin).get(reverse("privacy:site_audit") + "?since=yesterday")
    assert bad.status_code == 200 and len(bad.context["page"].object_list) == 2
    assert client_for(personas.coordinator).get(reverse("privacy:site_audit")).status_code == 403


def test_retention_is_edited_by_the_coordinator_with_bounds(personas: Personas) -> None:
    client = client_for(personas.coordinator)
    url = reverse("privacy:retention", args=["noord"])
    assert client.get(url).context["form"]["months"].value() == 24
    for bad in ["0", "-3", "241", "soon", ""]:
        assert client.post(url, {"months": bad}).status_code == 400, bad
    assert client.post(url, {"months": "36"}).status_code == 302
    assert RetentionPolicy.objects.get(network=personas.network).months == 36
    assert client_for(personas.member).post(url, {"months": "1"}).status_code == 403
    assert RetentionPolicy.objects.get(network=personas.network).months == 36


# -- my own data -------------------------------------------------------------------------------


def test_my_data_shows_only_my_records_and_exports_them(personas: Personas) -> None:
    personas.person.user = personas.member
    personas.person.save()
    client = client_for(personas.member)
    page = client.get(reverse("privacy:my_data"))
    assert b"Ann Noord" in page.content and b"Zo\xc3\xab Zuid" not in page.content
    data = json.loads(client.get(reverse("privacy:my_export", args=["json"])).content)
    assert [p["name"] for p in data["apps"]["networks"]["people"]] == ["Ann Noord"]
    assert client.get(reverse("privacy:my_export", args=["pdf"])).status_code == 404
    other = client_for(personas.outsider).get(reverse("privacy:my_export", args=["json"]))
    assert "networks" not in json.loads(other.content)["apps"]


def test_i_give_consent_to_the_current_text_and_withdraw_it(personas: Personas) -> None:
    personas.person.user = personas.member
    personas.person.save()
    client = client_for(personas.member)
    current = ConsentText.objects.current("research")
    assert current is not None
    url = reverse("privacy:my_consent_give", args=[personas.person.pk])
    assert client.post(url, {"purpose": "research", "text_version": "0.9"}).status_code == 302
    assert not ConsentRecord.objects.exists()  # a stale version is refused
    client.post(url, {"purpose": "research", "text_version": current.version})
    record = ConsentRecord.objects.get()
    assert record.text_version == current.version and record.withdrawn_at is None
    # someone else cannot give or withdraw it
    intruder = client_for(personas.outsider)
    assert intruder.post(url, {"purpose": "quoting", "text_version": "2026.1"}).status_code == 404
    withdraw = reverse("privacy:my_consent_withdraw", args=[record.pk])
    assert intruder.post(withdraw).status_code == 404
    client.post(withdraw)
    record.refresh_from_db()
    assert record.withdrawn_at is not None
    assert AuditEvent.objects.filter(action="consent").count() == 2
    history = client.get(reverse("privacy:my_data"))
    assert current.version.encode() in history.content


def test_i_erase_myself_after_typing_my_address(personas: Personas) -> None:
    personas.person.user = personas.member
    personas.person.email = "member@noord.test"
    personas.person.save()
    client = client_for(personas.member)
    url = reverse("privacy:my_erase")
    assert client.post(url, {"confirmation": "yes"}).status_code == 400
    assert client.post(url, {"confirmation": "MEMBER@noord.test"}).status_code == 302
    personas.member.refresh_from_db()
    personas.person.refresh_from_db()
    assert not personas.member.is_active and personas.member.email == ""
    assert personas.person.name.startswith("Participant ") and personas.person.email == ""
    assert client.get(reverse("privacy:my_data")).status_code == 302  # logged out


def test_consent_texts_show_every_version(personas: Personas) -> None:
    ConsentText.objects.create(
        purpose="research",
        version="2026.2",
        text_nl="Nieuw",
        text_en="New words",
        published_on=timezone.localdate(),
    )
    page = client_for(personas.member).get(reverse("privacy:consent_texts"))
    assert b"2026.1" in page.content and b"New words" in page.content
    assert ConsentText.objects.current("research").version == "2026.2"  # type: ignore[union-attr]


# -- a live participant, by the token on their phone -------------------------------------------


def _participant(p: Personas) -> tuple[LiveSession, Participant]:
    session = LiveSession.objects.create(network=p.network, title="Sessie")
    step = Step.objects.create(session=session, order=1, kind="open_answer", prompt="Wat?")
    participant = Participant.objects.create(session=session, display_name="Piet Telefoon")
    Contribution.objects.create(
        session=session,
        step=step,
        participant=participant,
        sequence=1,
        text="Mijn antwoord op de telefoon",
    )
    return session, participant


def test_a_participant_sees_downloads_and_erases_their_contributions(personas: Personas) -> None:
    session, participant = _participant(personas)
    phone = Client()
    phone.cookies[cookie_name(session.public_id)] = participant.token
    page = phone.get(reverse("live:my_data", args=[session.public_id]))
    assert page.status_code == 200 and b"Mijn antwoord op de telefoon" in page.content
    data = phone.get(reverse("live:my_data_export", args=[session.public_id, "json"]))
    assert json.loads(data.content)["apps"]["live"]["participants"][0]["name"] == "Piet Telefoon"
    erase = reverse("live:my_erase", args=[session.public_id])
    assert phone.post(erase).status_code == 302  # without the tick nothing happens
    assert Contribution.objects.get().text == "Mijn antwoord op de telefoon"
    assert phone.post(erase, {"confirm": "yes"}).status_code == 302
    assert Contribution.objects.get().text == ""
    participant.refresh_from_db()
    assert (
        participant.display_name == ""
        and participant.token != phone.cookies[cookie_name(session.public_id)].value
    )
    # the old token opens nothing any more
    assert phone.get(reverse("live:my_data", args=[session.public_id])).status_code == 404


def test_a_participant_page_needs_the_token_of_that_session(personas: Personas) -> None:
    session, participant = _participant(personas)
    other, _theirs = _participant(personas)
    anonymous = Client()
    assert anonymous.get(reverse("live:my_data", args=[session.public_id])).status_code == 404
    wrong = Client()
    wrong.cookies[cookie_name(other.public_id)] = participant.token
    assert wrong.get(reverse("live:my_data", args=[other.public_id])).status_code == 404
    assert (
        wrong.post(reverse("live:my_erase", args=[other.public_id]), {"confirm": "yes"}).status_code
        == 404
    )
    coordinator = client_for(personas.coordinator)
    url = reverse("live:my_data_export", args=[session.public_id, "json"])
    assert coordinator.get(url).status_code == 404


def test_exports_of_free_text_elsewhere_are_audited(personas: Personas) -> None:
    from verbindend.historyline.models import Exercise

    session, _someone = _participant(personas)
    exercise = Exercise.objects.create(
        network=personas.network,
        title="Tijdlijn",
        start_date=timezone.localdate().replace(year=2015),
    )
    client = client_for(personas.facilitator)
    assert client.get(reverse("live:export", args=[session.pk, "csv"])).status_code == 200
    assert client.get(reverse("historyline:stories", args=[exercise.pk])).status_code == 200
    assert client.get(reverse("historyline:moments_csv", args=[exercise.pk])).status_code == 200
    details = set(
        AuditEvent.objects.filter(action="exported", network=personas.network).values_list(
            "detail", flat=True
        )
    )
    assert details == {"synthesis.csv", "stories.txt", "moments.csv"}


def test_my_data_speaks_dutch_and_erasure_uses_a_dutch_pseudonym(
    personas: Personas, settings: object
) -> None:
    from verbindend.privacy import rights
    from verbindend.privacy.personal_data import DataSubject

    personas.member.preferred_language = "nl"
    personas.member.save()
    page = client_for(personas.member).get(reverse("privacy:my_data"))
    assert "Mijn gegevens" in page.content.decode()
    texts = client_for(personas.member).get(reverse("privacy:consent_texts")).content.decode()
    assert "Toestemmingsteksten" in texts and "Je doet mee aan de leeractiviteiten" in texts
    settings.LANGUAGE_CODE = "nl"  # type: ignore[attr-defined]
    pseudonym = rights.erase_subject(DataSubject(person=personas.person), by=None)
    assert pseudonym.label.startswith("Deelnemer ")


def test_researchers_reading_respondents_and_transcripts_are_audited(personas: Personas) -> None:
    from verbindend.studies.models import Case, Document, DocumentKind, Respondent

    case = Case.objects.get(study=personas.study, network=personas.network)
    respondent = Respondent.objects.create(study=personas.study, case=case, person=personas.person)
    transcript = Document.objects.create(
        study=personas.study,
        case=case,
        respondent=respondent,
        kind=DocumentKind.TRANSCRIPT,
        title="Interview",
        text="Tekst",
        length=5,
        paragraph_starts=[0],
    )
    client = client_for(personas.researcher)
    assert client.get(reverse("studies:respondents", args=["studie-a", case.pk])).status_code == 200
    assert (
        client.get(reverse("studies:respondent", args=["studie-a", respondent.pk])).status_code
        == 200
    )
    assert (
        client.get(reverse("studies:document", args=["studie-a", transcript.pk])).status_code == 200
    )
    seen = set(
        AuditEvent.objects.filter(actor=personas.researcher, network=personas.network).values_list(
            "subject_type", "detail"
        )
    )
    assert seen == {("case", "respondents"), ("respondent", ""), ("document", "transcript")}
    # the coordinator of the network sees it in the network's log
    log = client_for(personas.coordinator).get(reverse("privacy:network_audit", args=["noord"]))
    assert len(log.context["page"].object_list) == 3
