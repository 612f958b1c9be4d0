"""The step kinds: one voice per person, answers to the current step only, human labels."""

from __future__ import annotations

import csv
import io
import re
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from verbindend.core.errors import DomainError
from verbindend.live import engine, kinds, services, synthesis
from verbindend.live.kinds.word_cloud import cloud
from verbindend.live.models import Contribution, LiveSession, Participant, Step

from .conftest import Room


def sub(session: LiveSession, who: Participant, step: Step, value: Any = None, text: str = ""):
    return engine.Submission(
        session.public_id, who.token, step.pk, uuid.uuid4(), text=text, value=value or {}
    )


def at(room: Room, kind: str, **options: Any) -> Step:
    step = services.add_step(
        session=room.session, kind=kind, prompt=f"Vraag {kind}", options=options
    )
    services.go_to(session=room.session, step=step)
    room.session.refresh_from_db()
    return step


def test_every_kind_has_a_module_and_its_partials() -> None:
    from django.template.loader import get_template

    keys = {k.key for k in kinds.all_kinds()}
    assert {"scale", "choice", "dot_vote", "ranking", "word_cloud", "questions", "slide"} <= keys
    for kind in kinds.all_kinds():
        get_template(kind.phone_template)
        get_template(kind.wall_template)


@pytest.mark.parametrize(
    ("kind", "options", "first", "last"),
    [
        ("scale", {}, {"scale": 1}, {"scale": 4}),
        ("choice", {"items": ["Rood", "Blauw"]}, {"choices": [0]}, {"choices": [1]}),
        ("ranking", {"items": ["A", "B", "C"]}, {"order": [0, 1, 2]}, {"order": [2, 0, 1]}),
    ],
)
def test_a_second_vote_replaces_the_first(
    room: Room, kind: str, options: dict, first, last
) -> None:
    step = at(room, kind, **options)
    (a,), _m = engine.write_batch([sub(room.session, room.participant, step, first)])
    (b,), messages = engine.write_batch([sub(room.session, room.participant, step, last)])
    assert isinstance(a, engine.Ack) and isinstance(b, engine.Ack)
    stored = Contribution.objects.filter(step=step)
    assert stored.count() == 1 and stored.get().value == last and b.id == a.id
    assert b.sequence > a.sequence and messages[0]["events"][0]["value"] == last
    # twice in one batch: still one row, the last value
    _both, _m = engine.write_batch(
        [
            sub(room.session, room.participant, step, first),
            sub(room.session, room.participant, step, last),
        ]
    )
    assert stored.count() == 1 and stored.get().value == last


def test_a_dot_vote_counts_once_per_person(room: Room) -> None:
    conditions, vote = list(room.session.steps.order_by("-order")[:2])[::-1]
    services.go_to(session=room.session, step=conditions)
    ideas = [
        engine.write_batch([sub(room.session, room.participant, conditions, text=t)])[0][0]
        for t in ("Tijd", "Geld")
    ]
    services.go_to(session=room.session, step=vote)
    for dots in ([ideas[0].id, ideas[1].id], [ideas[1].id]):  # type: ignore[union-attr]
        engine.write_batch([sub(room.session, room.participant, vote, {"dots": dots})])
    assert synthesis.aggregate(vote, list(vote.contributions.all())) == {"Geld": 1}


def test_answers_go_to_the_current_step_only(room: Room) -> None:
    later = room.session.steps.order_by("-order").first()
    assert later is not None and later.pk != room.step.pk
    (out,), _m = engine.write_batch([sub(room.session, room.participant, later, text="Te vroeg")])
    assert isinstance(out, DomainError) and out.code == "live.not_current"
    services.go(session=room.session, forward=False)  # back to the lobby
    room.session.refresh_from_db()
    (out,), _m = engine.write_batch([sub(room.session, room.participant, room.step, text="Lobby")])
    assert isinstance(out, DomainError) and out.code == "live.not_started"
    assert not Contribution.objects.filter(session=room.session).exists()


def test_a_refused_answer_reaches_the_phone_as_a_clear_message(room: Room) -> None:
    later = room.session.steps.order_by("-order").first()
    phone = room.phone()
    response = phone.post(
        reverse("live:phone_answer", args=[room.session.public_id]),
        {"step": str(later.pk), "client_id": str(uuid.uuid4()), "text": "x"},  # type: ignore[union-attr]
    )
    assert response.status_code == 409
    assert (
        "no longer open" in response.content.decode()
        or "niet meer open" in response.content.decode()
    )


@pytest.mark.parametrize(
    "body",
    [
        {"client_id": "not-a-uuid", "step": "1", "text": "x"},
        {"client_id": str(uuid.uuid4()), "step": "²", "text": "x"},
        {"client_id": str(uuid.uuid4()), "step": "٣", "text": "x"},
        {"client_id": ["x"], "step": 1, "text": "x"},
        {"client_id": str(uuid.uuid4()), "step": True, "text": "x"},
    ],
)
def test_hostile_bodies_are_refused_with_a_message(room: Room, body: dict) -> None:
    with pytest.raises(DomainError) as caught:
        engine.parse_submission(room.session.public_id, room.participant.token, body)
    assert caught.value.code == "live.bad_request"


