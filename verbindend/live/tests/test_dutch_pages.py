"""Every page that shows live data, read in Dutch: no raw data, no English (testing.readable)."""

from __future__ import annotations

import uuid

from django.test import Client
from django.urls import reverse

from verbindend.live import engine, services
from verbindend.live.models import Contribution, LiveSession, Participant, Step
from verbindend.testing.personas import Personas
from verbindend.testing.readable import problems

KINDS = [
    ("open_answer", {"several": True}, {"text": "Samen de jobbeurs organiseren"}),
    ("dot_vote", {"source_back": 1, "dots": 3}, None),
    ("scale", {}, {"value": {"scale": 4}}),
    ("choice", {"items": ["Samen doen", "Taal voor leren"]}, {"value": {"choices": [1]}}),
    ("ranking", {"items": ["Tijd", "Geld", "Mensen"]}, {"value": {"order": [2, 0, 1]}}),
    ("word_cloud", {}, {"text": "vertrouwen", "value": {"slot": 0}}),
    ("questions", {}, {"text": "Hoe houden we dit vol?"}),
    ("slide", {"aid": "aid.levels"}, None),
    ("farewell_letter", {}, {"text": "Beste netwerk, dank je.", "shared": True}),
]


def _answer(session: LiveSession, who: Participant, step: Step, spec: dict) -> None:
    services.submit_now(
        engine.Submission(
            session.public_id,
            who.token,
            step.pk,
            uuid.uuid4(),
            text=spec.get("text", ""),
            value=spec.get("value", {}),
            shared=spec.get("shared", False),
        )
    )


def test_every_live_page_reads_in_dutch(personas: Personas) -> None:
    session = services.create_session(
        creator=personas.facilitator,
        template="scan_workshop",
        network=personas.network,
        title="Werkwinkel over de principes",
    )
    for kind, options, _a in KINDS:
        services.add_step(session=session, kind=kind, prompt="", options=options)
    services.start(session=session)
    people = [services.join(session=session, display_name=n) for n in ("Ann", "Bo", "Cas")]
    facilitator = Client(headers={"accept-language": "nl"})
    facilitator.force_login(personas.facilitator)
    phone = Client(headers={"accept-language": "nl"})
    from verbindend.live.models import cookie_name

    phone.cookies[cookie_name(session.public_id)] = people[0].token
    theme = services.add_theme(session=session, name="Samenwerken")
    pages: dict[str, str] = {}
    answers = dict((k, a) for k, _o, a in KINDS)
    for step in session.steps.order_by("order"):
        services.go_to(session=session, step=step)
        session.refresh_from_db()
        if step.kind == "principle_card":
            item = f"{step.content_key}.r1"
            _answer(session, people[0], step, {"text": "We doen samen", "value": {"item": item}})
        elif step.kind == "dot_vote":
            target = Contribution.objects.filter(step__kind="open_answer", session=session).first()
            for who in people:
                _answer(session, who, step, {"value": {"dots": [target.pk]}})  # type: ignore[union-attr]
        elif answers.get(step.kind):
            for who in people:
                _answer(session, who, step, answers[step.kind])  # type: ignore[arg-type]
        for c in Contribution.objects.filter(step=step).exclude(text="")[:1]:
            services.toggle_tag(contribution=c, tag="level.individual")
            if step.spec.cards:
                services.set_theme(contribution=c, theme=theme)
        services.set_step_flag(step=step, flag="revealed", value=True)
        for name, client, url in (
            ("console", facilitator, reverse("live:console", args=[session.pk])),
            ("panel", facilitator, reverse("live:panel", args=[session.pk])),
            ("wall", facilitator, reverse("live:wall", args=[session.pk])),
            ("phone", phone, reverse("live:phone", args=[session.public_id])),
        ):
            response = client.get(url)
            assert response.status_code == 200, (step.kind, name)
            pages[f"{name} ({step.kind} {step.order})"] = response.content.decode()
    for name, url in (
        ("synthesis", reverse("live:synthesis", args=[session.pk])),
        ("steps", reverse("live:steps", args=[session.pk])),
        ("handout", reverse("live:handout", args=[session.pk])),
        ("list", reverse("live:network", args=[personas.network.slug])),
    ):
        response = facilitator.get(url)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    pages["my data"] = phone.get(reverse("live:my_data", args=[session.public_id])).content.decode()
    pages["join"] = (
        Client(headers={"accept-language": "nl"})
        .get(reverse("live:join") + f"?code={session.join_code}")
        .content.decode()
    )
    found = {name: problems(html) for name, html in pages.items()}
    found = {name: p for name, p in found.items() if p}
    assert not found, "\n".join(f"{name}: {p}" for name, p in found.items())
    csv = facilitator.get(reverse("live:export", args=[session.pk, "csv"])).content.decode()
    assert not problems(f"<p>{csv}</p>".replace("\n", "</p><p>"))
