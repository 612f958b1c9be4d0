"""Facilitators reword steps and rename sessions; bad input changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from verbindend.live import services, synthesis
from verbindend.live.models import LiveSession
from verbindend.testing.personas import Personas


@pytest.fixture
def session(personas: Personas) -> LiveSession:
    return services.create_session(
        creator=personas.facilitator, template="focus_group", network=personas.network
    )


def post(user, session: LiveSession, **data: str):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client.post(reverse("live:steps", args=[session.pk]), data)


def test_a_facilitator_rewords_a_step_and_can_go_back_to_the_method(
    personas: Personas, session: LiveSession
) -> None:
    step = session.steps.order_by("order").first()
    original = synthesis.step_prompt(step)
    response = post(
        personas.facilitator, session, action="edit", step=str(step.pk), prompt="Onze eigen vraag?"
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert synthesis.step_prompt(step) == "Onze eigen vraag?"
    assert not step.alone_first
    post(
        personas.facilitator, session, action="edit", step=str(step.pk), prompt="", alone_first="on"
    )
    step.refresh_from_db()
    assert synthesis.step_prompt(step) == original and step.alone_first


def test_a_session_is_renamed(personas: Personas, session: LiveSession) -> None:
    post(personas.facilitator, session, action="rename", title="Focusgroep <b>najaar</b>")
    session.refresh_from_db()
    assert session.title == "Focusgroep <b>najaar</b>"
    page = Client()
    page.force_login(personas.facilitator)
    html = page.get(reverse("live:steps", args=[session.pk])).content
    assert b"<b>najaar</b>" not in html


@pytest.mark.parametrize(
    "data",
    [
        {"action": "edit", "step": "0", "prompt": "x"},
        {"action": "edit", "step": "abc", "prompt": "x"},
        {"action": "edit", "prompt": "x" * 1001},
        {"action": "rename", "title": ""},
        {"action": "rename", "title": "t" * 201},
    ],
)
def test_bad_edits_change_nothing(
    personas: Personas, session: LiveSession, data: dict[str, str]
) -> None:
    step = session.steps.order_by("order").first()
    data = {"step": str(step.pk), **data} if "step" not in data else data
    before = (session.title, [(s.pk, s.prompt) for s in session.steps.all()])
    response = post(personas.facilitator, session, **data)
    assert response.status_code in {400, 404}
    session.refresh_from_db()
    assert (session.title, [(s.pk, s.prompt) for s in session.steps.all()]) == before


def test_members_and_other_networks_cannot_edit(personas: Personas, session: LiveSession) -> None:
    step = session.steps.order_by("order").first()
    for user, status in [(personas.member, 403), (personas.other_coordinator, 404)]:
        response = post(user, session, action="edit", step=str(step.pk), prompt="kaping")
        assert response.status_code == status
    step.refresh_from_db()
    assert step.prompt == ""