def test_hostile_form_values_on_the_phone_never_500(room: Room) -> None:
    step = at(room, "scale")
    phone = room.phone()
    url = reverse("live:phone_answer", args=[room.session.public_id])
    for value in ("²", "٣", "9" * 40, "-1", "unknownx"):
        response = phone.post(
            url, {"step": str(step.pk), "client_id": str(uuid.uuid4()), "scale": value}
        )
        assert response.status_code == 400, value
    response = phone.post(url, {"step": str(step.pk), "client_id": "zz", "scale": "3"})
    assert response.status_code == 400
    assert not Contribution.objects.filter(step=step).exists()


def test_text_steps_take_one_answer_unless_several_are_allowed(room: Room) -> None:
    one = at(room, "open_answer")
    for text in ("eerste", "tweede"):
        engine.write_batch([sub(room.session, room.participant, one, text=text)])
    assert list(one.contributions.values_list("text", flat=True)) == ["tweede"]
    many = at(room, "open_answer", several=True)
    for text in ("eerste", "tweede"):
        engine.write_batch([sub(room.session, room.participant, many, text=text)])
    assert many.contributions.count() == 2


def test_word_cloud_folds_forms_and_drops_stop_words() -> None:
    words = dict(
        cloud(["Samenwerking en vertrouwen", "de samenwerkingen", "Trust and networks", "network"])
    )
    assert words.get("samenwerking") == 2 or words.get("samenwerkingen") == 2
    assert words.get("network") == 2 or words.get("networks") == 2
    assert "en" not in words and "de" not in words and "and" not in words


def test_questions_upvote_once_and_rank_by_votes(room: Room) -> None:
    step = at(room, "questions")
    other = services.join(session=room.session, display_name="Bo")
    engine.write_batch([sub(room.session, room.participant, step, text="Wanneer?")])
    (q2,), _m = engine.write_batch([sub(room.session, other, step, text="Waarom?")])
    for who in (room.participant, other, other):  # Bo's second upvote does not count twice
        engine.write_batch([sub(room.session, who, step, {"up": q2.id})])  # type: ignore[union-attr]
    (bad,), _m = engine.write_batch([sub(room.session, other, step, {"up": 999999})])
    assert isinstance(bad, DomainError)
    results = step.spec.results(step, list(step.contributions.all()))
    assert results == [("Waarom?", 2), ("Wanneer?", 0)]


def test_the_exports_hold_human_labels_only(room: Room) -> None:
    scale = at(room, "scale")
    engine.write_batch([sub(room.session, room.participant, scale, {"scale": 2})])
    choice = at(room, "choice", items=["Samen doen", "Taal"])
    engine.write_batch([sub(room.session, room.participant, choice, {"choices": [1]})])
    services.go_to(
        session=room.session,
        step=room.session.steps.get(content_key="exercise.conditions", kind="open_answer"),
    )
    cond = room.session.steps.get(content_key="exercise.conditions", kind="open_answer")
    (idea,), _m = engine.write_batch([sub(room.session, room.participant, cond, text="Tijd maken")])
    services.toggle_tag(contribution=Contribution.objects.get(pk=idea.id), tag="level.individual")  # type: ignore[union-attr]
    dot = room.session.steps.get(kind="dot_vote")
    services.go_to(session=room.session, step=dot)
    engine.write_batch([sub(room.session, room.participant, dot, {"dots": [idea.id]})])  # type: ignore[union-attr]
    client = Client()
    client.force_login(room.p.facilitator)
    text = client.get(reverse("live:export", args=[room.session.pk, "csv"])).content.decode()
    book = load_workbook(
        io.BytesIO(client.get(reverse("live:export", args=[room.session.pk, "xlsx"])).content)
    )
    cells = [
        str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None
    ]
    csv_cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    for cells_of in (cells, csv_cells):
        joined = "\n".join(cells_of)
        assert "{" not in joined and "level." not in joined
        assert "Tijd maken" in joined and "Taal" in joined
        assert any(c.startswith("2 ·") for c in cells_of)  # a labelled scale point
        assert not any(re.fullmatch(rf"{idea.id}(: \d+)?", c) for c in cells_of)  # type: ignore[union-attr]
    console = client.get(reverse("live:console", args=[room.session.pk])).content.decode()
    assert "{&#x27;" not in console and "{'" not in console


def test_the_console_shows_labels_not_values(room: Room) -> None:
    step = at(room, "scale")
    engine.write_batch([sub(room.session, room.participant, step, {"scale": 1})])
    client = Client()
    client.force_login(room.p.facilitator)
    page = client.get(reverse("live:console", args=[room.session.pk])).content.decode()
    assert "scale&#x27;" not in page and "{'scale'" not in page
    assert "1 ·" in page
