"""The writer: idempotent, numbered in commit order, checked; private letters stay private."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verbindend.core.errors import DomainError
from verbindend.live import engine, services
from verbindend.live.models import (
    LETTER_MAX,
    TEXT_MAX,
    Contribution,
    Event,
    StepKind,
)

from .conftest import Room


def sub(room: Room, text: str = "idee", **extra: object) -> engine.Submission:
    return engine.Submission(
        session=room.session.public_id,
        token=room.participant.token,
        step=extra.pop("step", room.step.pk),  # type: ignore[arg-type]
        client_id=extra.pop("client_id", uuid.uuid4()),  # type: ignore[arg-type]
        text=text,
        **extra,  # type: ignore[arg-type]
    )


def test_a_batch_is_numbered_in_order_and_logged(room: Room) -> None:
    before = room.session.last_sequence
    outcomes, messages = engine.write_batch([sub(room, f"idee {i}") for i in range(5)])
    assert [o.sequence for o in outcomes] == list(range(before + 1, before + 6))  # type: ignore[union-attr]
    assert list(
        Event.objects.filter(session=room.session, kind="contribution").values_list(
            "sequence", flat=True
        )
    ) == list(range(before + 1, before + 6))
    assert [e["seq"] for e in messages[0]["events"]] == list(range(before + 1, before + 6))
    assert messages[0]["phones"] is False


def test_resubmitting_a_client_uuid_returns_the_same_contribution(room: Room) -> None:
    item = sub(room)
    (first,), _m = engine.write_batch([item])
    (again,), messages = engine.write_batch([item])
    assert isinstance(first, engine.Ack) and isinstance(again, engine.Ack)
    assert again.id == first.id and again.duplicate and not first.duplicate
    assert messages == []
    assert Contribution.objects.filter(client_id=item.client_id).count() == 1


def test_the_same_uuid_twice_in_one_batch_is_written_once(room: Room) -> None:
    item = sub(room)
    outcomes, _m = engine.write_batch([item, item])
    assert outcomes[0].id == outcomes[1].id  # type: ignore[union-attr]
    assert Contribution.objects.filter(client_id=item.client_id).count() == 1


def test_one_bad_item_does_not_spoil_the_batch(room: Room) -> None:
    outcomes, _m = engine.write_batch([sub(room, "goed"), sub(room, ""), sub(room, "ook goed")])
    assert isinstance(outcomes[1], DomainError) and outcomes[1].code == "live.empty"
    assert Contribution.objects.filter(session=room.session).count() == 2


def test_overlong_answers_are_refused_with_a_clear_message(room: Room) -> None:
    (outcome,), _m = engine.write_batch([sub(room, "x" * (TEXT_MAX + 1))])
    assert isinstance(outcome, DomainError) and outcome.code == "live.too_long"
    assert str(TEXT_MAX) in str(outcome.message)
    with pytest.raises(DomainError):
        engine.parse_submission(
            "x", "y", {"client_id": str(uuid.uuid4()), "step": 1, "text": "x" * (LETTER_MAX * 3)}
        )


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        "text",
        {"client_id": "nope", "step": 1},
        {"client_id": str(uuid.uuid4())},
        {"client_id": str(uuid.uuid4()), "step": 1, "value": ["x"]},
    ],
)
def test_unreadable_submissions_are_refused(data: object) -> None:
    with pytest.raises(DomainError) as caught:
        engine.parse_submission("s", "t", data)
    assert caught.value.code == "live.bad_request"


def test_closed_and_locked_steps_and_strangers_are_refused(room: Room) -> None:
    services.set_step_flag(step=room.step, flag="locked", value=True)
    (locked,), _m = engine.write_batch([sub(room)])
    assert isinstance(locked, DomainError) and locked.code == "live.locked"
    stranger = engine.Submission(
        room.session.public_id, "not-a-token", room.step.pk, uuid.uuid4(), "x"
    )
    (refused,), _m = engine.write_batch([stranger])
    assert isinstance(refused, DomainError) and refused.code == "live.not_joined"
    services.close(session=room.session)
    (closed,), _m = engine.write_batch([sub(room)])
    assert isinstance(closed, DomainError) and closed.code == "live.closed"


def test_a_participant_cannot_answer_in_another_session(room: Room) -> None:
    other = services.create_session(
        creator=room.p.facilitator, template="blank", network=room.p.network
    )
    stranger = services.join(session=other, display_name="Bo")
    item = engine.Submission(
        room.session.public_id, stranger.token, room.step.pk, uuid.uuid4(), "x"
    )
    (outcome,), _m = engine.write_batch([item])
    assert isinstance(outcome, DomainError) and outcome.code == "live.not_joined"


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=300))
def test_any_text_is_stored_as_text_or_refused_cleanly(room: Room, text: str) -> None:
    (outcome,), _m = engine.write_batch([sub(room, engine.clean_text(text))])
    if isinstance(outcome, DomainError):
        assert outcome.code == "live.empty"
        return
    stored = Contribution.objects.get(pk=outcome.id)
    assert stored.text == engine.clean_text(text)
    assert "\x00" not in stored.text


def test_a_private_letter_never_travels_to_screens(room: Room) -> None:
    letter = room.session.steps.get(kind=StepKind.FAREWELL_LETTER)
    services.go_to(session=room.session, step=letter)
    other = services.join(session=room.session, display_name="Bo")
    _o, messages = engine.write_batch(
        [
            sub(room, "Mijn geheime brief", step=letter.pk),
            engine.Submission(
                room.session.public_id,
                other.token,
                letter.pk,
                uuid.uuid4(),
                "Gedeelde brief",
                shared=True,
            ),
        ]
    )
    texts = [e["text"] for e in messages[0]["events"]]
    assert texts == [None, "Gedeelde brief"]
    replay = engine.load_events(room.session.pk, 0)
    assert "Mijn geheime brief" not in str(replay)
    assert "Gedeelde brief" in str(replay)


def test_scale_choice_and_dots_are_checked(room: Room) -> None:
    scale = services.add_step(session=room.session, kind="scale", prompt="Hoe?")
    choice = services.add_step(
        session=room.session, kind="choice", prompt="Wat?", options={"items": ["a", "b"]}
    )
    services.go_to(session=room.session, step=scale)
    good = [
        sub(room, "", step=scale.pk, value={"scale": 3}),
        sub(room, "", step=scale.pk, value={"scale": "unknown"}),
    ]
    bad = [
        sub(room, "", step=scale.pk, value={"scale": 9}),
        sub(room, "", step=scale.pk, value={"scale": True}),
        sub(room, "", step=scale.pk, value={"scale": 3.0}),
        sub(room, "", step=choice.pk, value={"choices": [1]}),  # not the current step
    ]
    outcomes, _m = engine.write_batch(good + bad)
    assert all(isinstance(o, engine.Ack) for o in outcomes[:2])
    assert all(isinstance(o, DomainError) for o in outcomes[2:])
    services.go_to(session=room.session, step=choice)
    outcomes, _m = engine.write_batch(
        [
            sub(room, "", step=choice.pk, value={"choices": [1]}),
            sub(room, "", step=choice.pk, value={"choices": [0, 1]}),
            sub(room, "", step=choice.pk, value={"choices": [7]}),
            sub(room, "", step=choice.pk, value={"choices": [False]}),
        ]
    )
    assert isinstance(outcomes[0], engine.Ack)
    assert all(isinstance(o, DomainError) for o in outcomes[1:])


def test_dots_go_only_to_answers_of_the_source_step(room: Room) -> None:
    conditions, vote = list(room.session.steps.order_by("-order")[:2])[::-1]
    services.go_to(session=room.session, step=conditions)
    (answer,), _m = engine.write_batch([sub(room, "Tijd", step=conditions.pk)])
    services.go_to(session=room.session, step=vote)
    (ok, wrong), _m = engine.write_batch(
        [
            sub(room, "", step=vote.pk, value={"dots": [answer.id]}),  # type: ignore[union-attr]
            sub(room, "", step=vote.pk, value={"dots": [999999]}),
        ]
    )
    assert isinstance(ok, engine.Ack)
    assert isinstance(wrong, DomainError) and wrong.code == "live.bad_dots"


def test_state_events_reach_phones_and_are_numbered(room: Room) -> None:
    before = room.session.last_sequence
    services.go(session=room.session, forward=True)
    event = Event.objects.filter(session=room.session).order_by("-sequence").first()
    assert event is not None and event.kind == "state" and event.sequence == before + 1
    assert event.payload["step"] != room.step.pk


@pytest.mark.django_db(transaction=True)
def test_an_answer_stored_meanwhile_by_another_process_is_acknowledged_once(room: Room) -> None:
    """The writer reads a batch's client UUIDs before it takes the session's lock. Another
    process that stores one of them in between (a phone's retry that reached it) makes the insert
    fail on the unique constraint; the batch is written again and the answer acknowledged once."""
    import threading

    from django.db import connection, connections, transaction

    from verbindend.live.engine.writer import _write_on_own_connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes its write lock at BEGIN: two writers cannot interleave there")
    item = sub(room)
    locked, release = threading.Event(), threading.Event()
    other_id: list[int] = []

    def other_process() -> None:
        try:
            with transaction.atomic():
                session = type(room.session).objects.select_for_update().get(pk=room.session.pk)
                other_id.append(
                    Contribution.objects.create(
                        session=session,
                        step=room.step,
                        participant=room.participant,
                        client_id=item.client_id,
                        text="idee",
                        sequence=session.last_sequence + 1,
                    ).pk
                )
                locked.set()
                release.wait(30)
        finally:
            connections.close_all()

    outcome: list[object] = []

    def writer() -> None:
        try:
            outcome.extend(_write_on_own_connection([item])[0])
        finally:
            connections.close_all()

    holder = threading.Thread(target=other_process)
    holder.start()
    assert locked.wait(30)
    writing = threading.Thread(target=writer)
    writing.start()
    for _ in range(300):  # until the writer waits for the session's lock (at most 30 s)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                break
        threading.Event().wait(0.1)
    else:
        pytest.fail("the writer never waited for the session's lock")
    release.set()
    holder.join(30)
    writing.join(30)
    (ack,) = outcome
    assert isinstance(ack, engine.Ack) and ack.duplicate and ack.id == other_id[0]
    assert Contribution.objects.filter(client_id=item.client_id).count() == 1
