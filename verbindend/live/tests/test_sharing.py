"""A network's session reaches a study only when the network's coordinator offers it."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from verbindend.live import services
from verbindend.live.models import SharedSession
from verbindend.studies.models import Case, CaseStatus, Document

from .conftest import Room


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def answered(room: Room, name: str, text: str) -> None:
    services.enter_for(session=room.session, step=room.step, name=name, text=text)


def test_the_coordinator_offers_the_session_and_the_study_reads_it_without_names(
    room: Room,
) -> None:
    p = room.p
    case = Case.objects.get(study=p.study, network=p.network)
    url = reverse("live:share", args=[room.session.pk])
    answered(room, "Bea Vandamme", "Samen sterker staan bij subsidies")
    services.save_synthesis(session=room.session, notes="", user=p.facilitator)
    assert not Document.objects.filter(study=p.study).exists()  # nothing without consent

    page = client_for(p.coordinator).get(reverse("live:synthesis", args=[room.session.pk]))
    assert f'data-testid="offer-{case.pk}"' in page.content.decode()
    response = client_for(p.coordinator).post(url, {"case": case.pk})
    assert response.status_code == 302
    document = Document.objects.get(study=p.study, origin_ref=f"live-session:{room.session.pk}")
    assert document.case == case
    assert "Samen sterker staan bij subsidies" in document.text
    assert "Bea" not in document.text and p.organisation.name not in document.text
    assert SharedSession.objects.get(session=room.session).shared_by == p.coordinator
    # the study's researcher opens it like any material
    assert client_for(p.researcher).get(document.get_absolute_url()).status_code == 200

    # a new save renews the text in the study
    answered(room, "", "Een gedeelde intakefiche")
    services.save_synthesis(session=room.session, notes="", user=p.facilitator)
    document.refresh_from_db()
    assert "Een gedeelde intakefiche" in document.text


def test_only_the_coordinator_gives_consent(room: Room) -> None:
    p = room.p
    case = Case.objects.get(study=p.study, network=p.network)
    url = reverse("live:share", args=[room.session.pk])
    for user in (p.facilitator, p.member, p.observer, p.researcher, p.other_coordinator):
        assert client_for(user).post(url, {"case": case.pk}).status_code in (403, 404)
    assert Client().post(url, {"case": case.pk}).status_code == 302  # to the login page
    assert not SharedSession.objects.exists()
    page = client_for(p.facilitator).get(reverse("live:synthesis", args=[room.session.pk]))
    assert "the network’s coordinator decides" in page.content.decode()


def test_no_offer_to_a_study_the_network_is_not_agreed_with(room: Room) -> None:
    p = room.p
    url = reverse("live:share", args=[room.session.pk])
    other_case = Case.objects.get(study=p.other_study)  # another network's case
    assert client_for(p.coordinator).post(url, {"case": other_case.pk}).status_code == 404
    proposed = Case.objects.get(study=p.study, network=p.network)
    proposed.status = CaseStatus.PROPOSED
    proposed.save()
    refused = client_for(p.coordinator).post(url, {"case": proposed.pk})
    assert refused.status_code == 400
    for junk in ("", "x", "²", "99999999999999999999999"):
        assert client_for(p.coordinator).post(url, {"case": junk}).status_code == 404
    assert not Document.objects.filter(study=p.study).exists()


def test_withdrawing_asks_first_then_removes_the_material(room: Room) -> None:
    p = room.p
    case = Case.objects.get(study=p.study, network=p.network)
    url = reverse("live:share", args=[room.session.pk])
    coordinator = client_for(p.coordinator)
    coordinator.post(url, {"case": case.pk})
    assert Document.objects.filter(study=p.study).count() == 1
    unconfirmed = coordinator.post(url, {"case": case.pk, "action": "withdraw"})
    assert unconfirmed.status_code == 400
    assert Document.objects.filter(study=p.study).count() == 1
    coordinator.post(url, {"case": case.pk, "action": "withdraw", "confirm": "yes"})
    assert not Document.objects.filter(study=p.study).exists()
    assert not SharedSession.objects.exists()


def test_the_studys_researchers_hear_of_an_offer_once(room: Room) -> None:
    from verbindend.notices.models import Notice

    p = room.p
    case = Case.objects.get(study=p.study, network=p.network)
    url = reverse("live:share", args=[room.session.pk])
    coordinator = client_for(p.coordinator)
    coordinator.post(url, {"case": case.pk})
    coordinator.post(url, {"case": case.pk})  # offered again: no second notice
    notices = Notice.objects.filter(kind="session.offered")
    assert [n.recipient for n in notices] == [p.researcher]
    document = Document.objects.get(study=p.study, origin_ref=f"live-session:{room.session.pk}")
    assert notices.get().url == document.get_absolute_url()
    assert room.session.title in notices.get().title
    assert not Notice.objects.filter(kind="session.offered", recipient=p.other_researcher)
