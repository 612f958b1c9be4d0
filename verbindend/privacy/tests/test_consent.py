from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from verbindend.privacy.models import ConsentRecord
from verbindend.testing.personas import Personas


def post_consent(client: Client, p: Personas, **data: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("networks:consent_add", args=["noord", p.person.pk]), data)


def test_coordinator_records_and_withdraws_consent(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.coordinator)
    post_consent(
        client, personas, purpose="research", text_version="2026.1", given_at="2026-11-01T10:00"
    )
    record = ConsentRecord.objects.get(person=personas.person)
    assert record.purpose == "research" and record.withdrawn_at is None
    page = client.get(reverse("networks:person_edit", args=["noord", personas.person.pk]))
    assert b"2026.1" in page.content
    client.post(reverse("networks:consent_withdraw", args=["noord", record.pk]))
    record.refresh_from_db()
    assert record.withdrawn_at is not None
    again = client.post(reverse("networks:consent_withdraw", args=["noord", record.pk]))
    assert again.status_code == 400


@pytest.mark.parametrize(
    "data",
    [
        {"purpose": "selling", "text_version": "1", "given_at": "2026-11-01T10:00"},
        {"purpose": "research", "text_version": "", "given_at": "2026-11-01T10:00"},
        {"purpose": "research", "text_version": "x" * 41, "given_at": "2026-11-01T10:00"},
        {"purpose": "research", "text_version": "1", "given_at": "yesterday"},
        {},
    ],
)
def test_bad_consent_is_refused_with_a_message(personas: Personas, data: dict[str, str]) -> None:
    client = Client()
    client.force_login(personas.coordinator)
    response = post_consent(client, personas, **data)
    assert response.status_code == 302
    assert not ConsentRecord.objects.exists()
    page = client.get(response["Location"])
    assert b"was not recorded" in page.content


def test_members_and_other_networks_cannot_touch_consent(personas: Personas) -> None:
    record = ConsentRecord.objects.create(
        person=personas.person, purpose="research", text_version="1", given_at="2026-01-01T00:00Z"
    )
    for user, status in [(personas.member, 403), (personas.other_coordinator, 404)]:
        client = Client()
        client.force_login(user)
        url = reverse("networks:consent_withdraw", args=["noord", record.pk])
        assert client.post(url).status_code == status
    record.refresh_from_db()
    assert record.withdrawn_at is None


def test_coordinator_records_only_a_published_version(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.coordinator)
    page = client.get(reverse("networks:person_edit", args=["noord", personas.person.pk]))
    assert b"Current versions" in page.content and b"2026.1" in page.content
    post_consent(
        client, personas, purpose="quoting", text_version="1999.9", given_at="2026-11-01T10:00"
    )
    assert not ConsentRecord.objects.exists()
    post_consent(
        client, personas, purpose="quoting", text_version="2026.1", given_at="2026-11-01T10:00"
    )
    assert ConsentRecord.objects.get().text_version == "2026.1"
