"""Demo: a finished focus group with answers, themes and a saved synthesis, and a lobby session."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from verbindend.accounts.models import User
from verbindend.live import engine, services
from verbindend.live.models import LiveSession, Participant, State, StepKind

FINISHED = "Focusgroep voorjaar"
LOBBY = "Focusgroep najaar"

ANSWERS = {
    "exercise.appreciative.q_trophy": [
        "Voor de manier waarop we elkaar vonden toen de subsidie wegviel.",
        "Voor het gezamenlijke opleidingsaanbod voor werkzoekenden.",
        "Omdat nieuwe partners zich hier snel thuis voelen.",
    ],
    "exercise.appreciative.q_success": [
        "De gedeelde jobbeurs: nu organiseren we die elk jaar samen.",
        "Het doorverwijzen gaat vlotter sinds we elkaars werking kennen.",
    ],
    "exercise.conditions": [
        "Tijd maken om stil te staan bij wat we leren.",
        "Vertrouwen en veiligheid om fouten te delen.",
        "Een gemeenschappelijk doel dat iedereen kent.",
        "Vertrouwen om fouten te delen.",
    ],
}
LETTERS = [
    ("Beste bestuur, ik leerde hier vooral om hulp te vragen.", True),
    ("Een persoonlijke brief die niemand anders leest.", False),
    ("Nog een brief die privé blijft.", False),
]


def extend_demo(*, network: Any, study: Any) -> None:
    if LiveSession.objects.filter(network=network, title=FINISHED).exists():
        return
    author = User.objects.filter(username="facilitator@verbindend.demo").first()
    assert author is not None
    session = services.create_session(
        creator=author, template="focus_group", network=network, title=FINISHED
    )
    organisations = list(network.memberships.select_related("organisation"))
    people = [
        Participant.objects.create(
            session=session,
            display_name=name,
            organisation=organisations[i % len(organisations)].organisation,
        )
        for i, name in enumerate(["Els", "Karim", "Nele", "Bram", ""])
    ]
    steps = {s.content_key: s for s in session.steps.exclude(kind=StepKind.DOT_VOTE)}
    LiveSession.objects.filter(pk=session.pk).update(state=State.RUNNING)
    items = []
    for key, texts in ANSWERS.items():
        for i, text in enumerate(texts):
            items.append(
                engine.Submission(
                    session=session.public_id,
                    token=people[i % len(people)].token,
                    step=steps[key].pk,
                    client_id=uuid.uuid5(uuid.NAMESPACE_URL, f"demo:{key}:{i}"),
                    text=text,
                )
            )
    letter = steps["exercise.farewell_letter"]
    for i, (text, shared) in enumerate(LETTERS):
        items.append(
            engine.Submission(
                session=session.public_id,
                token=people[i].token,
                step=letter.pk,
                client_id=uuid.uuid5(uuid.NAMESPACE_URL, f"demo:letter:{i}"),
                text=text,
                shared=shared,
            )
        )
    # answers go to the current step only: walk the steps as the session did
    for step in {i.step for i in items}:
        LiveSession.objects.filter(pk=session.pk).update(current_step_id=step)
        engine.write_batch([i for i in items if i.step == step])
    conditions = list(steps["exercise.conditions"].contributions.order_by("sequence"))
    time_theme = services.add_theme(session=session, name="Tijd en ruimte")
    trust_theme = services.add_theme(session=session, name="Vertrouwen")
    services.set_theme(contribution=conditions[0], theme=time_theme)
    services.set_theme(contribution=conditions[1], theme=trust_theme)
    services.toggle_tag(contribution=conditions[1], tag="condition.shared")
    services.merge(contribution=conditions[3], into=conditions[1])
    services.close(session=session)
    session.refresh_from_db()
    services.save_synthesis(
        session=session,
        notes="Vertrouwen en tijd om te reflecteren kwamen het sterkst naar voren.",
        user=author,
    )
    LiveSession.objects.filter(pk=session.pk).update(closed_at=timezone.now())
    lobby = services.create_session(
        creator=author, template="focus_group", network=network, title=LOBBY
    )
    # planned for the day the demo is loaded, so members find it on their overview
    services.describe_session(session=lobby, title=LOBBY, planned_for=timezone.localdate())
