"""Every template's every step renders on the console, the wall and the phone."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from verbindend.live import blueprints, engine, services
from verbindend.live.models import LiveSession, StepKind, cookie_name
from verbindend.testing.personas import Personas


def test_every_template_names_existing_content() -> None:
    assert blueprints.check() == []


def answer(session: LiveSession, token: str, step: object) -> None:
    kind = step.kind  # type: ignore[attr-defined]
    value: dict[str, object] = {}
    text = "Een antwoord"
    if kind == StepKind.SCALE:
        value, text = {"scale": 4}, ""
    elif kind == StepKind.CHOICE:
        value, text = {"choices": [0]}, ""
    elif kind == StepKind.PRINCIPLE_CARD:
        value = {"item": step.content_key + ".r1"}  # type: ignore[attr-defined]
    elif kind == StepKind.DOT_VOTE:
        source = engine.source_step(step)  # type: ignore[arg-type]
        first = source.contributions.first() if source else None
        if first is None:
            return
        value, text = {"dots": [first.pk]}, ""
    elif kind == StepKind.HISTORY_LINE:
        return
    services.submit_now(
        engine.Submission(session.public_id, token, step.pk, uuid.uuid4(), text, value)  # type: ignore[attr-defined]
    )


@pytest.mark.parametrize("key", list(blueprints.BLUEPRINTS))
def test_each_step_shows_on_every_screen(personas: Personas, key: str) -> None:
    blueprint = blueprints.BLUEPRINTS[key]
    scope = (
        {"study": personas.study} if blueprint.scope == "study" else {"network": personas.network}
    )
    runner = personas.researcher if blueprint.scope == "study" else personas.facilitator
    session = services.create_session(creator=runner, template=key, **scope)
    services.add_step(session=session, kind="scale", prompt="Hoe sterk?")
    services.start(session=session)
    participant = services.join(session=session, display_name="Ann")
    phone = Client()
    phone.cookies[cookie_name(session.public_id)] = participant.token
    facilitator = Client()
    facilitator.force_login(runner)
    for step in session.steps.order_by("order"):
        services.go_to(session=session, step=step)
        session.refresh_from_db()
        answer(session, participant.token, step)
        services.set_step_flag(step=step, flag="revealed", value=True)
        for url in (
            reverse("live:console", args=[session.pk]),
            reverse("live:wall", args=[session.pk]),
            reverse("live:wall_frame", args=[session.pk]),
        ):
            response = facilitator.get(url)
            assert response.status_code == 200, (key, step.kind, url)
        page = phone.get(reverse("live:phone", args=[session.public_id]))
        assert page.status_code == 200, (key, step.kind)
        if step.kind in (StepKind.SCALE, StepKind.CHOICE, StepKind.DOT_VOTE):
            wall = facilitator.get(reverse("live:wall_frame", args=[session.pk]))
            assert (
                b"wall-results" in wall.content
                and b"{" not in wall.content.split(b"wall-results")[1]
            )
        if step.kind == StepKind.HISTORY_LINE:
            assert b"history" in page.content.lower()
    assert facilitator.get(reverse("live:synthesis", args=[session.pk])).status_code == 200
    assert facilitator.get(reverse("live:handout", args=[session.pk])).status_code == 200
    services.close(session=session)
    session.refresh_from_db()
    assert phone.get(reverse("live:phone", args=[session.public_id])).status_code == 200


def test_the_interview_shows_its_visual_aid_on_the_wall(personas: Personas) -> None:
    session = services.create_session(
        creator=personas.facilitator, template="interview", network=personas.network
    )
    services.start(session=session)
    client = Client()
    client.force_login(personas.facilitator)
    wall = client.get(reverse("live:wall", args=[session.pk]))
    assert b"aid-figure" in wall.content and b"<svg" in wall.content
